package org.llmplayground.training;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;

/**
 * A training run as stored in H2 (table {@code training_run}): its resolved config, seed and data hash (enough to
 * repeat it), and where it is. {@code parentRun}/{@code parentStep} name the checkpoint a "resume from here" run
 * started from.
 */
@Serdeable
public record TrainingRun(String id, String name, @Nullable String jobId, String configYaml, long seed, String corpus,
                          String tokenizer, @Nullable String dataHash, @Nullable Integer vocabSize, @Nullable Long parameters,
                          String device, State state, @Nullable String message, int step, int maxSteps,
                          @Nullable Double bestValLoss, @Nullable String parentRun, @Nullable Integer parentStep,
                          Instant createdAt, @Nullable Instant startedAt, @Nullable Instant finishedAt) {

    /** Where a run is. Only QUEUED, RUNNING and PAUSED runs are active; the others can be resumed from a checkpoint. */
    public enum State {
        QUEUED, RUNNING, PAUSED, FINISHED, STOPPED, FAILED, INTERRUPTED;

        public boolean isActive() {
            return this == QUEUED || this == RUNNING || this == PAUSED;
        }
    }

    public TrainingRun with(State newState, @Nullable String newMessage) {
        Instant now = Instant.now();
        return new TrainingRun(id, name, jobId, configYaml, seed, corpus, tokenizer, dataHash, vocabSize, parameters, device,
                newState, newMessage, step, maxSteps, bestValLoss, parentRun, parentStep, createdAt,
                newState == State.RUNNING && startedAt == null ? now : startedAt,
                newState.isActive() ? null : now);
    }

    public TrainingRun withConfigYaml(String newConfigYaml) {
        return new TrainingRun(id, name, jobId, newConfigYaml, seed, corpus, tokenizer, dataHash, vocabSize, parameters, device,
                state, message, step, maxSteps, bestValLoss, parentRun, parentStep, createdAt, startedAt, finishedAt);
    }

    public TrainingRun withJob(String newJobId) {
        return new TrainingRun(id, name, newJobId, configYaml, seed, corpus, tokenizer, dataHash, vocabSize, parameters, device,
                state, message, step, maxSteps, bestValLoss, parentRun, parentStep, createdAt, startedAt, finishedAt);
    }

    public TrainingRun withProgress(int newStep, @Nullable Double newBest) {
        return new TrainingRun(id, name, jobId, configYaml, seed, corpus, tokenizer, dataHash, vocabSize, parameters, device,
                state, message, newStep, maxSteps, newBest, parentRun, parentStep, createdAt, startedAt, finishedAt);
    }

    public TrainingRun withData(String hash, int vocab, long params) {
        return new TrainingRun(id, name, jobId, configYaml, seed, corpus, tokenizer, hash, vocab, params, device,
                state, message, step, maxSteps, bestValLoss, parentRun, parentStep, createdAt, startedAt, finishedAt);
    }
}
