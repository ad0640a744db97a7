package org.llmplayground.model.ui;

import com.vaadin.flow.component.HasValue;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import org.llmplayground.core.BackgroundExecutor;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.chart.Chart;
import org.llmplayground.core.chart.ChartOptions;
import org.llmplayground.core.ui.Async;
import org.llmplayground.model.Architecture;
import org.llmplayground.model.ArchitectureService;
import org.llmplayground.model.ConfigAnalysis;
import org.llmplayground.model.FeedForwardActivation;
import org.llmplayground.model.MemoryEstimate;
import org.llmplayground.model.MemoryEstimator;
import org.llmplayground.model.ModelConfig;
import org.llmplayground.model.ModelPreset;
import org.llmplayground.model.ModelService;
import org.llmplayground.model.NormPlacement;
import org.llmplayground.model.NormType;
import org.llmplayground.model.ParameterBreakdown;
import org.llmplayground.model.PositionEncoding;
import org.llmplayground.tokenizer.TokenizerInfo;
import org.llmplayground.tokenizer.TokenizerService;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The configurator: fields for the shape of the model, presets, and a live analysis (parameter breakdown as a table
 * and a chart, memory at each precision, a diagram of the data flow). "Build" instantiates the config in DJL with
 * random weights and runs a forward pass, after checking that it fits in memory.
 */
class ConfiguratorPanel extends VerticalLayout {
    private final ArchitectureService architecture;
    private final ModelService models;
    private final BackgroundExecutor executor;
    private final Consumer<String> lookInside;

    final ComboBox<ModelPreset> preset = new ComboBox<>("Preset");
    private final ComboBox<TokenizerInfo> tokenizer = new ComboBox<>("Check against a tokenizer");
    final IntegerField layers = intField("Layers", "arch-layers");
    final IntegerField heads = intField("Heads", "arch-heads");
    final IntegerField kvHeads = intField("Key/value heads", "arch-kv-heads");
    final IntegerField embedding = intField("Embedding size", "arch-embedding");
    final IntegerField context = intField("Context length", "arch-context");
    final IntegerField vocab = intField("Vocabulary size", "arch-vocab");
    final NumberField ffn = new NumberField("FFN expansion");
    private final ComboBox<PositionEncoding> position = new ComboBox<>("Positions");
    private final ComboBox<NormType> norm = new ComboBox<>("Norm");
    private final ComboBox<NormPlacement> placement = new ComboBox<>("Norm placement");
    private final ComboBox<FeedForwardActivation> activation = new ComboBox<>("Activation");
    private final Checkbox tied = new Checkbox("Tie head to embedding");
    private final Checkbox bias = new Checkbox("Biases");
    private final Checkbox scale = new Checkbox("Scale embeddings by √d");
    private final IntegerField batch = intField("Batch", "arch-batch");
    private final IntegerField sequence = intField("Sequence", "arch-sequence");
    private final Span error = new Span();
    private final Span total = new Span();
    private final Grid<ParameterBreakdown.Component> breakdown = new Grid<>();
    private final Chart breakdownChart = new Chart();
    private final Grid<MemoryEstimate> memory = new Grid<>();
    private final Div diagram = new Div();
    private final Button build = new Button("Build it and run a forward pass");
    private final Span buildResult = new Span();
    private final Button inspectBuilt = new Button("Look inside it");
    private Architecture architectureKind = Architecture.TRANSFORMER;
    private int ffnHidden;
    private boolean updating;
    private String builtId;

    ConfiguratorPanel(ArchitectureService architecture, ModelService models, TokenizerService tokenizers,
                      BackgroundExecutor executor, Consumer<String> lookInside) {
        this.architecture = architecture;
        this.models = models;
        this.executor = executor;
        this.lookInside = lookInside;
        setPadding(false);
        configureFields(tokenizers.tokenizers());
        configureOutput();
        preset.setValue(architecture.presets().stream().filter(p -> p.id().equals("gpt2-small")).findFirst().orElseThrow());
    }

    private static IntegerField intField(String label, String id) {
        IntegerField f = new IntegerField(label);
        f.setId(id);
        f.setWidth("9em");
        f.setStepButtonsVisible(true);
        return f;
    }

