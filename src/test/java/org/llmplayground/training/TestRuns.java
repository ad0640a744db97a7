package org.llmplayground.training;

import org.llmplayground.model.CharVocabulary;
import ai.djl.Device;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds training runs on Tiny Shakespeare (character level) for tests and benchmarks, without the app. */
public final class TestRuns {
    static final Path SHAKESPEARE = Path.of("data/tinyshakespeare/input.txt");

    private TestRuns() {
    }

    public static TrainingConfig parse(String yaml) {
        return TrainingConfigs.parse(yaml).withDefaults();
    }

    /** The default config (shakespeare-char.yaml) with some keys replaced. */
    public static TrainingConfig defaultWith(String trainingYaml) throws IOException {
        String base = Files.readString(Path.of("configs/shakespeare-char.yaml"));
        return parse(base.replaceAll("(?s)\ntraining:.*?\nsampling:", "\ntraining:\n" + trainingYaml + "\nsampling:"));
    }

    public static PreparedRun prepare(TrainingConfig config, Path dir) throws IOException {
        String text = Files.readString(SHAKESPEARE, StandardCharsets.UTF_8);
        CharVocabulary vocab = CharVocabulary.of(text);
        Files.createDirectories(dir);
        Path tokens = TokenDataset.write(vocab.encode(text), vocab.vocabSize(), dir);
        return PreparedRun.create(config, vocab, tokens, "test", "test-run", dir, Device.cpu());
    }

    /** A run on given token ids, read with the given characters as the vocabulary. */
    public static PreparedRun prepare(TrainingConfig config, String chars, int[] ids, Path dir) throws IOException {
        CharVocabulary vocab = new CharVocabulary(chars);
        Files.createDirectories(dir);
        Path tokens = TokenDataset.write(ids, vocab.vocabSize(), dir);
        return PreparedRun.create(config, vocab, tokens, "test", "test-run", dir, Device.cpu());
    }

    /** Polls a run of the service until {@code done} holds (3 minutes at most) and returns it as it is then. */
    public static TrainingRun await(TrainingQueries queries, String id, java.util.function.Predicate<TrainingRun> done) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 180_000;
        TrainingRun r = queries.run(id);
        while (!done.test(r) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            r = queries.run(id);
        }
        return r;
    }

    /** Records what a trainer reports. */
    public static final class Recorder implements Trainer.Events, Trainer.Control {
        public final List<Trainer.StepMetrics> steps = new ArrayList<>();
        public final List<Trainer.EvalMetrics> evals = new ArrayList<>();
        public final List<Trainer.Sample> samples = new ArrayList<>();
        public final List<Checkpoints.Saved> checkpoints = new ArrayList<>();
        public final List<String> warnings = new ArrayList<>();
        /** What an objective measured besides the loss, one map per step. */
        public final List<java.util.Map<String, Double>> measured = new ArrayList<>();
        public int stopAfter = Integer.MAX_VALUE;
        /** A checkpoint interval changed during the run (0: the config's). */
        public int saveInterval;
        /** Runs after each reported step (tests use it to break things mid-run). */
        public java.util.function.IntConsumer afterStep = step -> {
        };

        @Override
        public void stepped(Trainer.StepMetrics m) {
            steps.add(m);
            afterStep.accept(m.step());
        }

        @Override
        public void evaluated(Trainer.EvalMetrics e) {
            evals.add(e);
        }

        @Override
        public void measured(int step, java.util.Map<String, Double> metrics) {
            measured.add(metrics);
        }

        @Override
        public void sampled(Trainer.Sample s) {
            samples.add(s);
        }

        @Override
        public void checkpointed(Checkpoints.Saved c) {
            checkpoints.add(c);
        }

        @Override
        public void warning(String message) {
            warnings.add(message);
        }

        @Override
        public boolean stopRequested() {
            return steps.size() >= stopAfter;
        }

        @Override
        public void waitWhilePaused() {
        }

        @Override
        public int saveInterval(int configured) {
            return saveInterval > 0 ? saveInterval : configured;
        }

        public double[] losses() {
            return steps.stream().mapToDouble(Trainer.StepMetrics::loss).toArray();
        }
    }

    /**
     * A bundled config cut short for a test: max_steps {@code steps}, evaluations, checkpoints and samples every 10
     * steps, {@code warmup} warm-up steps; everything else as shipped.
     */
    public static String shortened(String configFile, int steps, int warmup) throws java.io.IOException {
        return java.nio.file.Files.readString(java.nio.file.Path.of(configFile))
                .replaceAll("(?m)^(\\s+)max_steps: \\d+", "$1max_steps: " + steps)
                .replaceAll("(?m)^(\\s+)eval_interval: \\d+", "$1eval_interval: 10")
                .replaceAll("(?m)^(\\s+)save_interval: \\d+", "$1save_interval: 10")
                .replaceAll("(?m)^(\\s+)interval: \\d+", "$1interval: 10")
                .replaceAll("(?m)^(\\s+)warmup_steps: \\d+", "$1warmup_steps: " + warmup);
    }
}
