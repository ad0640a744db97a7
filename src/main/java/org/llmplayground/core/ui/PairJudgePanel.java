package org.llmplayground.core.ui;

import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The A/B interface: a prompt, two answers side by side (which model wrote which hidden), the verdicts A better,
 * B better, tie, both bad (keys 1–4), undo (U) and an optional note. The Preferences lab collects with it and the
 * Evaluation lab's human evaluation judges pairs with it: one interface, in core so neither lab imports the other's
 * views; ids prefixed per use ("pref-judge-a").
 */
public class PairJudgePanel extends VerticalLayout {
    private final Div prompt = new Div();
    private final Div answerA = new Div();
    private final Div answerB = new Div();
    private final TextField note = new TextField("Note (optional)");
    private final List<Button> verdicts = new ArrayList<>();

    /** {@code onChoice}: A, B, tie or both_bad over what was shown; {@code onUndo}: null for no undo button. */
    public PairJudgePanel(String idPrefix, Consumer<String> onChoice, Runnable onUndo) {
        setPadding(false);
        prompt.setId(idPrefix + "-prompt");
        prompt.getStyle().set("font-weight", "600").set("white-space", "pre-wrap").set("margin", "var(--lumo-space-s) 0");
        HorizontalLayout answers = new HorizontalLayout(answerCard("A", answerA, idPrefix + "-answer-a"), answerCard("B", answerB, idPrefix + "-answer-b"));
        answers.setWidthFull();
        HorizontalLayout buttons = new HorizontalLayout(verdict("A better", "A", Key.DIGIT_1, idPrefix + "-judge-a", onChoice),
                verdict("B better", "B", Key.DIGIT_2, idPrefix + "-judge-b", onChoice), verdict("Tie", "tie", Key.DIGIT_3, idPrefix + "-judge-tie", onChoice),
                verdict("Both bad", "both_bad", Key.DIGIT_4, idPrefix + "-judge-bad", onChoice));
        if (onUndo != null) {
            Button undo = new Button("Undo (U)", e -> onUndo.run());
            undo.setId(idPrefix + "-undo");
            undo.addClickShortcut(Key.KEY_U);
            buttons.add(undo);
        }
        note.setId(idPrefix + "-note");
        note.setWidth("20em");
        // typing a note must not judge: its keys stay in the field
        note.getElement().executeJs("this.addEventListener('keydown', e => e.stopPropagation())");
        buttons.add(note);
        buttons.setAlignItems(FlexComponent.Alignment.BASELINE);
        buttons.getStyle().set("flex-wrap", "wrap");
        Span keys = new Span("Keys: 1 A better · 2 B better · 3 tie · 4 both bad" + (onUndo == null ? "" : " · U undo")
                + ". Which model wrote which answer is hidden and the order is shuffled per annotator.");
        keys.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
        add(prompt, answers, buttons, keys);
    }

    private static Div answerCard(String label, Div text, String id) {
        text.setId(id);
        text.getStyle().set("white-space", "pre-wrap").set("font-family", "var(--lumo-font-family-monospace, monospace)").set("min-height", "2em");
        Span head = new Span("Answer " + label);
        head.getStyle().set("font-weight", "600").set("color", "var(--lumo-secondary-text-color)");
        Div card = new Div(head, text);
        card.getStyle().set("flex", "1").set("border", "1px solid var(--lumo-contrast-20pct)").set("border-radius", "8px")
                .set("padding", "var(--lumo-space-s) var(--lumo-space-m)");
        return card;
    }

    private Button verdict(String label, String choice, Key key, String id, Consumer<String> onChoice) {
        Button b = new Button(label + " (" + key.getKeys().get(0).replace("Digit", "") + ")", e -> onChoice.accept(choice));
        b.setId(id);
        b.addClickShortcut(key);
        b.setEnabled(false);
        verdicts.add(b);
        return b;
    }

    /** Shows a pair ("A" is {@code first}) and enables the verdicts. */
    public void show(String promptText, String first, String second) {
        prompt.setText(promptText);
        answerA.setText(first);
        answerB.setText(second);
        note.clear();
        verdicts.forEach(b -> b.setEnabled(true));
    }

    /** Disables the verdicts (judged, or nothing to judge). */
    public void disable() {
        verdicts.forEach(b -> b.setEnabled(false));
    }

    public String note() {
        return note.getValue();
    }
}
