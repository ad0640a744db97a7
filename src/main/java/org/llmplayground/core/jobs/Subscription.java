package org.llmplayground.core.jobs;

/** Ends a subscription; views call it on detach. Idempotent. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
