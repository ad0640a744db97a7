package org.llmplayground.core.jobs;

/** Life cycle of a job: QUEUED → RUNNING → one of the final states. */
public enum JobState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED,
    /** Was queued or running when the server stopped; resumable jobs (training) can be restarted from a checkpoint. */
    INTERRUPTED;

    public boolean isFinal() {
        return this != QUEUED && this != RUNNING;
    }
}
