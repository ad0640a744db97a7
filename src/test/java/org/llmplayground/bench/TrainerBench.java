package org.llmplayground.bench;

import org.llmplayground.training.PreparedRun;
import org.llmplayground.training.TestRuns;
import org.llmplayground.training.Trainer;
import org.llmplayground.training.TrainingConfig;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Training throughput of the baby GPT (4 layers, 4 heads, 128 wide, block 128, batch 16, char-level Tiny
 * Shakespeare): our trainer's real loop vs the same model and step in PyTorch eager
 * (src/test/python/bench/train_baby_gpt.py, Debian's torch with OpenBLAS), both on 2 threads, in the same session,
 * with dropout 0.1 (the default config) and 0. Each measurement is the median step time over 60 steps after 10
 * warm-up steps; the two sides alternate for 3 rounds and the table reports the median of each.
 * <pre>./mvnw -q -Pbench test-compile exec:exec -Dbench=TrainerBench</pre>
 */
public final class TrainerBench {
    private static final int WARMUP = 10;
    private static final int STEPS = Integer.getInteger("steps", 60);
    private static final int ROUNDS = Integer.getInteger("rounds", 3);

    public static void main(String[] args) throws Exception {
        System.out.println("| dropout | ours: tokens/s | PyTorch eager: tokens/s | ours / PyTorch |");
        System.out.println("|---:|---:|---:|---:|");
        for (double dropout : new double[]{0.1, 0.0}) {
            List<Double> ours = new ArrayList<>();
            List<Double> torch = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                ours.add(ours(dropout));
                torch.add(pytorch(dropout));
            }
            double o = median(ours);
            double t = median(torch);
            System.out.printf("| %.1f | %,.0f | %,.0f | **%.2f×** |%n", dropout, o, t, o / t);
            System.err.printf("dropout %.1f rounds: ours %s, pytorch %s%n", dropout, ours, torch);
        }
    }

    static double ours(double dropout) throws Exception {
        TrainingConfig c = TestRuns.defaultWith(String.format("""
                  batch_size: 16
                  block_size: 128
                  max_steps: %d
                  eval_interval: 100000
                  eval_batches: 1
                  save_interval: 100000
                """, WARMUP + STEPS));
        TrainingConfig.Model m = c.model();
        m = new TrainingConfig.Model(m.preset(), m.architecture(), m.numLayers(), m.hiddenSize(), m.numHeads(), m.numKvHeads(),
                m.contextLength(), m.vocabSize(), m.ffnExpansion(), m.positionEncoding(), m.activation(), m.norm(),
                m.normPlacement(), m.bias(), m.tieEmbeddings(), dropout);
        c = new TrainingConfig(c.name(), c.description(), c.seed(), c.data(), m, c.training(),
                new TrainingConfig.Sampling(100000, "\n", 1.0, 1));
        Path dir = Files.createTempDirectory("trainer-bench");
        try (PreparedRun run = TestRuns.prepare(c, dir)) {
            TestRuns.Recorder r = new TestRuns.Recorder();
            Trainer.Outcome outcome = run.trainer(r, r).run(0, null);
            if (outcome.failed()) {
                throw new IllegalStateException(outcome.reason());
            }
            double[] millis = r.steps.stream().skip(WARMUP).mapToDouble(Trainer.StepMetrics::stepMillis).sorted().toArray();
            return 16 * 128 / (millis[millis.length / 2] / 1000);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static double pytorch(double dropout) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", "src/test/python/bench/train_baby_gpt.py").redirectErrorStream(true);
        pb.environment().put("THREADS", "2");
        pb.environment().put("STEPS", String.valueOf(STEPS));
        pb.environment().put("DROPOUT", String.valueOf(dropout));
        Process python = pb.start();
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(python.getInputStream()))) {
            for (String line; (line = r.readLine()) != null; ) {
                last = line;
            }
        }
        if (python.waitFor() != 0 || last == null) {
            throw new IllegalStateException("The PyTorch reference failed: " + last);
        }
        return Double.parseDouble(last.trim());
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v[v.length / 2];
    }

    private TrainerBench() {
    }
}
