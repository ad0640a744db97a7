package org.llmplayground.core.jobs;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;

/**
 * A job as stored in H2 (table {@code job}). {@code result} is a short machine-readable outcome chosen by the job, e.g.
 * the id of the tokenizer a training job saved. {@code done} of {@code total} counts the job's own items (documents,
 * steps, bytes); both are 0 when the job reports only a fraction.
 */
@Serdeable
public record JobRecord(String id, String kind, String title, JobState state, double progress,
                        @Nullable String message, @Nullable String result, Instant createdAt,
                        @Nullable Instant startedAt, @Nullable Instant finishedAt, long done, long total) {

    public JobRecord(String id, String kind, String title, JobState state, double progress, @Nullable String message,
                     @Nullable String result, Instant createdAt, @Nullable Instant startedAt, @Nullable Instant finishedAt) {
        this(id, kind, title, state, progress, message, result, createdAt, startedAt, finishedAt, 0, 0);
    }

    JobRecord withState(JobState newState, @Nullable String newMessage) {
        Instant now = Instant.now();
        return new JobRecord(id, kind, title, newState, newState == JobState.SUCCEEDED ? 1.0 : progress,
                newMessage == null ? message : newMessage, result, createdAt,
                newState == JobState.RUNNING ? now : startedAt, newState.isFinal() ? now : finishedAt, done, total);
    }

    JobRecord withProgress(double fraction, @Nullable String newMessage) {
        return new JobRecord(id, kind, title, state, fraction, newMessage == null ? message : newMessage, result,
                createdAt, startedAt, finishedAt, done, total);
    }

    JobRecord withItems(long newDone, long newTotal) {
        return new JobRecord(id, kind, title, state, progress, message, result, createdAt, startedAt, finishedAt, newDone, newTotal);
    }

    JobRecord withResult(@Nullable String newResult) {
        return new JobRecord(id, kind, title, state, progress, message, newResult, createdAt, startedAt, finishedAt, done, total);
    }
}
