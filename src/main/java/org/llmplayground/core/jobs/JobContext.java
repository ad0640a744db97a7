package org.llmplayground.core.jobs;

/** What a running {@link Job} may do: report progress, publish lab-specific events, and notice a cancel. */
public interface JobContext {
    String jobId();

    boolean isCancelled();

    /**
     * Throws {@link JobCancelledException} once someone cancelled the job. Cancelling is cooperative: the runner never
     * interrupts the thread, because an interrupt in the middle of file or H2 I/O can close the database file.
     */
    default void checkCancelled() {
        if (isCancelled()) {
            throw new JobCancelledException();
        }
    }

    /** Fraction done in [0, 1] and a one-line status; sent to subscribers at once, stored in H2 at most once a second. */
    void progress(double fraction, String message);

    /**
     * Items done of a total (documents, steps, bytes) and a one-line status; the fraction is done / total. Shown by
     * {@code JobProgress} as "1,200 of 5,000".
     */
    default void progress(long done, long total, String message) {
        progress(total <= 0 ? 0 : Math.min(1, (double) done / total), message);
    }

    /** A lab-specific event (e.g. the merges a tokenizer just learned) for subscribers; not stored. */
    void publish(Object payload);
}
