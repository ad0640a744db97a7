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
 * the same batch and block size, and times {@link #STEPS} full steps (forward, backward, clipping, AdamW) after one
 * warm-up step, taking the median. For the baby GPT on 2 cores that is about a second of measuring, once per
 * network and batch shape (the figure is cached). Networks too big to measure quickly fall back to FLOPs.
 */
final class StepTimer {
    static final int STEPS = 3;
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
        TrainingConfig timed = config.with(t.toBuilder().maxSteps(STEPS + 1).warmupSteps(0).evalInterval(1_000_000)
                .saveInterval(1_000_000).build());
        Path dir = null;
        try {
            dir = Files.createTempDirectory(Files.createDirectories(scratch), "step-timer-");
            int[] ids = new int[Math.max(4 * t.batchSize() * (t.blockSize() + 1), 64 * (t.blockSize() + 1))];
            Random random = new Random(1);
            Arrays.setAll(ids, i -> random.nextInt(vocab));
            Path tokens = TokenDataset.write(ids, vocab, dir);
            try (PreparedRun run = PreparedRun.create(timed, new RandomTokens(vocab), tokens, "timing", "timing", dir, device)) {
                Trainer trainer = run.trainer(NO_EVENTS, NO_CONTROL);
                trainer.trainStep(1); // warm-up: first-call allocations and JIT
                double[] millis = new double[STEPS];
                for (int i = 0; i < STEPS; i++) {
                    StepMetrics m = trainer.trainStep(i + 2);
                    millis[i] = m.stepMillis();
                }
                Arrays.sort(millis);
                return millis[STEPS / 2] / 1000;
            }
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