    private void configureFields(List<TokenizerInfo> tokenizerList) {
        preset.setId("arch-preset");
        preset.setItems(architecture.presets());
        preset.setItemLabelGenerator(ModelPreset::name);
        preset.setWidth("20em");
        preset.addValueChangeListener(e -> {
            if (e.getValue() != null) {
                show(e.getValue().config());
            }
        });
        tokenizer.setId("arch-tokenizer");
        tokenizer.setItems(tokenizerList);
        tokenizer.setItemLabelGenerator(t -> t.id() + " (" + String.format("%,d", t.vocabSize()) + ")");
        tokenizer.setClearButtonVisible(true);
        tokenizer.setHelperText("its vocabulary must fit");
        ffn.setId("arch-ffn");
        ffn.setWidth("9em");
        ffn.setStep(0.25);
        position.setId("arch-position");
        position.setItems(PositionEncoding.values());
        norm.setId("arch-norm");
        norm.setItems(NormType.values());
        placement.setId("arch-placement");
        placement.setItems(NormPlacement.values());
        activation.setId("arch-activation");
        activation.setItems(FeedForwardActivation.values());
        tied.setId("arch-tied");
        bias.setId("arch-bias");
        scale.setId("arch-scale");
        batch.setValue(1);
        sequence.setValue(1024);
        // key/value heads follow the heads while they were equal (classic multi-head attention), as the config builder does
        heads.addValueChangeListener(e -> {
            if (!updating && e.getOldValue() != null && e.getOldValue().equals(kvHeads.getValue())) {
                kvHeads.setValue(e.getValue());
            }
        });
        for (HasValue<?, ?> f : List.<HasValue<?, ?>>of(tokenizer, layers, heads, kvHeads, embedding, context, vocab, ffn, position,
                norm, placement, activation, tied, bias, scale, batch, sequence)) {
            f.addValueChangeListener(e -> {
                if (!updating) {
                    if (e.getHasValue() == ffn || e.getHasValue() == embedding) {
                        syncHidden();
                    }
                    analyze();
                }
            });
        }
        HorizontalLayout presets = new HorizontalLayout(preset, tokenizer);
        HorizontalLayout shape = new HorizontalLayout(layers, heads, kvHeads, embedding, context, vocab, ffn);
        shape.setWrap(true);
        HorizontalLayout choices = new HorizontalLayout(position, norm, placement, activation, tied, bias, scale);
        choices.setWrap(true);
        choices.setAlignItems(FlexComponent.Alignment.BASELINE);
        add(presets, shape, choices);
    }

    private void configureOutput() {
        error.setId("arch-error");
        error.addClassName("pg-error");
        total.setId("arch-total");
        total.addClassName("pg-big-number");
        breakdown.setId("arch-breakdown");
        breakdown.addColumn(ParameterBreakdown.Component::name).setHeader("Component").setAutoWidth(true);
        breakdown.addColumn(c -> String.format("%,d", c.parameters())).setHeader("Parameters").setAutoWidth(true);
        breakdown.addColumn(ParameterBreakdown.Component::formula).setHeader("How").setFlexGrow(1);
        breakdown.addThemeVariants(GridVariant.LUMO_COMPACT);
        breakdown.setAllRowsVisible(true);
        breakdownChart.setId("arch-breakdown-chart");
        breakdownChart.setHeight("260px");
        memory.setId("arch-memory");
        memory.addColumn(m -> m.precision().name()).setHeader("Precision").setAutoWidth(true);
        memory.addColumn(m -> MemoryEstimator.human(m.weights())).setHeader("Weights");
        memory.addColumn(m -> m.training() == 0 ? "–" : MemoryEstimator.human(m.gradients())).setHeader("Gradients");
        memory.addColumn(m -> m.training() == 0 ? "–" : MemoryEstimator.human(m.optimizerState())).setHeader("AdamW state");
        memory.addColumn(m -> m.training() == 0 ? "–" : MemoryEstimator.human(m.activations())).setHeader("Activations");
        memory.addColumn(m -> m.training() == 0 ? "inference only" : MemoryEstimator.human(m.training())).setHeader("Training total");
        memory.addColumn(m -> MemoryEstimator.human(m.inference())).setHeader("Inference");
        memory.addThemeVariants(GridVariant.LUMO_COMPACT);
        memory.setAllRowsVisible(true);
        diagram.setId("arch-diagram");
        build.setId("arch-build");
        build.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        build.addClickListener(e -> buildModel());
        buildResult.setId("arch-build-result");
        inspectBuilt.setId("arch-inspect-built");
        inspectBuilt.setVisible(false);
        inspectBuilt.addClickListener(e -> lookInside.accept(builtId));
        HorizontalLayout memorySize = new HorizontalLayout(batch, sequence);
        HorizontalLayout buildRow = new HorizontalLayout(build, buildResult, inspectBuilt);
        buildRow.setAlignItems(FlexComponent.Alignment.CENTER);
        add(error, total, breakdown, breakdownChart, new H4("Memory"), memorySize, memory, new H4("Data flow"), diagram, buildRow);
    }

