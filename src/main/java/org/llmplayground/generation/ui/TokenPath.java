package org.llmplayground.generation.ui;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;

import java.util.function.IntConsumer;

/**
 * The generation path: each generated token as a chip coloured by the probability it had when chosen (red = the
 * model hesitated, green = it was sure). Clicking a chip selects that step. Newlines and spaces of character models
 * are shown as ⏎ and spaces, so every token can be seen and clicked.
 */
class TokenPath extends Div {
    private final IntConsumer onSelect;
    private Span selected;

    TokenPath(IntConsumer onSelect) {
        this.onSelect = onSelect;
        setId("gen-output");
        setWidthFull();
        getStyle().set("box-sizing", "border-box");
        addClassName("token-path");
        getStyle().set("white-space", "pre-wrap").set("font-family", "var(--lumo-font-family-monospace, monospace)")
                .set("line-height", "1.9").set("min-height", "3em").set("padding", "var(--lumo-space-s)")
                .set("border", "1px solid var(--lumo-contrast-20pct)").set("border-radius", "var(--lumo-border-radius-m)");
    }

    /** The prompt, in plain text before the chips. */
    void prompt(String text) {
        removeAll();
        selected = null;
        Span p = new Span(text);
        p.addClassName("prompt");
        p.getStyle().set("color", "var(--lumo-secondary-text-color)");
        add(p);
    }

    void token(int index, String label, double probability) {
        Span s = new Span(display(label));
        s.addClassName("gen-token");
        s.getElement().setAttribute("data-index", String.valueOf(index));
        s.getElement().setAttribute("title", String.format("#%d  p = %.3f", index, probability));
        s.getStyle().set("background", color(probability)).set("border-radius", "3px").set("cursor", "pointer");
        s.addClickListener(e -> select(s, index));
        add(s);
    }

    private void select(Span s, int index) {
        if (selected != null) {
            selected.getStyle().remove("outline");
        }
        selected = s;
        s.getStyle().set("outline", "2px solid var(--lumo-primary-color)");
        onSelect.accept(index);
    }

    /** Hue from red (p = 0) through yellow to green (p = 1), translucent so text stays readable in both themes. */
    static String color(double p) {
        return String.format(java.util.Locale.ROOT, "hsla(%d, 80%%, 50%%, 0.30)", Math.round(120 * Math.max(0, Math.min(1, p))));
    }

    static String display(String label) {
        return label.replace("␣", " ").replace("⇥", "\t").replace("⏎", "⏎\n");
    }
}
