package org.llmplayground.training.ui;

import com.vaadin.flow.component.HasValue;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.ComponentEvent;
import com.vaadin.flow.component.ComponentEventListener;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.shared.Registration;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.jobs.Eta;
import org.llmplayground.model.MemoryEstimator;
import org.llmplayground.training.TrainingConfig;
import org.llmplayground.training.TrainingConfigs;
import org.llmplayground.training.TrainingEstimate;

import java.util.List;
import java.util.Locale;

/**
 * The settings of a new run: a config file as the starting point, then the knobs a learner turns most (model size,
 * learning rate and schedule, steps, batch, accumulation, intervals). Like the forms of Vaadin's CRM tutorial it
 * holds no service: it fires a {@link ChangeEvent} after every change (the view re-estimates the time per step and
 * the memory and hands the figures back), a {@link LoadEvent} when a config file is loaded (the view suggests a free
 * run name) and a {@link StartEvent} when Start is pressed with a valid config.
 */
class SettingsForm extends VerticalLayout {
    /** What the form offers: the config files, corpora and tokenizers. */
    record Choices(List<TrainingConfigs.ConfigFile> configs, List<String> corpora, List<String> tokenizers) {
    }

    /** The config the form now describes (null with a message when a field is not filled in right). */
    static final class ChangeEvent extends ComponentEvent<SettingsForm> {
        final TrainingConfig config;
        final String problem;

        ChangeEvent(SettingsForm source, TrainingConfig config, String problem) {
            super(source, false);
            this.config = config;
            this.problem = problem;
        }
    }

    /** A config file was loaded; {@code baseName} is its run name, which another run may already have. */
    static final class LoadEvent extends ComponentEvent<SettingsForm> {
        final String baseName;

        LoadEvent(SettingsForm source, String baseName) {
            super(source, false);
            this.baseName = baseName;
        }
    }

    /** Start pressed: the config to run. */
    static final class StartEvent extends ComponentEvent<SettingsForm> {
        final TrainingConfig config;

        StartEvent(SettingsForm source, TrainingConfig config) {
            super(source, true);
            this.config = config;
        }
    }

    /** Model sizes to pick from; editing a size field afterwards makes it "custom". */
    record Size(String id, String label, int layers, int heads, int embedding, int block) {
    }

    static final List<Size> SIZES = List.of(
            new Size("tiny", "Tiny: 2 layers, 2 heads, 64 wide, 64 tokens", 2, 2, 64, 64),
            new Size("baby", "Baby GPT: 4 layers, 4 heads, 128 wide, 128 tokens (default)", 4, 4, 128, 128),
            new Size("nanogpt", "nanoGPT Shakespeare: 6 layers, 6 heads, 384 wide, 256 tokens", 6, 6, 384, 256),
            new Size("custom", "Custom", 0, 0, 0, 0));

    final Button start = new Button("Start");
    final Span error = new Span();
    final ComboBox<TrainingConfigs.ConfigFile> config = new ComboBox<>("Config file");
    final TextField name = new TextField("Run name");
    final ComboBox<String> corpus = new ComboBox<>("Corpus");
    final ComboBox<String> tokenizer = new ComboBox<>("Tokenizer");
    final ComboBox<String> valCorpus = new ComboBox<>("Validation corpus");
    final ComboBox<Size> size = new ComboBox<>("Model");
    final IntegerField layers = new IntegerField("Layers");
    final IntegerField heads = new IntegerField("Heads");
    final IntegerField embedding = new IntegerField("Embedding size");
    final IntegerField block = new IntegerField("Block size (tokens)");
    final NumberField learningRate = new NumberField("Learning rate");
    final ComboBox<String> schedule = new ComboBox<>("Schedule");
    final IntegerField warmup = new IntegerField("Warm-up steps");
    final IntegerField maxSteps = new IntegerField("Max steps");
    final IntegerField batch = new IntegerField("Batch size");
    final IntegerField accumulation = new IntegerField("Gradient accumulation");
    final IntegerField evalInterval = new IntegerField("Eval every (steps)");
    final IntegerField sampleInterval = new IntegerField("Sample every (steps)");
    final Span estimate = new Span();
    private TrainingConfig base;
    private boolean filling;

