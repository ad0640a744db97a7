package org.llmplayground.core.jobs;

import io.micronaut.core.annotation.Nullable;

/**
 * What subscribers hear: the job's current record, plus a payload when the job {@linkplain JobContext#publish
 * published} one (null for plain progress and state changes).
 */
public record JobEvent(JobRecord job, @Nullable Object payload) {
}
