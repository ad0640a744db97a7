package org.llmplayground.core;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A small pool for interactive work that should not block a browser round trip (tokenizing a long text, measuring
 * coverage). Long, tracked work goes to the {@link org.llmplayground.core.jobs.JobRunner} instead.
 */
@Singleton
public class BackgroundExecutor implements Executor {
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
        Thread t = new Thread(r, "ui-work");
        t.setDaemon(true);
        return t;
    });

    @Override
    public void execute(Runnable command) {
        pool.execute(command);
    }

    @PreDestroy
    void shutdown() {
        pool.shutdownNow();
    }
}
