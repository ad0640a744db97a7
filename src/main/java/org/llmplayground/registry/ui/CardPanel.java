package org.llmplayground.registry.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.markdown.Markdown;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextArea;
import org.llmplayground.core.BadInputException;
import org.llmplayground.registry.ModelCards;
import org.llmplayground.registry.ModelRegistry;

import java.util.Map;

import static org.llmplayground.core.ui.Layouts.row;

/** A model's card: the Markdown (generated, or as edited) beside its rendering; save, reset, export with the model. */
class CardPanel extends VerticalLayout {
    private final ModelCards cards;
    private final Select<String> model = new Select<>();
    private final TextArea text = new TextArea("Markdown");
    private final Markdown preview = new Markdown();
    private final Span status = new Span();
    private final Anchor zip = new Anchor("", "Download the exported folder (.zip)");

    CardPanel(ModelRegistry registry, ModelCards cards) {
        this.cards = cards;
        setPadding(false);
        model.setId("card-model");
        model.setLabel("Model");
        model.setItems(registry.list(null, null).stream().map(ModelRegistry.Entry::id).toList());
        model.addValueChangeListener(e -> load());
        text.setId("card-text");
        text.setWidth("50%");
        text.setMinHeight("28em");
        text.setMaxHeight("40em");
        text.addValueChangeListener(e -> preview.setContent(e.getValue()));
        preview.setId("card-preview");
        preview.getElement().getStyle().set("width", "50%").set("overflow", "auto").set("max-height", "40em");
        Button save = new Button("Save card", e -> act(() -> cards.save(model.getValue(), text.getValue()), "Saved: this card is exported with the model."));
        save.setId("card-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Button reset = new Button("Back to the generated card", e -> act(() -> cards.save(model.getValue(), ""), "The generated card is back."));
        reset.setId("card-reset");
        Button export = new Button("Export as a Hugging Face folder", e -> export());
        export.setId("card-export");
        status.setId("card-status");
        status.getStyle().set("white-space", "pre-wrap");
        zip.setId("card-zip");
        zip.setVisible(false);
        zip.getElement().setAttribute("download", true);
        HorizontalLayout both = new HorizontalLayout(text, preview);
        both.setWidthFull();
        add(row(model, save, reset, export), status, zip, both);
    }

    void select(String id) {
        model.setValue(id);
    }

    private void load() {
        if (model.getValue() == null) {
            return;
        }
        ModelCards.Card c = cards.card(model.getValue());
        text.setValue(c.markdown());
        preview.setContent(c.markdown());
        show(c.edited() ? "Edited " + c.savedAt() : "Generated from what the app knows; edit it and save.", false);
    }

    private void act(Runnable r, String done) {
        if (model.getValue() == null) {
            show("Choose a model first.", true);
            return;
        }
        try {
            r.run();
            load();
            show(done, false);
        } catch (BadInputException e) {
            show(e.getMessage(), true);
        }
    }

    private void export() {
        if (model.getValue() == null) {
            show("Choose a model first.", true);
            return;
        }
        try {
            Map<String, Object> out = cards.export(model.getValue());
            show("Exported as a " + out.get("family") + " folder to " + out.get("path") + ": " + String.join(", ",
                    ((Map<?, ?>) out.get("files")).keySet().stream().map(String::valueOf).toList()) + ".", false);
            zip.setHref("/api/v1/models/" + model.getValue() + "/export.zip");
            zip.setVisible(true);
        } catch (BadInputException e) {
            show(e.getMessage(), true);
        }
    }

    private void show(String s, boolean error) {
        status.setText(s);
        status.setClassName("pg-error", error);
    }
}
