package org.llmplayground.app.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Text;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.OrderedList;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import io.micronaut.context.annotation.Prototype;
import org.llmplayground.course.CourseService;
import org.llmplayground.course.Tutorial;

/** The home page: what the app is and the learning path through the labs. */
@Route(value = "", layout = MainLayout.class)
@PageTitle("LLM Playground")
@Prototype
public class HomeView extends VerticalLayout {
    public HomeView(CourseService course) {
        setMaxWidth("960px");
        add(new H1("Learn how large language models work by building one"));
        add(new Paragraph("LLM Playground is a workbench: every lab explains one idea and then lets you use a real "
                + "implementation of it, on real data, on this machine. Nothing here is simulated: the tokenizers produce "
                + "the same ids as OpenAI's and Hugging Face's, and later labs train and run real models."));
        add(new H3("The course"), new Paragraph("Nine guided tutorials, each beside its lab: every step explains one idea, "
                + "you do it in the lab, and the app checks the result before the next step unlocks. From a tokenizer of "
                + "your own to a fine-tuned, evaluated model served over the OpenAI API."), course(course));
        add(new H3("The learning path"), path());
        add(new H3("Labs"));
        for (Labs.Lab lab : Labs.ALL) {
            add(card(lab));
        }
        add(new Paragraph("Each lab has a matching REST API (see REST API in the menu), so what you try in the browser "
                + "you can script."));
    }

    /** Each tutorial with the learner's progress and a link that opens it beside its lab. */
    private static OrderedList course(CourseService course) {
        OrderedList list = new OrderedList();
        list.setId("home-course");
        for (CourseService.Progress p : course.overview()) {
            Tutorial t = course.tutorial(p.tutorial());
            ListItem item = new ListItem();
            item.setId("home-tutorial-" + t.number());
            String verb = p.complete() ? "Review" : p.passed() > 0 ? "Continue" : "Start";
            Anchor open = new Anchor(t.lab() + "?tutorial=" + t.id(), t.title().replaceFirst("^Tutorial \\d+: ", ""));
            open.setId("home-tutorial-link-" + t.number());
            long right = p.quiz().stream().filter(CourseService.QuizAnswer::correct).count();
            Span state = new Span(" — " + t.minutes() + " min · " + (p.complete() ? "✓ done" : p.passed() + " of " + p.steps() + " steps")
                    + (p.quiz().isEmpty() ? "" : " · quiz " + right + " of " + t.quiz().size()) + " · " + verb);
            state.setId("home-tutorial-state-" + t.number());
            state.addClassName("pg-course-progress");
            item.add(open, state);
            list.add(item);
        }
        return list;
    }

    /** The steps in order; each links to its lab(s), or says it is coming when its lab is not built yet. */
    private static OrderedList path() {
        OrderedList list = new OrderedList();
        list.addClassName("pg-path");
        int n = 0;
        for (Labs.Step step : Labs.PATH) {
            n++;
            ListItem item = new ListItem();
            item.setId("home-step-" + n);
            item.add(new Span(new Text(step.title() + ". ")));
            item.getChildren().findFirst().ifPresent(c -> c.getElement().getStyle().set("font-weight", "bold"));
            item.add(new Text(step.text() + " "));
            if (step.built()) {
                for (Class<? extends Component> view : step.views()) {
                    RouterLink link = new RouterLink(linkText(view), view);
                    link.addClassName("pg-path-link");
                    item.add(link, new Text(" "));
                }
            } else {
                Span coming = new Span(step.coming());
                coming.addClassName("pg-coming");
                item.add(coming);
                item.addClassName("pg-step-coming");
            }
            list.add(item);
        }
        return list;
    }

    private static String linkText(Class<? extends Component> view) {
        for (Labs.Lab lab : Labs.ALL) {
            if (lab.view().equals(view)) {
                return "→ Lab " + lab.number() + ": " + lab.title();
            }
        }
        return Labs.TOOLS.stream().filter(t -> t.view().equals(view)).map(t -> "→ " + t.title()).findFirst().orElse("→ open");
    }

    private Div card(Labs.Lab lab) {
        Div card = new Div();
        card.addClassName("pg-card");
        RouterLink link = new RouterLink(lab.number() + ". " + lab.title(), lab.view());
        link.setId("home-lab-" + lab.number());
        card.add(new H3(link), new Paragraph(lab.summary()));
        return card;
    }
}
