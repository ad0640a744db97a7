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
import org.llmplayground.core.BackgroundExecutor;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.ui.Async;
import org.llmplayground.model.MemoryEstimator;
import org.llmplayground.training.TrainingConfig;
import org.llmplayground.training.TrainingConfigs;
import org.llmplayground.training.TrainingEstimate;
import org.llmplayground.training.TrainingService;

import java.util.List;
import java.util.Locale;

/**
 * The settings of a new run: a config file as the starting point, then the knobs a learner turns most (model size,
 * learning rate and schedule, steps, batch, accumulation, intervals). Every change re-estimates the time per step
 * and the memory, before anything starts.
 */
class SettingsForm extends VerticalLayout {
    /** Model sizes to pick from; editing a size field afterwards makes it "custom". */
    record Size(String id, String label, int layers, int heads, int embedding, int block) {
    }

    static final List<Size> SIZES = List.of(
            new Size("tiny", "Tiny: 2 layers, 2 heads, 64 wide, 64 tokens", 2, 2, 64, 64),
            new Size("baby", "Baby GPT: 4 layers, 4 heads, 128 wide, 128 tokens (default)", 4, 4, 128, 128),
            new Size("nanogpt", "nanoGPT Shakespeare: 6 layers, 6 heads, 384 wide, 256 tokens", 6, 6, 384, 256),
            new Size("custom", "Custom", 0, 0, 0, 0));

    private final TrainingService service;
    private final BackgroundExecutor executor;
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

    SettingsForm(TrainingService service, BackgroundExecutor executor) {
        this.service = service;
        this.executor = executor;
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
        add(top, configHelp, model, optimisation, estimate);
    }

    /** Loads the config files and choices; selects {@code configName} (or the default). */
    void refresh(String configName) {
        List<TrainingConfigs.ConfigFile> files = service.configs().list();
        corpus.setItems(service.corpusChoices());
        valCorpus.setItems(service.corpusChoices());
        tokenizer.setItems(service.tokenizerChoices());
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
        TrainingConfig.Training training = new TrainingConfig.Training(required(batch, "Batch size"), blockSize,
                required(accumulation, "Gradient accumulation"), learningRate.getValue(), Math.min(t.minLearningRate(), learningRate.getValue()),
                schedule.getValue() == null ? "cosine" : schedule.getValue(), required(warmup, "Warm-up steps"), steps, t.weightDecay(),
                t.beta1(), t.beta2(), t.gradClip(), t.precision(), required(evalInterval, "Eval every"), t.evalBatches(),
                t.earlyStoppingPatience(), t.earlyStoppingMinDelta(), t.saveInterval(), t.keepBest(), t.initFrom());
        TrainingConfig.Sampling s = base.sampling();
        TrainingConfig.Sampling sampling = new TrainingConfig.Sampling(required(sampleInterval, "Sample every"), s.prompt(), s.temperature(), s.length());
        TrainingConfig.Data d = base.data();
        return new TrainingConfig(name.getValue().isBlank() ? base.name() : name.getValue().strip(), base.description(), base.seed(),
                new TrainingConfig.Data(corpus.getValue(), tokenizer.getValue(), d.valFraction(), valCorpus.getValue()), model, training, sampling);
    }

    private static int required(IntegerField field, String label) {
        if (field.getValue() == null) {
            throw new BadInputException(label + " is empty: enter a whole number" + (field.isInvalid() ? " (the text typed is not one)" : "") + ".");
        }
        return field.getValue();
    }

    private void changed() {
        TrainingConfig c;
        try {
            c = toConfig();
        } catch (BadInputException e) {
            estimate.setText(e.getMessage());
            return;
        }
        Async.run(this, executor, () -> service.estimate(c), this::show, estimate::setText);
    }

    private void show(TrainingEstimate e) {
        estimate.setText(String.format(Locale.ROOT, "Estimate: %s parameters · %,d tokens and %.1f GFLOP per step · about %s per step, "
                        + "%s for all steps (with evaluations) · training memory about %s (weights %s, gradients %s, AdamW %s, "
                        + "activations %s). Speed from %s.", human(e.parameters()), e.tokensPerStep(), e.gflopPerStep(),
                duration(e.secondsPerStep()), duration(e.totalSeconds()), MemoryEstimator.human(e.memory().training()),
                MemoryEstimator.human(e.memory().weights()), MemoryEstimator.human(e.memory().gradients()),
                MemoryEstimator.human(e.memory().optimizerState()), MemoryEstimator.human(e.memory().activations()), e.basis()));
    }

    static String human(long n) {
        return n >= 1_000_000 ? String.format(Locale.ROOT, "%.2fM", n / 1e6) : String.format(Locale.ROOT, "%,d", n);
    }

    static String duration(double seconds) {
        if (seconds < 1) {
            return String.format(Locale.ROOT, "%.0f ms", seconds * 1000);
        }
        if (seconds < 120) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        if (seconds < 7200) {
            return String.format(Locale.ROOT, "%.0f min", seconds / 60);
        }
        return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
    }
}
