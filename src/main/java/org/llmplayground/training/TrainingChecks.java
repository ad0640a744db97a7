package org.llmplayground.training;

import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Workspace;
import org.llmplayground.corpus.CorpusStore;
import org.llmplayground.model.ModelConfig;
import org.llmplayground.model.ModelService;
import org.llmplayground.model.TokenizerSpec;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything about a config before it runs: which config a request means ({@link #resolve}), whether it can run on
 * this machine ({@link #check}, naming the key at fault), what it will cost ({@link #estimate}), and a free run name.
 * It sits next to {@link TrainingConfigs}, which reads and writes the YAML files.
 */
@Singleton
public class TrainingChecks {
    /** The config a learner is offered first: a few minutes on 2 cores (configs/quickstart.yaml). */
    public static final String FIRST_CONFIG = "quickstart";
    private final TrainingConfigs configs;
    private final TrainingData data;
    private final CorpusStore corpora;
    private final ModelService models;
    private final TrainingStore store;
    private final TrainingQueries queries;
    private final Path scratch;

    TrainingChecks(TrainingConfigs configs, TrainingData data, CorpusStore corpora, ModelService models, TrainingStore store,
                   TrainingQueries queries, Workspace workspace) {
        this.configs = configs;
        this.data = data;
        this.corpora = corpora;
        this.models = models;
        this.store = store;
        this.queries = queries;
        this.scratch = workspace.dir("cache").resolve("step-timer");
    }

    public TrainingConfigs configs() {
        return configs;
    }

    public List<String> corpusChoices() {
        return corpora.list().stream().map(c -> c.id()).toList();
    }

    public List<String> tokenizerChoices() {
        return data.tokenizerChoices();
    }

    /**
     * The config a start request means: {@code yaml} if given, else the named config file, else the default
     * (shakespeare-char); {@code name} renames the run. Without a name the run gets the config's name, made unique
     * ("quickstart", "quickstart 2", …).
     */
    public TrainingConfig resolve(@Nullable String configName, @Nullable String yaml, @Nullable String name) {
        TrainingConfig c = yaml != null && !yaml.isBlank() ? TrainingConfigs.parse(yaml)
                : TrainingConfigs.parse(configs.get(configName == null || configName.isBlank() ? "shakespeare-char" : configName).yaml());
        if (name != null && !name.isBlank()) {
            if (name.length() > 200) {
                throw new BadInputException("A run name has at most 200 characters.");
            }
            return c.withName(name.strip());
        }
        return c.withName(freeName(c.name() == null ? "run" : c.name()));
    }

    /** {@code base} if no run has that name, else "base 2", "base 3", …: what the lab suggests. */
    public String freeName(String base) {
        if (!store.nameTaken(base)) {
            return base;
        }
        for (int i = 2; ; i++) {
            String candidate = base + " " + i;
            if (!store.nameTaken(candidate)) {
                return candidate;
            }
        }
    }

    /** Refuses a name another run has: runs are told apart by name in the lab, the charts and the API. */
    void requireFreeName(String name) {
        if (store.nameTaken(name)) {
            throw BadInputException.conflict("A run named '" + name + "' exists already; choose another name (e.g. '"
                    + freeName(name) + "') or delete the old run.");
        }
    }

    /** Validates a config for this machine; returns it resolved, or throws a {@link BadInputException} naming the field. */
    public TrainingConfig check(TrainingConfig config) {
        TrainingConfig c = resolved(config);
        String precision = c.training().precision();
        if (!"fp32".equals(precision)) {
            throw new BadInputException(models.device().isGpu()
                    ? "training.precision " + precision + " is not available in this build: mixed precision has not been verified "
                    + "on a GPU yet, so only fp32 training is offered. Use precision: fp32."
                    : "training.precision " + precision + " needs a CUDA GPU; this machine trains on the CPU, where DJL's PyTorch "
                    + "engine crashes on " + precision + " matrix products. Use precision: fp32.");
        }
        List<String> known = corpusChoices();
        if (!known.contains(c.data().corpus())) {
            throw BadInputException.notFound("data.corpus '" + c.data().corpus() + "' does not exist. Known: " + String.join(", ", known));
        }
        if (c.data().valCorpus() != null && !known.contains(c.data().valCorpus())) {
            throw BadInputException.notFound("data.val_corpus '" + c.data().valCorpus() + "' does not exist. Known: "
                    + String.join(", ", known));
        }
        if (!tokenizerChoices().contains(c.data().tokenizer())) {
            throw BadInputException.notFound("data.tokenizer '" + c.data().tokenizer() + "' does not exist. Known: "
                    + String.join(", ", tokenizerChoices()));
        }
        if (c.training().initFrom() != null) {
            initWeights(c.training().initFrom());
        }
        return c;
    }

    /**
     * The cost of a config before starting: parameters, memory (FP32 weights, gradients, AdamW moments, activations)
     * and the time per step, measured by running a few real steps of this network here when that is quick
     * ({@link StepTimer}), else from the FLOPs of a step.
     */
    public TrainingEstimate estimate(TrainingConfig config) {
        TrainingConfig c = resolved(config);
        int vocab = vocabFor(c);
        ModelConfig m = c.modelConfig(vocab).validate();
        TrainingConfig.Training t = c.training();
        double flops = TrainingEstimate.flopsPerToken(m, t.blockSize()) * t.batchSize() * t.blockSize() * t.gradientAccumulation();
        Double measured = flops <= StepTimer.MAX_MEASURED_FLOPS ? StepTimer.secondsPerStep(c, vocab, models.device(), scratch) : null;
        return TrainingEstimate.of(c, m, measured, previousSpeed());
    }

    /** Forgets the measured step times, so the next {@link #estimate} times real steps on the machine as it is now. */
    public void remeasure() {
        StepTimer.forget();
    }

    /** The network of a resolved config, for the tokenizer it names. */
    ModelConfig modelConfig(TrainingConfig c) {
        return c.modelConfig(vocabFor(c)).validate();
    }

    private int vocabFor(TrainingConfig c) {
        if (c.model().vocabSize() != null) {
            return c.model().vocabSize();
        }
        return "char".equals(c.data().tokenizer()) ? 65 : data.tokenizerFor(TokenizerSpec.lab(c.data().tokenizer())).vocabSize();
    }

    private static TrainingConfig resolved(TrainingConfig config) {
        TrainingConfig c = config.withDefaults();
        List<String> problems = c.problems();
        if (!problems.isEmpty()) {
            throw new BadInputException("Invalid training config: " + String.join(" ", problems));
        }
        return c;
    }

    /** Measured FLOP/s of the latest run with recorded steps, if any: the next best predictor for this machine. */
    private Double previousSpeed() {
        for (TrainingRun r : store.list()) {
            var latest = store.latestMetric(r.id());
            if (latest.isPresent() && r.vocabSize() != null) {
                try {
                    TrainingConfig c = TrainingConfigs.parse(r.configYaml()).withDefaults();
                    ModelConfig m = c.modelConfig(r.vocabSize());
                    return TrainingEstimate.flopsPerToken(m, c.training().blockSize()) * latest.get().tokensPerSecond();
                } catch (RuntimeException e) {
                    // an old config that no longer parses: skip it
                }
            }
        }
        return null;
    }

    /** The checkpoint folder training.init_from names: the bundled model or "<run id>/<step>". */
    Path initWeights(String initFrom) {
        if (initFrom.equals(ModelService.SHAKESPEARE_MODEL)) {
            return models.bundledCheckpoint(ModelService.SHAKESPEARE_MODEL);
        }
        String[] parts = initFrom.split("/");
        if (parts.length == 2 && parts[1].matches("\\d{1,9}")) {
            return queries.checkpointDir(parts[0], Integer.parseInt(parts[1]));
        }
        java.util.Optional<Path> loaded = models.weightsPath(initFrom);
        if (loaded.isPresent()) {
            return loaded.get();
        }
        throw BadInputException.notFound("training.init_from '" + initFrom + "' is neither the bundled model shakespeare-char, "
                + "a checkpoint written as <run id>/<step>, nor a loaded model read from files (an import or an opened checkpoint).");
    }
}
