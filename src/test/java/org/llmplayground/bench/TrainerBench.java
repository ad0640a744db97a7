package org.llmplayground.bench;

import org.llmplayground.training.PreparedRun;
import org.llmplayground.training.TestRuns;
import org.llmplayground.training.Trainer;
import org.llmplayground.training.TrainingConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Training throughput, our trainer's real loop vs the same model and step in PyTorch eager
 * (src/test/python/bench/train_baby_gpt.py, Debian's torch with OpenBLAS), on {@link Fair#THREADS} threads a side in
 * the same threading environment ({@link Fair}), on three workloads: the baby GPT of configs/shakespeare-char.yaml
 * (4 layers, 4 heads, 128 wide, block 128, batch 16) with dropout 0.1 and 0, and nanoGPT's shakespeare-char CPU recipe
 * (the same model with block 64, batch 12, dropout 0). Each round measures {@code -Dsteps} steps (default 60) after 10
 * warm-up steps on each side, alternating ours and PyTorch for {@link Fair#ROUNDS} rounds; the table gives tokens/s
 * at the median step of each side, the median and range of the per-round ratio, and the steadiness of the steps
 * (95th-percentile step time over the median: 1.0 is perfectly steady).
 * <pre>./mvnw -q -Pbench test-compile exec:exec -Dbench=TrainerBench</pre>
 * BENCH_STRESS=1 runs it beside stress-ng --cpu 1; BENCH_ONLY=nanogpt runs the recipe alone.
 */
public final class TrainerBench {
    private static final int WARMUP = 10;
    private static final int STEPS = Integer.getInteger("steps", 60);

    /** A workload: its name, block, batch, dropout. */
    record Workload(String name, int block, int batch, double dropout) {
    }

    static final List<Workload> WORKLOADS = List.of(new Workload("baby GPT, dropout 0.1", 128, 16, 0.1),
            new Workload("baby GPT, dropout 0", 128, 16, 0.0), new Workload("nanoGPT CPU recipe (block 64, batch 12)", 64, 12, 0.0));

    /** tokens/s at the median step, median step ms, p95 step ms. */
    record Figures(double tokensPerSecond, double medianMs, double p95Ms) {
        double steadiness() {
            return p95Ms / medianMs;
        }
    }

    public static void main(String[] args) throws Exception {
        String only = System.getenv().getOrDefault("BENCH_ONLY", "");
        try (AutoCloseable stress = Fair.stress()) {
            System.out.println(Fair.context());
            System.out.println();
            System.out.println("| workload | ours: tokens/s | PyTorch eager: tokens/s | ours / PyTorch: median (range) | PyTorch, 1 thread | ours / PyTorch (1 thread) | p95 / median step: ours | PyTorch |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
            for (Workload w : WORKLOADS) {
                if (only.equals("nanogpt") && !w.name().startsWith("nanoGPT")) {
                    continue;
                }
                List<Figures> ours = new ArrayList<>();
                List<Figures> torch = new ArrayList<>();
                List<Figures> torch1 = new ArrayList<>(); // PyTorch on one thread: the trainer puts small recipes on one core
                for (int round = 0; round < Fair.ROUNDS; round++) {
                    ours.add(ours(w));
                    torch.add(pytorch(w, Fair.THREADS));
                    torch1.add(pytorch(w, 1));
                    System.err.printf("%s round %d: ours %s, pytorch %s, pytorch on 1 thread %s (load %s)%n", w.name(), round, ours.get(round), torch.get(round),
                            torch1.get(round), Fair.loadAverage());
                }
                List<Double> o = ours.stream().map(Figures::tokensPerSecond).toList();
                List<Double> t = torch.stream().map(Figures::tokensPerSecond).toList();
                List<Double> t1 = torch1.stream().map(Figures::tokensPerSecond).toList();
                System.out.printf("| %s | %,.0f | %,.0f | %s | %,.0f | %s | %.2f | %.2f |%n", w.name(), Fair.median(o), Fair.median(t), Fair.ratio(Fair.ratios(o, t)),
                        Fair.median(t1), Fair.ratio(Fair.ratios(o, t1)),
                        Fair.median(ours.stream().map(Figures::steadiness).toList()), Fair.median(torch.stream().map(Figures::steadiness).toList()));
            }
            System.out.println();
            System.out.println("after: load average " + Fair.loadAverage());
        }
    }

    static Figures ours(Workload w) throws Exception {
        TrainingConfig c = TestRuns.defaultWith(String.format("""
                  batch_size: %d
                  block_size: %d
                  max_steps: %d
                  eval_interval: 100000
                  eval_batches: 1
                  save_interval: 100000
                """, w.batch(), w.block(), WARMUP + STEPS));
        TrainingConfig.Model m = c.model();
        m = new TrainingConfig.Model(m.preset(), m.architecture(), m.numLayers(), m.hiddenSize(), m.numHeads(), m.numKvHeads(),
                w.block(), m.vocabSize(), m.ffnExpansion(), m.positionEncoding(), m.activation(), m.norm(),
                m.normPlacement(), m.bias(), m.tieEmbeddings(), w.dropout());
        c = new TrainingConfig(c.name(), c.description(), c.seed(), c.data(), m, c.training(),
                new TrainingConfig.Sampling(100000, "\n", 1.0, 1));
        Path dir = Files.createTempDirectory("trainer-bench");
        try (PreparedRun run = TestRuns.prepare(c, dir)) {
            TestRuns.Recorder r = new TestRuns.Recorder();
            Trainer.Outcome outcome = run.trainer(r, r).run(0, null);
            if (outcome.failed()) {
                throw new IllegalStateException(outcome.reason());
            }
            double[] millis = r.steps.stream().skip(WARMUP).mapToDouble(Trainer.StepMetrics::stepMillis).toArray();
            if (Boolean.getBoolean("bench.explore")) { // where the slow steps are: step number and ms of the 8 slowest
                System.err.println("slowest steps: " + r.steps.stream().skip(WARMUP).sorted(Comparator.comparingDouble(Trainer.StepMetrics::stepMillis).reversed())
                        .limit(8).map(x -> String.format("%d:%.0f", x.step(), x.stepMillis())).toList());
                List<String> windows = new ArrayList<>(); // median ms of each 100 steps, to see a drift
                for (int from = 0; from < millis.length; from += 100) {
                    windows.add(String.format("%.1f", Fair.median(Arrays.copyOfRange(millis, from, Math.min(millis.length, from + 100)))));
                }
                System.err.println("median ms per 100 steps: " + windows);
            }
            double median = Fair.median(millis);
            return new Figures(w.batch() * w.block() / (median / 1000), median, Fair.percentile(millis, 95));
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static Figures pytorch(Workload w, int threads) throws Exception {
        String[] last = Fair.lastLine(Fair.python("src/test/python/bench/train_baby_gpt.py", Map.of("THREADS", String.valueOf(threads), "STEPS", String.valueOf(STEPS),
                "DROPOUT", String.valueOf(w.dropout()), "BLOCK", String.valueOf(w.block()), "BATCH", String.valueOf(w.batch())))).trim().split(" ");
        return new Figures(Double.parseDouble(last[0]), Double.parseDouble(last[1]), Double.parseDouble(last[2]));
    }

    private TrainerBench() {
    }
}