    /** Puts a config into the fields (without re-analysing on every field) and analyses once. */
    void show(ModelConfig c) {
        updating = true;
        try {
            architectureKind = c.architecture();
            layers.setValue(c.layers());
            heads.setValue(c.heads());
            kvHeads.setValue(c.kvHeads());
            embedding.setValue(c.embeddingSize());
            context.setValue(c.contextLength());
            vocab.setValue(c.vocabSize());
            ffnHidden = c.ffnHiddenSize();
            ffn.setValue(c.embeddingSize() == 0 ? 0 : Math.round(10_000.0 * c.ffnHiddenSize() / c.embeddingSize()) / 10_000.0);
            position.setValue(c.positionEncoding());
            norm.setValue(c.norm());
            placement.setValue(c.normPlacement());
            activation.setValue(c.activation());
            tied.setValue(c.tiedEmbeddings());
            bias.setValue(c.bias());
            scale.setValue(c.scaleEmbeddings());
            boolean transformer = c.architecture() == Architecture.TRANSFORMER;
            for (var f : List.of(layers, heads, kvHeads, embedding)) {
                f.setEnabled(transformer);
            }
        } finally {
            updating = false;
        }
        analyze();
    }

    private void syncHidden() {
        if (ffn.getValue() != null && embedding.getValue() != null) {
            ffnHidden = (int) Math.round(ffn.getValue() * embedding.getValue());
        }
    }

    /** The config the fields describe (unset numbers count as 0, which validation reports). */
    ModelConfig current() {
        ModelPreset base = preset.getValue();
        ModelConfig start = base != null ? base.config() : ModelConfig.gpt2Style().build();
        return start.toBuilder().architecture(architectureKind).layers(value(layers)).heads(value(heads)).kvHeads(value(kvHeads))
                .embeddingSize(value(embedding)).contextLength(value(context)).vocabSize(value(vocab)).ffnHiddenSize(ffnHidden)
                .positionEncoding(position.getValue()).norm(norm.getValue()).normPlacement(placement.getValue())
                .activation(activation.getValue()).tiedEmbeddings(tied.getValue()).bias(bias.getValue())
                .scaleEmbeddings(scale.getValue()).build();
    }

    private static int value(IntegerField f) {
        return f.getValue() == null ? 0 : f.getValue();
    }

    private void analyze() {
        try {
            ModelConfig c = current();
            ConfigAnalysis a = architecture.analyze(preset.getValue() == null ? "custom" : preset.getValue().id(), c,
                    tokenizer.getValue() == null ? null : tokenizer.getValue().id(), Math.max(1, value(batch)), Math.max(1, value(sequence)));
            error.setText("");
            total.setText(String.format(Locale.ROOT, "%,d parameters (%s)", a.parameters().total(), compact(a.parameters().total())));
            breakdown.setItems(a.parameters().components());
            Map<String, Long> parts = new LinkedHashMap<>();
            a.parameters().components().stream().filter(p -> p.parameters() > 0).forEach(p -> parts.put(p.name(), p.parameters()));
            breakdownChart.setOption(ChartOptions.pie(parts));
            memory.setItems(a.memory());
            diagram.getElement().setProperty("innerHTML", ModelDiagram.html(a.flow(), c.layers()));
            build.setEnabled(true);
        } catch (BadInputException e) {
            error.setText(e.getMessage());
            total.setText("No count until the config is valid");
            breakdown.setItems(List.of());
            memory.setItems(List.of());
            diagram.getElement().setProperty("innerHTML", "");
            build.setEnabled(false);
        }
    }

    /** 124,439,808 → "124.4M". */
    static String compact(long n) {
        if (n >= 1_000_000_000) {
            return String.format(Locale.ROOT, "%.2fB", n / 1e9);
        }
        if (n >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1fM", n / 1e6);
        }
        return n >= 1_000 ? String.format(Locale.ROOT, "%.1fK", n / 1e3) : String.valueOf(n);
    }

    private void buildModel() {
        ModelConfig c = current();
        String name = (preset.getValue() == null ? "custom" : preset.getValue().id()) + " (random weights)";
        build.setEnabled(false);
        inspectBuilt.setVisible(false);
        buildResult.setText("Building " + compact(totalOrZero(c)) + " parameters…");
        Async.run(this, executor, () -> {
            var info = models.build(c, name, 1337);
            return models.forwardCheck(info.id(), 128);
        }, check -> {
            build.setEnabled(true);
            builtId = check.model();
            inspectBuilt.setVisible(true);
            buildResult.setText(String.format(Locale.ROOT, "Built %s: %,d parameters in DJL; forward pass on %d tokens → logits %s in %.0f ms (then %.0f ms warm).",
                    check.model(), check.parameters(), check.tokens(), java.util.Arrays.toString(check.outputShape()),
                    check.firstMillis(), check.secondMillis()));
        }, message -> {
            build.setEnabled(true);
            buildResult.setText(message);
        });
    }

    /** The calculator's total, or 0 for an invalid config (the error line already explains). */
    private static long totalOrZero(ModelConfig c) {
        try {
            return org.llmplayground.model.ParameterCounter.count(c).total();
        } catch (BadInputException e) {
            return 0;
        }
    }
}
