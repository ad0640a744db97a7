package org.llmplayground.generation.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import org.llmplayground.core.ui.Async;
import org.llmplayground.core.ui.Notices;
import org.llmplayground.generation.prompts.FewShot;
import org.llmplayground.generation.prompts.PromptAdvisor;
import org.llmplayground.generation.prompts.PromptService;
import org.llmplayground.generation.prompts.PromptTemplate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Prompt tools: pick a curated template (or one of your own), fill in its variables in a form, see the rendered
 * prompt with rule-based advice, build few-shot prompts from examples, save your own versions, and send the result
 * to the chat.
 */
class PromptToolsPanel extends VerticalLayout {
    private final PromptService prompts;
    private final Consumer<String> use;
    private final ComboBox<PromptTemplate> template = new ComboBox<>("Template");
    private final Span description = new Span();
    private final TextArea text = new TextArea("Template text ({{variable}} marks a blank)");
    private final FormLayout variables = new FormLayout();
    private final Map<String, TextArea> fields = new LinkedHashMap<>();
    private final Pre preview = new Pre();
    private final Div advice = new Div();
    private final Span error = new Span();
    private final TextField saveName = new TextField("Save as");
    private final com.vaadin.flow.component.select.Select<PromptTemplate> versions = new com.vaadin.flow.component.select.Select<>();

    PromptToolsPanel(PromptService prompts, Consumer<String> use) {
        this.prompts = prompts;
        this.use = use;
        setPadding(false);
        template.setId("prompt-template");
        template.setWidth("28em");
        template.setItemLabelGenerator(t -> t.category() + " · " + t.name() + (t.version() > 0 ? " (v" + t.version() + ")" : ""));
        template.addValueChangeListener(e -> {
            if (e.getValue() != null) {
                load(e.getValue());
                showVersions(e.getValue());
            }
        });
        versions.setId("prompt-versions");
        versions.setLabel("Version");
        versions.setItemLabelGenerator(t -> "v" + t.version() + (t.description().isBlank() ? "" : " · " + t.description()));
        versions.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                load(e.getValue());
            }
        });
        text.setId("prompt-text");
        text.setWidthFull();
        text.addValueChangeListener(e -> rebuildFields(Map.of()));
        preview.setId("prompt-preview");
        preview.setWidthFull();
        preview.getStyle().set("white-space", "pre-wrap").set("box-sizing", "border-box").set("max-height", "16em").set("overflow", "auto");
        advice.setId("prompt-advice");
        error.setId("prompt-error");
        error.getStyle().set("color", "var(--lumo-error-text-color)");
        Button useButton = new Button("Use in chat", e -> {
            try {
                use.accept(render());
            } catch (RuntimeException ex) {
                error.setText(Async.message(ex));
            }
        });
        useButton.setId("prompt-use");
        useButton.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        saveName.setId("prompt-save-name");
        Button save = new Button("Save version", e -> save());
        save.setId("prompt-save");
        HorizontalLayout actions = new HorizontalLayout(useButton, saveName, save);
        actions.setAlignItems(Alignment.BASELINE);
        HorizontalLayout pick = new HorizontalLayout(template, versions);
        pick.setAlignItems(Alignment.BASELINE);
        add(pick, description, text, variables, new Span("Prompt:"), preview, advice, error, actions, fewShot());
        refresh(null);
    }

    void refresh(String select) {
        List<PromptTemplate> all = prompts.templates();
        template.setItems(all);
        all.stream().filter(t -> t.name().equals(select)).reduce((a, b) -> b).or(() -> all.stream().findFirst()).ifPresent(template::setValue);
    }

    /** The user's templates have versions: the list lets an older one be loaded again. */
    private void showVersions(PromptTemplate t) {
        List<PromptTemplate> list = t.version() > 0 ? prompts.versions(t.name()) : List.of();
        versions.setVisible(!list.isEmpty());
        versions.setItems(list);
        list.stream().filter(v -> v.version() == t.version()).findFirst().ifPresent(versions::setValue);
    }

    private void load(PromptTemplate t) {
        description.setText(t.description());
        text.setValue(t.text());
        rebuildFields(t.example() == null ? Map.of() : t.example());
    }

    /** One field per variable of the current text, keeping what was typed. */
    private void rebuildFields(Map<String, String> defaults) {
        Map<String, String> typed = new LinkedHashMap<>();
        fields.forEach((k, f) -> {
            if (!f.getValue().isBlank()) {
                typed.put(k, f.getValue());
            }
        });
        fields.clear();
        variables.removeAll();
        for (String v : PromptTemplate.variables(text.getValue())) {
            TextArea f = new TextArea(v);
            f.setId("prompt-var-" + v);
            f.setValue(typed.getOrDefault(v, defaults.getOrDefault(v, "")));
            f.addValueChangeListener(e -> update());
            fields.put(v, f);
            variables.add(f);
        }
        update();
    }

    private String render() {
        Map<String, String> values = new LinkedHashMap<>();
        fields.forEach((k, f) -> values.put(k, f.getValue()));
        return prompts.render(text.getValue(), values);
    }

    private void update() {
        error.setText("");
        String rendered;
        try {
            rendered = render();
        } catch (RuntimeException e) {
            rendered = text.getValue();
        }
        show(rendered);
    }

    private void show(String prompt) {
        preview.setText(prompt);
        advice.removeAll();
        List<PromptAdvisor.Suggestion> s = prompts.advise(prompt);
        if (s.isEmpty()) {
            advice.add(new Span("No suggestions: the prompt has an instruction, an output format and clear data."));
        }
        for (PromptAdvisor.Suggestion x : s) {
            Div d = new Div(new Span("Suggestion: " + x.message()));
            d.addClassName("prompt-suggestion");
            d.getElement().setAttribute("data-rule", x.rule());
            advice.add(d);
        }
    }

    private void save() {
        error.setText("");
        try {
            PromptTemplate t = prompts.save(saveName.getValue(), description.getText(), text.getValue());
            Notices.success("Saved '" + t.name() + "' as version " + t.version() + ".");
            refresh(t.name());
        } catch (RuntimeException e) {
            error.setText(Async.message(e));
        }
    }

    private Details fewShot() {
        TextField instruction = new TextField("Instruction");
        instruction.setWidthFull();
        instruction.setValue("Classify the sentiment as positive or negative.");
        TextArea examples = new TextArea("Examples, one per line: input => output");
        examples.setId("fewshot-examples");
        examples.setWidthFull();
        examples.setValue("I loved it => positive\nNever again => negative");
        TextField query = new TextField("New input");
        query.setId("fewshot-query");
        query.setWidthFull();
        query.setValue("The food was cold");
        Button build = new Button("Build few-shot prompt", e -> {
            error.setText("");
            try {
                String p = FewShot.build(instruction.getValue(), FewShot.parse(examples.getValue()), query.getValue(), "Input", "Output");
                text.setValue(p);
                show(p);
            } catch (RuntimeException ex) {
                error.setText(Async.message(ex));
            }
        });
        build.setId("fewshot-build");
        VerticalLayout form = new VerticalLayout(instruction, examples, query, build);
        form.setPadding(false);
        form.setWidthFull();
        Details d = new Details("Few-shot builder", form);
        d.setWidthFull();
        d.setId("fewshot");
        return d;
    }
}
