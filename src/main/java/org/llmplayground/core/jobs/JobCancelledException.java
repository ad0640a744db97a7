package org.llmplayground.core.jobs;

/** Thrown by {@link JobContext#checkCancelled()}; the runner records the job as CANCELLED. */
public final class JobCancelledException extends RuntimeException {
    public JobCancelledException() {
        super("Cancelled", null, false, false);
    }
}
