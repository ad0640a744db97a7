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
import java.util.Locale;
import java.util.Map;

/**
 * The race to val loss ≤ 1.90 on nanoGPT's shakespeare-char CPU recipe: the Training lab's trainer on the bundled
 * configs/nanogpt-shakespeare-char.yaml (nanoGPT's split: the last 10 % validates) beside nanoGPT's own train.py and
 * model.py for the same recipe (src/test/python/bench/nanogpt_race.py), {@link Fair}: same threads and threading
 * environment, interleaved rounds. Both sides evaluate every 100 iterations on {@code EVAL_BATCHES} (100) fixed random
 * val batches of 12 × 64 (nanoGPT's estimate_loss, with more batches so the two estimates are precise to about ±0.01),
 * the clock stopped; the time to the target is the training time (steps only) up to the first evaluation at or
 * under it. Each side draws its own random init and batches (two implementations cannot share a random stream), so the
 * rounds use different seeds and the table gives medians and ranges.
 * <pre>./mvnw -q -Pbench test-compile exec:exec -Dbench=NanoGptRace</pre>
 */
public final class NanoGptRace {
    private static final double TARGET = Double.parseDouble(System.getProperty("target", "1.90"));
    private static final int EVAL_INTERVAL = 100;
    private static final int EVAL_BATCHES = Integer.getInteger("eval.batches", 100);

    /** Seconds of training to the first evaluation ≤ TARGET (NaN: not reached), the step it came at, the final val loss, total seconds. */
    record Result(double secondsToTarget, int stepToTarget, double finalVal, double totalSeconds, double medianMs, double p95Ms) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s s (step %d), final val %.4f, %.1f s in all, steps %.1f ms median, %.1f ms p95",
                    Double.isNaN(secondsToTarget) ? "not reached" : String.format(Locale.ROOT, "%.1f", secondsToTarget), stepToTarget, finalVal,
                    totalSeconds, medianMs, p95Ms);
        }

        double steadiness() {
            return p95Ms / medianMs;
        }
    }

    public static void main(String[] args) throws Exception {
        try (AutoCloseable stress = Fair.stress()) {
            System.out.println(Fair.context());
            List<Result> ours = new ArrayList<>();
            List<Result> torch = new ArrayList<>();
            for (int round = 0; round < Fair.ROUNDS; round++) {
                ours.add(ours(1337 + round));
                torch.add(pytorch(1337 + round));
                System.err.printf("round %d: ours %s; nanoGPT %s (load %s)%n", round, ours.get(round), torch.get(round), Fair.loadAverage());
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "| side | time to val ≤ %.2f: median (range) | reached in | val at 2,000: median (range) | 2,000 steps: median s | p95 / median step |%n", TARGET);
            System.out.println("|---|---:|---:|---:|---:|---:|");
            row("ours (Training lab)", ours);
            row("nanoGPT train.py (PyTorch eager)", torch);
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < ours.size(); i++) {
                ratios.add(torch.get(i).totalSeconds() / ours.get(i).totalSeconds());
            }
            System.out.println();
            System.out.println("speed, ours / nanoGPT (2,000 steps' training time, per round): " + Fair.ratio(ratios));
            System.out.println("after: load average " + Fair.loadAverage());
        }
    }

    private static void row(String side, List<Result> results) {
        List<Double> reached = results.stream().map(Result::secondsToTarget).filter(s -> !Double.isNaN(s)).toList();
        String time = reached.isEmpty() ? "not reached" : range(reached, "%.0f s");
        System.out.printf(Locale.ROOT, "| %s | %s | %d of %d rounds | %s | %.0f | %s |%n", side, time, reached.size(), results.size(),
                range(results.stream().map(Result::finalVal).toList(), "%.3f"), Fair.median(results.stream().map(Result::totalSeconds).toList()),
                range(results.stream().map(Result::steadiness).toList(), "%.2f"));
    }

    private static String range(List<Double> values, String format) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format(Locale.ROOT, format + " (" + format + "–" + format + ")", Fair.median(v), v[0], v[v.length - 1]);
    }

    static Result ours(long seed) throws Exception {
        String yaml = Files.readString(Path.of("configs/nanogpt-shakespeare-char.yaml"))
                .replaceAll("(?m)^seed: \\d+", "seed: " + seed)
                .replaceAll("(?m)^(\\s+)eval_interval: \\d+", "$1eval_interval: " + EVAL_INTERVAL)
                .replaceAll("(?m)^(\\s+)eval_batches: \\d+.*$", "$1eval_batches: " + EVAL_BATCHES)
                .replaceAll("(?m)^(\\s+)save_interval: \\d+", "$1save_interval: 100000")
                .replaceAll("(?m)^(\\s+)interval: \\d+", "$1interval: 100000");
        TrainingConfig c = TestRuns.parse(yaml);
        Path dir = Files.createTempDirectory("nanogpt-race");
        try (PreparedRun run = TestRuns.prepare(c, dir)) {
            TestRuns.Recorder r = new TestRuns.Recorder();
            Trainer.Outcome outcome = run.trainer(r, r).run(0, null);
            if (outcome.failed()) {
                throw new IllegalStateException(outcome.reason());
            }
            double seconds = Double.NaN;
            int at = -1;
            for (Trainer.EvalMetrics e : r.evals) {
                if (e.valLoss() <= TARGET) {
                    int step = e.step();
                    seconds = r.steps.stream().filter(s -> s.step() <= step).mapToDouble(Trainer.StepMetrics::stepMillis).sum() / 1000;
                    at = step;
                    break;
                }
            }
            double[] millis = r.steps.stream().mapToDouble(Trainer.StepMetrics::stepMillis).toArray();
            double total = Arrays.stream(millis).sum() / 1000;
            return new Result(seconds, at, r.evals.get(r.evals.size() - 1).valLoss(), total, Fair.median(millis), Fair.percentile(millis, 95));
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static Result pytorch(long seed) throws Exception {
        String[] last = Fair.lastLine(Fair.python("src/test/python/bench/nanogpt_race.py", Map.of("SEED", String.valueOf(seed),
                "EVAL_INTERVAL", String.valueOf(EVAL_INTERVAL), "EVAL_BATCHES", String.valueOf(EVAL_BATCHES),
                "TARGET", String.valueOf(TARGET)))).trim().split(" ");
        double seconds = Double.parseDouble(last[0]);
        return new Result(seconds < 0 ? Double.NaN : seconds, Integer.parseInt(last[1]), Double.parseDouble(last[2]), Double.parseDouble(last[3]),
                Double.parseDouble(last[4]), Double.parseDouble(last[5]));
    }

    private NanoGptRace() {
    }
}
