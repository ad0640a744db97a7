package org.llmplayground.training;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * What a training run tells its listeners, as the payload of its job's events (the job runner's one event path):
 * {@code type} is run, step, measure, eval, sample, checkpoint or warning, with that field set.
 */
@Serdeable
public record TrainingEvent(String type, String runId, @Nullable TrainingRun run, @Nullable Trainer.StepMetrics step,
                            @Nullable Trainer.Measured measure,
                            @Nullable Trainer.EvalMetrics eval, @Nullable Trainer.Sample sample,
                            @Nullable Checkpoints.Saved checkpoint, @Nullable String message) {
    static TrainingEvent of(TrainingRun r) {
        return new TrainingEvent("run", r.id(), r, null, null, null, null, null, null);
    }

    static TrainingEvent step(String runId, Trainer.StepMetrics m) {
        return new TrainingEvent("step", runId, null, m, null, null, null, null, null);
    }

    static TrainingEvent measure(String runId, Trainer.Measured m) {
        return new TrainingEvent("measure", runId, null, null, m, null, null, null, null);
    }

    static TrainingEvent eval(String runId, Trainer.EvalMetrics e) {
        return new TrainingEvent("eval", runId, null, null, null, e, null, null, null);
    }

    static TrainingEvent sample(String runId, Trainer.Sample s) {
        return new TrainingEvent("sample", runId, null, null, null, null, s, null, null);
    }

    static TrainingEvent checkpoint(String runId, Checkpoints.Saved c) {
        return new TrainingEvent("checkpoint", runId, null, null, null, null, null, c, null);
    }

    static TrainingEvent warning(String runId, String message) {
        return new TrainingEvent("warning", runId, null, null, null, null, null, null, message);
    }
}
