package org.llmplayground.core.jobs;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;

/**
 * A job as stored in H2 (table {@code job}). {@code result} is a short machine-readable outcome chosen by the job, e.g.
 * the id of the tokenizer a training job saved.
 */
@Serdeable
@MappedEntity("job")
public record JobRecord(@Id String id, String kind, String title, JobState state, double progress,
                        @Nullable String message, @Nullable String result, Instant createdAt,
                        @Nullable Instant startedAt, @Nullable Instant finishedAt) {

    JobRecord withState(JobState newState, @Nullable String newMessage) {
        Instant now = Instant.now();
        return new JobRecord(id, kind, title, newState, newState == JobState.SUCCEEDED ? 1.0 : progress,
                newMessage == null ? message : newMessage, result, createdAt,
                newState == JobState.RUNNING ? now : startedAt, newState.isFinal() ? now : finishedAt);
    }

    JobRecord withProgress(double fraction, @Nullable String newMessage) {
        return new JobRecord(id, kind, title, state, fraction, newMessage == null ? message : newMessage, result,
                createdAt, startedAt, finishedAt);
    }

    JobRecord withResult(@Nullable String newResult) {
        return new JobRecord(id, kind, title, state, progress, message, newResult, createdAt, startedAt, finishedAt);
    }
}
