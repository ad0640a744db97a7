package org.llmplayground.course.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.textfield.TextField;
import org.llmplayground.core.Markdown;
import org.llmplayground.core.ui.Async;
import org.llmplayground.course.CourseService;
import org.llmplayground.course.Tutorial;

import java.util.concurrent.Executor;
import java.util.stream.IntStream;

/**
 * A tutorial beside the lab it teaches: numbered steps, each with its explanation, what to do and the check the app
 * runs; the next step unlocks when the check passes. After the last step: the quiz (each answer explained) and
 * experiments to try. Checks run off the UI thread (an answer check may run the model).
 */
public class TutorialPanel extends VerticalLayout {
    private final CourseService course;
    private final Executor executor;
    private final Tutorial tutorial;
    private final Runnable onClose;

    public TutorialPanel(CourseService course, Executor executor, String tutorialId, Runnable onClose) {
        this.course = course;
        this.executor = executor;
        this.tutorial = course.tutorial(tutorialId);
        this.onClose = onClose;
        setId("tutorial-panel");
        addClassName("pg-tutorial");
        setPadding(true);
        setSpacing(false);
        render(course.progress(tutorial.id()));
    }

    public String tutorialId() {
        return tutorial.id();
    }

    private void render(CourseService.Progress p) {
        removeAll();
        Button close = new Button(VaadinIcon.CLOSE_SMALL.create(), e -> onClose.run());
        close.setId("tutorial-close");
        close.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        close.setAriaLabel("Close the tutorial");
        H3 title = new H3(tutorial.title());
        title.setId("tutorial-title");
        HorizontalLayout head = new HorizontalLayout(title, close);
        head.setWidthFull();
        head.expand(title);
        head.setAlignItems(FlexComponent.Alignment.START);
        Span count = new Span(p.passed() + " of " + p.steps() + " steps" + (p.complete() ? " — done!" : ""));
        count.setId("tutorial-progress");
        ProgressBar bar = new ProgressBar(0, p.steps(), p.passed());
        Anchor lab = new Anchor(tutorial.lab(), "Open the lab");
        lab.setId("tutorial-lab");
        add(head, lab, markdown("You will make: " + tutorial.makes() + ". About " + tutorial.minutes() + " minutes."), count, bar,
                markdown(tutorial.intro()));
        for (int i = 0; i < tutorial.steps().size(); i++) {
            add(step(i, tutorial.steps().get(i), p.stepStates().get(i)));
        }
        if (p.complete()) {
            add(quiz(p), tryThis());
        }
        Button reset = new Button("Reset this tutorial", e -> render(course.reset(tutorial.id())));
        reset.setId("tutorial-reset");
        reset.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_SMALL);
        Anchor all = new Anchor("/", "All tutorials");
        add(new HorizontalLayout(reset, all));
    }

    private Div step(int index, Tutorial.Step step, CourseService.StepState state) {
        Div box = new Div();
        box.setId("tutorial-step-" + (index + 1));
        box.addClassNames("pg-tutorial-step", "pg-step-" + state.state());
        H4 heading = new H4(("passed".equals(state.state()) ? "✓ " : "") + "Step " + (index + 1) + ". " + step.title());
        if ("locked".equals(state.state())) {
            heading.addComponentAsFirst(lockIcon());
        }
        box.add(heading);
        if ("locked".equals(state.state())) {
            box.add(new Paragraph("Unlocks when the step before passes its check."));
            return box;
        }
        box.add(markdown(step.explanation()));
        if (!step.action().isEmpty()) {
            Div action = markdown("**Do:** " + step.action());
            action.addClassName("pg-tutorial-action");
            box.add(action);
        }
        Span message = new Span(state.message() == null ? "" : "✓ " + state.message());
        message.setId("tutorial-message-" + (index + 1));
        message.addClassName("pg-tutorial-message");
        TextField answer = new TextField(step.ask());
        answer.setId("tutorial-answer-" + (index + 1));
        answer.setWidthFull();
        answer.setMaxLength(400);
        answer.setVisible(step.check().isAnswer());
        Button check = new Button("passed".equals(state.state()) ? "Check again" : "Check", e -> check(index, answer.getValue(), message));
        check.setId("tutorial-check-" + (index + 1));
        if (!"passed".equals(state.state())) {
            check.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        }
        box.add(answer, new HorizontalLayout(check), message);
        return box;
    }

    private static com.vaadin.flow.component.icon.Icon lockIcon() {
        var icon = VaadinIcon.LOCK.create();
        icon.setSize("0.9em");
        icon.getStyle().set("margin-right", "0.3em");
        return icon;
    }

    private void check(int index, String answer, Span message) {
        message.setText("Checking…");
        message.removeClassName("pg-error");
        Async.run(this, executor, () -> course.check(tutorial.id(), index, answer), r -> {
            if (r.passed()) {
                render(r.progress());
            } else {
                message.setText(r.message());
                message.addClassName("pg-error");
            }
        }, error -> {
            message.setText(error);
            message.addClassName("pg-error");
        });
    }

    private Div quiz(CourseService.Progress p) {
        Div quiz = new Div();
        quiz.setId("tutorial-quiz");
        quiz.add(new H4("Quiz"));
        for (int q = 0; q < tutorial.quiz().size(); q++) {
            Tutorial.Question question = tutorial.quiz().get(q);
            int qi = q;
            RadioButtonGroup<Integer> options = new RadioButtonGroup<>((q + 1) + ". " + question.text());
            options.setId("tutorial-quiz-" + (q + 1));
            options.setItems(IntStream.range(0, question.options().size()).boxed().toList());
            options.setItemLabelGenerator(i -> question.options().get(i));
            Div verdict = new Div();
            verdict.setId("tutorial-quiz-verdict-" + (q + 1));
            p.quiz().stream().filter(a -> a.question() == qi).findFirst().ifPresent(a -> {
                options.setValue(a.choice());
                show(verdict, a.correct(), question);
            });
            options.addValueChangeListener(e -> {
                if (e.isFromClient() && e.getValue() != null) {
                    show(verdict, course.answer(tutorial.id(), qi, e.getValue()).correct(), question);
                }
            });
            quiz.add(options, verdict);
        }
        return quiz;
    }

    private static void show(Div verdict, boolean correct, Tutorial.Question q) {
        verdict.removeAll();
        verdict.setClassName("pg-quiz-verdict");
        verdict.add(markdown((correct ? "**Right.** " : "**Not quite:** the answer is “" + q.options().get(q.answer()) + "”. ")
                + q.explanation()));
    }

    private Div tryThis() {
        Div box = new Div(new H4("Try this"));
        box.setId("tutorial-try");
        UnorderedList list = new UnorderedList();
        tutorial.tryThis().forEach(t -> list.add(new ListItem(markdown(t))));
        box.add(list);
        return box;
    }

    /** Our own tutorial text (never user input), rendered by {@link Markdown}, which escapes raw HTML anyway. */
    private static Div markdown(String md) {
        Div d = new Div();
        d.addClassName("pg-md");
        d.getElement().setProperty("innerHTML", Markdown.html(md));
        return d;
    }
}
