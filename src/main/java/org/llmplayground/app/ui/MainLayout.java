package org.llmplayground.app.ui;


import com.vaadin.flow.component.HasElement;
import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.server.VaadinSession;
import io.micronaut.context.annotation.Prototype;
import org.llmplayground.core.BackgroundExecutor;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Troubleshooting;
import org.llmplayground.core.ui.Notices;
import org.llmplayground.course.CourseService;
import org.llmplayground.course.ui.TutorialPanel;

import java.util.List;

/**
 * The app shell: a header with the title and the dark/light switch, a side navigation with the home page, the labs
 * (from {@link Labs}), the tools and the admin page, and — while the learner follows a tutorial — the tutorial's panel
 * beside whatever page is open. {@code ?tutorial=<id>} on any route opens a tutorial; it stays open (per browser
 * session) while the learner moves between labs, until closed.
 */
@Prototype
public class MainLayout extends AppLayout implements BeforeEnterObserver {
    static final String OPEN_TUTORIAL = "pg-open-tutorial";
    private final CourseService course;
    private final BackgroundExecutor executor;
    private final Div view = new Div();
    private final Div side = new Div();

    public MainLayout(CourseService course, BackgroundExecutor executor) {
        this.course = course;
        this.executor = executor;
        setPrimarySection(Section.DRAWER);
        addToNavbar(new DrawerToggle(), header());
        addToDrawer(navigation());
        view.addClassName("pg-view");
        side.addClassName("pg-side");
        side.setVisible(false);
        Div body = new Div(view, side);
        body.addClassName("pg-body");
        setContent(body);
        // every error text the page shows gets a "How to fix this" link when the troubleshooting page explains it
        addAttachListener(e -> e.getUI().getPage().executeJs(Troubleshooting.SCRIPT, Troubleshooting.entriesJson()));
    }

    @Override
    public void showRouterLayoutContent(HasElement content) {
        view.removeAll();
        if (content != null) {
            content.getElement().getComponent().ifPresent(view::add);
        }
    }

    @Override
    public void removeRouterLayoutContent(HasElement oldContent) {
        oldContent.getElement().removeFromParent();
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        List<String> asked = event.getLocation().getQueryParameters().getParameters().get("tutorial");
        String id = asked != null && !asked.isEmpty() ? asked.get(0) : (String) VaadinSession.getCurrent().getAttribute(OPEN_TUTORIAL);
        String shown = side.getChildren().findFirst().map(c -> ((TutorialPanel) c).tutorialId()).orElse(null);
        if (id == null || id.equals(shown)) {
            return;
        }
        try {
            open(course.tutorial(id).id());
        } catch (BadInputException e) {
            Notices.error(e.getMessage());
        }
    }

    private void open(String id) {
        VaadinSession.getCurrent().setAttribute(OPEN_TUTORIAL, id);
        side.removeAll();
        side.add(new TutorialPanel(course, executor, id, this::closeTutorial));
        side.setVisible(true);
    }

    private void closeTutorial() {
        VaadinSession.getCurrent().setAttribute(OPEN_TUTORIAL, null);
        side.removeAll();
        side.setVisible(false);
    }

    private HorizontalLayout header() {
        Span title = new Span("LLM Playground");
        title.addClassName("pg-title");
        Button theme = new Button(VaadinIcon.ADJUST.create(), e -> toggleTheme());
        theme.setId("theme-toggle");
        theme.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        theme.setAriaLabel("Switch between dark and light theme");
        theme.setTooltipText("Dark / light theme");
        HorizontalLayout bar = new HorizontalLayout(title, theme);
        bar.setWidthFull();
        bar.setAlignItems(FlexComponent.Alignment.CENTER);
        bar.expand(title);
        bar.addClassName("pg-navbar");
        return bar;
    }

    private void toggleTheme() {
        getElement().executeJs("const h=document.documentElement;"
                + "const dark=h.getAttribute('theme')!=='dark';"
                + "if(dark){h.setAttribute('theme','dark');}else{h.removeAttribute('theme');}"
                + "try{localStorage.setItem('pg-theme',dark?'dark':'light');}catch(e){}");
    }

    private VerticalLayout navigation() {
        SideNav main = new SideNav();
        main.addItem(new SideNavItem("Home", HomeView.class, VaadinIcon.HOME.create()));
        SideNav labs = new SideNav("Labs");
        for (Labs.Lab lab : Labs.ALL) {
            labs.addItem(new SideNavItem(lab.number() + ". " + lab.title(), lab.view(), lab.icon().create()));
        }
        SideNav tools = new SideNav("Tools");
        for (Labs.Tool tool : Labs.TOOLS) {
            tools.addItem(new SideNavItem(tool.title(), tool.view(), tool.icon().create()));
        }
        tools.addItem(new SideNavItem("REST API", ApiDocsView.class, VaadinIcon.CODE.create()));
        tools.addItem(new SideNavItem("Admin", AdminView.class, VaadinIcon.DATABASE.create()));
        VerticalLayout drawer = new VerticalLayout(main, labs, tools);
        drawer.setPadding(true);
        drawer.setSpacing(true);
        return drawer;
    }

}