    SettingsForm() {
        setPadding(false);
        config.setId("training-config");
        config.setItemLabelGenerator(c -> c.name() + (c.bundled() ? "" : " (yours)"));
        config.setWidth("18em");
        config.addValueChangeListener(e -> {
            if (e.getValue() != null) {
                load(e.getValue());
            }
        });
        Span configHelp = new Span();
        configHelp.setId("training-config-description");
        configHelp.addClassName("pg-muted");
        config.addValueChangeListener(e -> configHelp.setText(e.getValue() == null ? "" : e.getValue().description()));
        name.setId("training-name");
        corpus.setId("training-corpus");
        tokenizer.setId("training-tokenizer");
        valCorpus.setId("training-val-corpus");
        valCorpus.setClearButtonVisible(true);
        valCorpus.setHelperText("empty: hold out val_fraction of the corpus");
        size.setId("training-size");
        size.setItems(SIZES);
        size.setItemLabelGenerator(Size::label);
        size.setWidth("26em");
        size.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null && !"custom".equals(e.getValue().id())) {
                filling = true;
                layers.setValue(e.getValue().layers());
                heads.setValue(e.getValue().heads());
                embedding.setValue(e.getValue().embedding());
                block.setValue(e.getValue().block());
                filling = false;
                changed();
            }
        });
        layers.setId("training-layers");
        heads.setId("training-heads");
        embedding.setId("training-embedding");
        block.setId("training-block");
        learningRate.setId("training-lr");
        learningRate.setStep(1e-4);
        schedule.setId("training-schedule");
        schedule.setItems("cosine", "linear", "constant");
        warmup.setId("training-warmup");
        maxSteps.setId("training-max-steps");
        batch.setId("training-batch");
        accumulation.setId("training-accumulation");
        evalInterval.setId("training-eval-interval");
        sampleInterval.setId("training-sample-interval");
        estimate.setId("training-estimate");
        estimate.addClassName("pg-muted");
        for (HasValue<?, ?> f : List.<HasValue<?, ?>>of(corpus, tokenizer, valCorpus, layers, heads, embedding, block, learningRate, schedule, warmup,
                maxSteps, batch, accumulation, evalInterval, sampleInterval)) {
            f.addValueChangeListener(e -> {
                if (!filling) {
                    if (f == layers || f == heads || f == embedding || f == block) {
                        size.setValue(matchingSize());
                    }
                    changed();
                }
            });
        }
        FormLayout model = new FormLayout(size, layers, heads, embedding, block);
        model.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 2), new FormLayout.ResponsiveStep("40em", 5));
        model.setColspan(size, 2);
        FormLayout optimisation = new FormLayout(learningRate, schedule, warmup, maxSteps, batch, accumulation, evalInterval, sampleInterval);
        optimisation.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 2), new FormLayout.ResponsiveStep("40em", 4));
        HorizontalLayout top = new HorizontalLayout(config, name, corpus, tokenizer, valCorpus);
        top.setWrap(true);
        start.setId("training-start");
        start.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        start.setDisableOnClick(true); // one click, one run: the view enables it again from the runs' state
        start.addClickListener(e -> fireStart());
        error.setId("training-error");
        error.addClassName("pg-error");
        add(top, configHelp, model, optimisation, estimate);
    }

    Registration addChangeListener(ComponentEventListener<ChangeEvent> listener) {
        return addListener(ChangeEvent.class, listener);
    }

    Registration addLoadListener(ComponentEventListener<LoadEvent> listener) {
        return addListener(LoadEvent.class, listener);
    }

    Registration addStartListener(ComponentEventListener<StartEvent> listener) {
        return addListener(StartEvent.class, listener);
    }

    private void fireStart() {
        error.setText("");
        try {
            fireEvent(new StartEvent(this, toConfig()));
        } catch (BadInputException e) {
            error.setText(e.getMessage());
            start.setEnabled(true);
        }
    }

    /** Offers the choices; selects {@code configName} (or the first file). */
    void refresh(Choices choices, String configName) {
        List<TrainingConfigs.ConfigFile> files = choices.configs();
        corpus.setItems(choices.corpora());
        valCorpus.setItems(choices.corpora());
        tokenizer.setItems(choices.tokenizers());
        config.setItems(files);
        config.setValue(files.stream().filter(f -> f.name().equals(configName)).findFirst().orElse(files.get(0)));
    }

    private void load(TrainingConfigs.ConfigFile file) {
        try {
            base = TrainingConfigs.parse(file.yaml()).withDefaults();
        } catch (BadInputException e) {
            estimate.setText(file.name() + " cannot be loaded: " + e.getMessage());
            return;
        }
        filling = true;
        name.setValue(base.name());
        corpus.setValue(base.data().corpus());
        tokenizer.setValue(base.data().tokenizer());
        valCorpus.setValue(base.data().valCorpus());
        TrainingConfig.Model m = base.model();
        TrainingConfig.Training t = base.training();
        layers.setValue(m.numLayers());
        heads.setValue(m.numHeads());
        embedding.setValue(m.hiddenSize());
        block.setValue(t.blockSize());
        size.setValue(matchingSize());
        learningRate.setValue(t.learningRate());
        schedule.setValue(t.schedule());
        warmup.setValue(t.warmupSteps());
        maxSteps.setValue(t.maxSteps());
        batch.setValue(t.batchSize());
        accumulation.setValue(t.gradientAccumulation());
        evalInterval.setValue(t.evalInterval());
        sampleInterval.setValue(base.sampling().interval());
        filling = false;
        fireEvent(new LoadEvent(this, base.name()));
        changed();
    }

    private Size matchingSize() {
        return SIZES.stream().filter(s -> eq(layers, s.layers()) && eq(heads, s.heads()) && eq(embedding, s.embedding()) && eq(block, s.block()))
                .findFirst().orElse(SIZES.get(SIZES.size() - 1));
    }

    private static boolean eq(IntegerField f, int v) {
        return f.getValue() != null && f.getValue() == v;
    }

    /**
     * The config the form describes: the loaded file with the fields' values. An empty field is an error naming it,
     * not a silent default.
     */
    TrainingConfig toConfig() {
        if (base == null) {
            throw new BadInputException("Choose a config file first.");
        }
        int blockSize = required(block, "Block size");
        TrainingConfig.Model m = base.model();
        TrainingConfig.Model model = new TrainingConfig.Model(null, m.architecture(), required(layers, "Layers"), required(embedding, "Embedding size"),
                required(heads, "Heads"), required(heads, "Heads"), Math.max(blockSize, 1), m.vocabSize(), m.ffnExpansion(),
                m.positionEncoding(), m.activation(), m.norm(), m.normPlacement(), m.bias(), m.tieEmbeddings(), m.dropout());
        TrainingConfig.Training t = base.training();
        if (learningRate.getValue() == null) {
            throw new BadInputException("Enter a learning rate (training.learning_rate), e.g. 0.001.");
        }
        int steps = required(maxSteps, "Max steps");
        TrainingConfig.Training training = t.toBuilder().batchSize(required(batch, "Batch size")).blockSize(blockSize)
                .gradientAccumulation(required(accumulation, "Gradient accumulation")).learningRate(learningRate.getValue())
                .minLearningRate(Math.min(t.minLearningRate(), learningRate.getValue()))
                .schedule(schedule.getValue() == null ? "cosine" : schedule.getValue()).warmupSteps(required(warmup, "Warm-up steps"))
                .maxSteps(steps).evalInterval(required(evalInterval, "Eval every")).build();
        TrainingConfig.Sampling s = base.sampling();
        TrainingConfig.Sampling sampling = new TrainingConfig.Sampling(required(sampleInterval, "Sample every"), s.prompt(), s.temperature(), s.length());
        TrainingConfig.Data d = base.data();
        return new TrainingConfig(name.getValue().isBlank() ? base.name() : name.getValue().strip(), base.description(), base.seed(),
                new TrainingConfig.Data(corpus.getValue(), tokenizer.getValue(), d.valFraction(), valCorpus.getValue(), d.valSplit()), model,
                training, sampling);
    }

    private static int required(IntegerField field, String label) {
        if (field.getValue() == null) {
            throw new BadInputException(label + " is empty: enter a whole number" + (field.isInvalid() ? " (the text typed is not one)" : "") + ".");
        }
        return field.getValue();
    }

    private void changed() {
        try {
            fireEvent(new ChangeEvent(this, toConfig(), null));
        } catch (BadInputException e) {
            estimate.setText(e.getMessage());
            fireEvent(new ChangeEvent(this, null, e.getMessage()));
        }
    }

    void showEstimateProblem(String message) {
        estimate.setText(message);
    }

    void showEstimate(TrainingEstimate e) {
        estimate.setText(String.format(Locale.ROOT, "Estimate: %s parameters · %,d tokens and %.1f GFLOP per step · about %s per step, "
                        + "%s for all steps (with evaluations) · training memory about %s (weights %s, gradients %s, AdamW %s, "
                        + "activations %s). Speed from %s. A crash loses at most %,d steps (%s): the run resumes from its last "
                        + "checkpoint; lower save_interval to lose less.", human(e.parameters()), e.tokensPerStep(), e.gflopPerStep(),
                Eta.duration(e.secondsPerStep()), Eta.duration(e.totalSeconds()), MemoryEstimator.human(e.memory().training()),
                MemoryEstimator.human(e.memory().weights()), MemoryEstimator.human(e.memory().gradients()),
                MemoryEstimator.human(e.memory().optimizerState()), MemoryEstimator.human(e.memory().activations()), e.basis(),
                e.stepsLostOnCrash(), Eta.duration(e.stepsLostOnCrash() * e.secondsPerStep())));
    }

    static String human(long n) {
        return n >= 1_000_000 ? String.format(Locale.ROOT, "%.2fM", n / 1e6) : String.format(Locale.ROOT, "%,d", n);
    }

}
