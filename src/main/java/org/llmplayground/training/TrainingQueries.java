package org.llmplayground.training;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.model.LoadedModel;
import org.llmplayground.model.ModelService;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the lab and the API read about runs: listings, status with time left, metrics, history, checkpoints. */
@Singleton
public class TrainingQueries {
    private final TrainingStore store;
    private final LiveRuns live;
    private final ModelService models;

    TrainingQueries(TrainingStore store, LiveRuns live, ModelService models) {
        this.store = store;
        this.live = live;
        this.models = models;
    }

    /** A run with its latest step, how far it is, and the estimated time left at the recent pace. */
    @Serdeable
    public record Status(TrainingRun run, @Nullable Trainer.StepMetrics latest, double progress, @Nullable Double etaSeconds) {
    }

    /** Everything recorded for a run, for charts: all evaluations and samples, and step metrics (thinned if long). */
    @Serdeable
    public record History(TrainingRun run, List<Trainer.StepMetrics> steps, List<Trainer.EvalMetrics> evals,
                          List<Trainer.Sample> samples) {
    }

    /** Newest first. */
    public List<TrainingRun> runs() {
        live.recover();
        return store.list();
    }

    public TrainingRun run(String runId) {
        live.recover();
        return store.get(runId);
    }

    public Status status(String runId) {
        TrainingRun run = run(runId);
        LiveRun l = live.get(runId).orElse(null);
        Trainer.StepMetrics latest = l != null && l.latest != null ? l.latest : store.latestMetric(runId).orElse(null);
        double progress = run.maxSteps() == 0 ? 0 : Math.min(1, (double) run.step() / run.maxSteps());
        Double eta = null;
        if (run.state().isActive() && l != null) {
            var left = l.secondsLeft();
            eta = left.isPresent() ? left.getAsDouble() : null;
        }
        return new Status(run, latest, progress, eta);
    }

    /** Step metrics after {@code afterStep} (at most {@code limit}), for polling clients. */
    public List<Trainer.StepMetrics> metrics(String runId, int afterStep, int limit) {
        run(runId);
        return store.metrics(runId, afterStep, Math.max(1, Math.min(limit, 10_000)));
    }

    /** What the run's objective measured besides the loss (DPO's rewards/…, a reward model's accuracy), after {@code afterStep}. */
    public List<Trainer.Measured> measures(String runId, int afterStep, int limit) {
        run(runId);
        live.get(runId).ifPresent(LiveRun::flush);
        return store.measures(runId, afterStep, Math.max(1, Math.min(limit, 10_000)));
    }

    /** All a run recorded; step metrics thinned to at most {@code maxPoints} by taking every n-th (the last always). */
    public History history(String runId, int maxPoints) {
        TrainingRun run = run(runId);
        live.get(runId).ifPresent(LiveRun::flush);
        List<Trainer.StepMetrics> all = store.metrics(runId, -1, Integer.MAX_VALUE);
        List<Trainer.StepMetrics> steps = all;
        if (all.size() > maxPoints && maxPoints > 0) {
            int every = (int) Math.ceil(all.size() / (double) maxPoints);
            steps = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                if (i % every == 0 || i == all.size() - 1) {
                    steps.add(all.get(i));
                }
            }
        }
        return new History(run, steps, store.evals(runId), store.samples(runId));
    }

    public List<Checkpoints.Saved> checkpoints(String runId) {
        run(runId);
        return new Checkpoints(live.runsDir().resolve(runId).resolve("checkpoints")).list().stream()
                .map(s -> new Checkpoints.Saved(s.step(), s.path(), s.valLoss())).toList();
    }

    Path checkpointDir(String runId, int step) {
        List<Checkpoints.Saved> saved = checkpoints(runId);
        return saved.stream().filter(s -> s.step() == step).findFirst().map(s -> Path.of(s.path()))
                .orElseThrow(() -> BadInputException.notFound("Run '" + runId + "' has no checkpoint at step " + step + ". It has: "
                        + saved.stream().map(s -> String.valueOf(s.step())).toList() + "."));
    }

    /** The model id a run's checkpoint opens as: "run-" + the run id's first 8 characters + "-" + the step. */
    public static String checkpointModelId(String runId, int step) {
        return "run-" + runId.substring(0, Math.min(8, runId.length())) + "-" + step;
    }

    /** Loads a checkpoint as a model for the generator and the Transformer lab; returns its model info. */
    public LoadedModel.ModelInfo openAsModel(String runId, int step) {
        TrainingRun run = run(runId);
        Path dir = checkpointDir(runId, step);
        return models.loadCheckpoint(dir, checkpointModelId(runId, step), run.name() + " @ step " + step,
                "Checkpoint of training run '" + run.name() + "' at step " + step + ".");
    }
}
