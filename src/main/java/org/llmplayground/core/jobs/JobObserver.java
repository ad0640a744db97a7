package org.llmplayground.core.jobs;

/**
 * Told when any job starts and ends, whatever lab submitted it: how experiment tracking records every run without a
 * lab logging anything by hand. Called on the job's own thread; an observer that fails is logged and the job goes on.
 */
public interface JobObserver {
    /** The job is RUNNING now. */
    default void started(JobRecord job) {
    }

    /** The job reached a final state (succeeded, failed, cancelled). */
    default void ended(JobRecord job) {
    }
}
