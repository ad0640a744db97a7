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

    /** The levels the table times each side to: nanoGPT's edge (TARGET) and two both sides pass in every round. */
    private static final double[] LEVELS = {2.00, 1.95, TARGET};

    /**
     * One side's run: its evaluations (step, training seconds up to it, val loss), the total training seconds and the
     * median and 95th-percentile step times.
     */
    record Result(List<double[]> evals, double totalSeconds, double medianMs, double p95Ms) {
        /** Training seconds to the first evaluation with val ≤ level; NaN where none is. */
        double secondsTo(double level) {
            return evals.stream().filter(e -> e[2] <= level).mapToDouble(e -> e[1]).findFirst().orElse(Double.NaN);
        }

        double finalVal() {
            return evals.get(evals.size() - 1)[2];
        }

        @Override
        public String toString() {
            double s = secondsTo(TARGET);
            return String.format(Locale.ROOT, "val ≤ %.2f %s, final val %.4f, %.1f s in all, steps %.1f ms median, %.1f ms p95",
                    TARGET, Double.isNaN(s) ? "not reached" : String.format(Locale.ROOT, "at %.1f s", s), finalVal(), totalSeconds, medianMs, p95Ms);
        }

        double steadiness() {
            return p95Ms / medianMs;
        }
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("race.steps") != null) {
            // Exploration: our side alone, every step's milliseconds written out (step,ms), to see where the slow
            // steps fall (after evaluations? periodic? with GC pauses when run with -Xlog:gc).
            System.out.println(Fair.context()); // also Fair's native set-up, before libtorch loads
            Result r = ours(Long.getLong("seed", 1337));
            System.out.println("ours: " + r + ", p95 / median " + String.format(Locale.ROOT, "%.2f", r.steadiness()));
            return;
        }
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
            System.out.println("| side | val at 2,000: median (range) | 2,000 steps: median s | p95 / median step |");
            System.out.println("|---|---:|---:|---:|");
            row("ours (Training lab)", ours);
            row("nanoGPT train.py (PyTorch eager)", torch);
            System.out.println();
            System.out.println("| time to val ≤ | ours: median (range) | reached in | nanoGPT: median (range) | reached in | nanoGPT / ours, rounds both reached |");
            System.out.println("|---:|---:|---:|---:|---:|---:|");
            for (double level : LEVELS) {
                List<Double> ratios = new ArrayList<>();
                for (int i = 0; i < ours.size(); i++) {
                    double o = ours.get(i).secondsTo(level);
                    double n = torch.get(i).secondsTo(level);
                    if (!Double.isNaN(o) && !Double.isNaN(n)) {
                        ratios.add(n / o);
                    }
                }
                System.out.printf(Locale.ROOT, "| %.2f | %s | %s | %s |%n", level, reached(ours, level), reached(torch, level),
                        ratios.isEmpty() ? "—" : Fair.ratio(ratios) + " (" + ratios.size() + ")");
            }
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
        System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %s |%n", side, range(results.stream().map(Result::finalVal).toList(), "%.3f"),
                Fair.median(results.stream().map(Result::totalSeconds).toList()), range(results.stream().map(Result::steadiness).toList(), "%.2f"));
    }

    /** "median (range) s | k of n" for the rounds that reached the level. */
    private static String reached(List<Result> results, double level) {
        List<Double> seconds = results.stream().map(r -> r.secondsTo(level)).filter(s -> !Double.isNaN(s)).toList();
        return (seconds.isEmpty() ? "not reached" : range(seconds, "%.0f s")) + " | " + seconds.size() + " of " + results.size();
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
            List<double[]> evals = new ArrayList<>();
            double seconds = 0;
            int counted = 0;
            for (Trainer.EvalMetrics e : r.evals) {
                for (; counted < r.steps.size() && r.steps.get(counted).step() <= e.step(); counted++) {
                    seconds += r.steps.get(counted).stepMillis() / 1000;
                }
                evals.add(new double[] {e.step(), seconds, e.valLoss()});
            }
            double[] millis = r.steps.stream().mapToDouble(Trainer.StepMetrics::stepMillis).toArray();
            String out = System.getProperty("race.steps");
            if (out != null) {
                StringBuilder csv = new StringBuilder("step,ms\n");
                r.steps.forEach(s -> csv.append(s.step()).append(',').append(String.format(Locale.ROOT, "%.3f", s.stepMillis())).append('\n'));
                Files.writeString(Path.of(out), csv);
            }
            double total = Arrays.stream(millis).sum() / 1000;
            return new Result(evals, total, Fair.median(millis), Fair.percentile(millis, 95));
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static Result pytorch(long seed) throws Exception {
        List<String> lines = Fair.lines(Fair.python("src/test/python/bench/nanogpt_race.py", Map.of("SEED", String.valueOf(seed),
                "EVAL_INTERVAL", String.valueOf(EVAL_INTERVAL), "EVAL_BATCHES", String.valueOf(EVAL_BATCHES),
                "TARGET", String.valueOf(TARGET))));
        List<double[]> evals = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("eval ")) { // eval <iter> <train seconds> <val loss>
                String[] f = line.trim().split(" ");
                evals.add(new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3])});
            }
        }
        String[] last = lines.get(lines.size() - 1).trim().split(" ");
        return new Result(evals, Double.parseDouble(last[3]), Double.parseDouble(last[4]), Double.parseDouble(last[5]));
    }

    private NanoGptRace() {
    }
}
