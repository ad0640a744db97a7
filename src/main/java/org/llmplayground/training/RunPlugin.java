package org.llmplayground.training;

import org.llmplayground.core.jobs.JobContext;

import java.nio.file.Path;

/**
 * How another lab trains with this one's loop instead of writing a second one: fine-tuning is a run whose config has
 * a {@code finetune} section. After the starting weights are loaded and before a checkpoint is restored, the plugin
 * may change the network (attach LoRA adapters, so the checkpoint's adapters and optimizer moments have a place to
 * go) and then give the trainer its own batches. Queueing, pausing, stopping, resuming, checkpoints, metrics in H2
 * and live events stay this lab's.
 */
public interface RunPlugin {
    /** Whether this plugin trains {@code config} (e.g. it has a finetune section). */
    boolean handles(TrainingConfig config);

    /** Prepares the network of {@code run} (weights loaded, nothing restored yet); returns how its trainer changes. */
    Session prepare(TrainingConfig config, PreparedRun run, JobContext ctx) throws Exception;

    /** One run's plugin state. */
    interface Session {
        /** The trainer with the plugin's batches (and anything else it needs). */
        Trainer apply(Trainer trainer);

        /** After the loop ends (finished, stopped, early-stopped), e.g. to save the adapters; {@code runDir} is the run's folder. */
        default void ended(PreparedRun run, Path runDir) throws Exception {
        }
    }
}
