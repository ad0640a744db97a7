package org.llmplayground.bench;

import io.micronaut.context.ApplicationContext;
import org.llmplayground.training.Trainer;
import org.llmplayground.training.TrainingChecks;
import org.llmplayground.training.TrainingConfig;
import org.llmplayground.training.TrainingEstimate;
import org.llmplayground.training.TrainingQueries;
import org.llmplayground.training.TrainingRun;
import org.llmplayground.training.TrainingService;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Is the Training lab's time estimate right? For each config: the estimate the form shows (measured afresh each round,
 * as a new visit to the form would), then the same config really trained by the app's {@link TrainingService} (with
 * its evaluations, samples and checkpoints). Two ratios real / estimated, as median and range: the time of a step
 * (the run's median step against the measured one; the goal is ±30 %) and the whole run from its start to its finish
 * (which adds what the estimate leaves out: preparing the data, the first step's setup, samples, the last
 * checkpoint). Rounds alternate estimate and run so both see the same machine.
 * <pre>./mvnw -q -Pbench test-compile exec:exec -Dbench=TrainingEstimateBench -Dbench.args="5"</pre>
 * Steps are cut (quickstart 300 of 1,500, shakespeare-char 60 of 5,000) with every interval kept, so the mix of
 * training steps, evaluations and checkpoints is the real config's; the estimate is for the same cut config.
 */
public final class TrainingEstimateBench {
    private record Case(String config, int steps, int evalInterval) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 && !args[0].isBlank() ? Integer.parseInt(args[0]) : 5;
        // the eval interval is shortened in proportion, so a cut run still pays for its evaluations
        List<Case> cases = List.of(new Case("quickstart", 300, 50), new Case("shakespeare-char", 60, 20));
        Path home = Files.createTempDirectory("estimate-bench");
        Map<String, Object> props = Map.of("playground.home", home.toString(), "playground.port", "0");
        try (ApplicationContext ctx = ApplicationContext.run(props)) {
            TrainingChecks checks = ctx.getBean(TrainingChecks.class);
            TrainingService service = ctx.getBean(TrainingService.class);
            TrainingQueries queries = ctx.getBean(TrainingQueries.class);
            Map<String, List<Double>> ratios = new java.util.LinkedHashMap<>();
            for (int round = 1; round <= rounds; round++) {
                for (Case c : cases) {
                    TrainingConfig base = checks.resolve(c.config(), null, c.config() + " r" + round);
                    TrainingConfig config = base.with(base.training().toBuilder().maxSteps(c.steps()).evalInterval(c.evalInterval())
                            .warmupSteps(Math.min(base.training().warmupSteps(), c.steps() / 5)).build());
                    checks.remeasure();
                    TrainingEstimate estimate = checks.estimate(config);
                    TrainingRun run = service.start(config);
                    TrainingRun done = awaitEnd(queries, run.id());
                    if (done.state() != TrainingRun.State.FINISHED) {
                        throw new IllegalStateException(c.config() + " ended " + done.state() + ": " + done.message());
                    }
                    double real = Duration.between(done.startedAt(), done.finishedAt()).toMillis() / 1000.0;
                    double ratio = real / estimate.totalSeconds();
                    double[] stepMs = queries.history(run.id(), 100_000).steps().stream().mapToDouble(Trainer.StepMetrics::stepMillis)
                            .sorted().toArray();
                    double stepRatio = stepMs[stepMs.length / 2] / 1000 / estimate.secondsPerStep();
                    ratios.computeIfAbsent(c.config() + " step", k -> new ArrayList<>()).add(stepRatio);
                    ratios.computeIfAbsent(c.config() + " total", k -> new ArrayList<>()).add(ratio);
                    System.out.printf(Locale.ROOT, "round %d  %-16s %4d steps  step: estimated %.3f s, real median %.3f s (%.2f)"
                                    + "  run: estimated %5.1f s, real %5.1f s (%.2f)%n", round, c.config(), c.steps(),
                            estimate.secondsPerStep(), stepMs[stepMs.length / 2] / 1000, stepRatio, estimate.totalSeconds(), real, ratio);
                    System.out.flush();
                    service.delete(run.id());
                }
            }
            System.out.println();
            for (Map.Entry<String, List<Double>> e : ratios.entrySet()) {
                double[] r = e.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
                System.out.printf(Locale.ROOT, "%-22s real/estimated: median %.2f, range %.2f–%.2f over %d rounds%n",
                        e.getKey(), r[r.length / 2], r[0], r[r.length - 1], r.length);
            }
        }
    }

    private static TrainingRun awaitEnd(TrainingQueries queries, String id) throws InterruptedException {
        while (true) {
            TrainingRun r = queries.run(id);
            if (!r.state().isActive()) {
                return r;
            }
            Thread.sleep(200);
        }
    }

    private TrainingEstimateBench() {
    }
}
