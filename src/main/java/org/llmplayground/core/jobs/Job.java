package org.llmplayground.core.jobs;

/**
 * A unit of long work. It reports through {@link JobContext#progress}, checks {@link JobContext#checkCancelled()}
 * between steps, and returns a short result (e.g. the id of what it saved), stored with the job.
 */
@FunctionalInterface
public interface Job {
    String run(JobContext ctx) throws Exception;
}
