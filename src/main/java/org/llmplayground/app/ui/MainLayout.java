package org.llmplayground.app.ui;

import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;

/**
 * The app shell: a header with the title and the dark/light switch, and a side navigation with the home page, the
 * labs (from {@link Labs}), the API documentation and the admin page.
 */
public class MainLayout extends AppLayout {
    public MainLayout() {
        setPrimarySection(Section.DRAWER);
        addToNavbar(new DrawerToggle(), header());
        addToDrawer(navigation());
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
