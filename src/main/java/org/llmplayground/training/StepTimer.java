package org.llmplayground.training;

import ai.djl.Device;
import org.llmplayground.model.ModelTokenizer;
import org.llmplayground.model.TokenizerSpec;
import org.llmplayground.training.Trainer.StepMetrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The time of one real training step of a config on this machine, for the estimate shown before a run starts.
 * <p>
 * A FLOP count divided by a measured matrix-product speed was 2.7× too pessimistic for the baby GPT (a training step
 * is many small kernels, not one big product), so this builds the config's network, feeds it random token ids of
 * the same batch and block size, and times full steps (forward, backward, clipping, AdamW): a first instance runs
 * untimed (see {@link #measure}), a second one is timed for at least 5 steps, more (up to 30) until a second has been
 * timed, taking the median. For the baby GPT on 2 cores that is about 2.5 s of measuring; for the quickstart GPT 1 s;
 * once per network and batch shape (the figure is cached). Networks too big to measure quickly fall back to FLOPs.
 */
final class StepTimer {
    /** A throw-away instance runs {@link #WARMUP}+ steps, then a fresh one times at least {@link #MIN_STEPS}, more while under a second. */
    static final int WARMUP = 2;
    static final int MIN_STEPS = 5;
    static final int MAX_STEPS = 30;
    private static final double BUDGET_MILLIS = 1000;
    /** Above this many FLOPs per step (≈ 2 s at 100 GFLOP/s) a measurement would keep the form waiting. */
    static final double MAX_MEASURED_FLOPS = 2e11;
    private static final Map<String, Double> CACHE = new ConcurrentHashMap<>();

    private StepTimer() {
    }

    /** Median seconds per step of {@code config} (resolved) for a vocabulary of {@code vocab} tokens. */
    static double secondsPerStep(TrainingConfig config, int vocab, Device device, Path scratch) {
        TrainingConfig.Training t = config.training();
        String key = config.model() + "|" + vocab + "|" + t.batchSize() + "x" + t.blockSize() + "x" + t.gradientAccumulation() + "|" + device;
        return CACHE.computeIfAbsent(key, k -> measure(config, vocab, device, scratch));
    }

    /** Drops the cached figures: the next estimate times real steps again (the machine may be busier or quieter now). */
    static void forget() {
        CACHE.clear();
    }

    private static double measure(TrainingConfig config, int vocab, Device device, Path scratch) {
        TrainingConfig.Training t = config.training();
        // no evaluation, samples or checkpoints while timing: only steps
        TrainingConfig timed = config.with(t.toBuilder().maxSteps(MAX_STEPS + 1).warmupSteps(0).evalInterval(1_000_000)
                .saveInterval(1_000_000).build());
        Path dir = null;
        try {
            dir = Files.createTempDirectory(Files.createDirectories(scratch), "step-timer-");
            int[] ids = new int[Math.max(4 * t.batchSize() * (t.blockSize() + 1), 64 * (t.blockSize() + 1))];
            Random random = new Random(1);
            Arrays.setAll(ids, i -> random.nextInt(vocab));
            Path tokens = TokenDataset.write(ids, vocab, dir);
            // The first network of a shape in this process stays slow for its whole life (the baby GPT: 0.24–0.31 s
            // a step where every later instance, the real run's included, takes 0.14 s — native memory still being
            // mapped in), so a throw-away instance runs first, untimed, and a second one is timed.
            steps(timed, vocab, tokens, dir, device, WARMUP, BUDGET_MILLIS / 2, false);
            return steps(timed, vocab, tokens, dir, device, MIN_STEPS, BUDGET_MILLIS, true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot time a training step: " + e.getMessage(), e);
        } finally {
            if (dir != null) {
                try {
                    Checkpoints.deleteTree(dir);
                } catch (IOException ignored) {
                    // a scratch folder left behind is harmless
                }
            }
        }
    }

    /**
     * Runs a fresh instance of the network for at least {@code minSteps} steps and {@code budgetMillis} of step time
     * (at most {@link #MAX_STEPS}), after one untimed step; returns the median step in seconds.
     */
    private static double steps(TrainingConfig config, int vocab, Path tokens, Path dir, Device device, int minSteps,
                                double budgetMillis, boolean timed) throws IOException {
        try (PreparedRun run = PreparedRun.create(config, new RandomTokens(vocab), tokens, "timing", "timing", dir, device)) {
            Trainer trainer = run.trainer(NO_EVENTS, NO_CONTROL);
            trainer.trainStep(1); // first-call setup
            double[] millis = new double[MAX_STEPS];
            int n = 0;
            double spent = 0;
            while (n < MAX_STEPS && (n < minSteps || spent < budgetMillis)) {
                StepMetrics m = trainer.trainStep(n + 2);
                millis[n++] = m.stepMillis();
                spent += m.stepMillis();
            }
            double[] sorted = Arrays.copyOf(millis, n);
            Arrays.sort(sorted);
            return timed ? sorted[n / 2] / 1000 : Double.NaN;
        }
    }

    /** Ids without text: timing never decodes. */
    private record RandomTokens(int vocabSize) implements ModelTokenizer {
        @Override
        public TokenizerSpec spec() {
            return TokenizerSpec.lab("timing");
        }

        @Override
        public int[] encode(String text) {
            return new int[]{0};
        }

        @Override
        public String decode(int[] ids) {
            return "";
        }
    }

    private static final Trainer.Events NO_EVENTS = new Trainer.Events() {
    };

    private static final Trainer.Control NO_CONTROL = new Trainer.Control() {
        @Override
        public boolean stopRequested() {
            return false;
        }

        @Override
        public void waitWhilePaused() {
        }
    };
}
