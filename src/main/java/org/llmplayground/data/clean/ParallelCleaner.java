package org.llmplayground.data.clean;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Runs a {@link Pipeline} over a stream of documents on every core, keeping input order and bounded memory:
 * <pre>
 *   reader (caller's thread) ──batches of 256──▶ workers: prepare (normalise, language, PII, quality, dedup keys)
 *                                                   │  at most 4 × threads batches in flight
 *   caller's thread ◀── oldest batch first ─────────┘  finish (dedup decisions) → sink (in input order)
 * </pre>
 * The reader never runs more than a few batches ahead, so memory holds about (4 × threads + 1) × 256 documents
 * whatever the corpus size. The output is the same for any number of threads: the order-sensitive part (which copy
 * of a duplicate is kept) runs in input order on one thread.
 */
public final class ParallelCleaner implements AutoCloseable, Consumer<Document> {
    static final int BATCH = 256;
    private final Pipeline pipeline;
    private final Consumer<Document> sink;
    private final ExecutorService workers;
    private final int maxInFlight;
    private final ArrayDeque<CompletableFuture<List<Pipeline.Prepared>>> inFlight = new ArrayDeque<>();
    private List<Document> batch = new ArrayList<>(BATCH);

    /** @param threads worker threads (1 still overlaps reading with cleaning) */
    public ParallelCleaner(Pipeline pipeline, int threads, Consumer<Document> sink) {
        this.pipeline = pipeline;
        this.sink = sink;
        this.maxInFlight = 4 * threads;
        this.workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "data-clean-worker");
            t.setDaemon(true);
            return t;
        });
    }

    /** Takes the next document of the stream (call from one thread, in input order). */
    @Override
    public void accept(Document d) {
        batch.add(d);
        if (batch.size() == BATCH) {
            submit();
        }
    }

    /** Processes what is left; after this every kept document has reached the sink. */
    public void finish() {
        if (!batch.isEmpty()) {
            submit();
        }
        while (!inFlight.isEmpty()) {
            drainOldest();
        }
    }

    private void submit() {
        List<Document> work = batch;
        batch = new ArrayList<>(BATCH);
        inFlight.add(CompletableFuture.supplyAsync(() -> work.stream().map(pipeline::prepare).toList(), workers));
        while (inFlight.size() >= maxInFlight) {
            drainOldest();
        }
    }

    private void drainOldest() {
        List<Pipeline.Prepared> prepared;
        try {
            prepared = inFlight.poll().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        for (Pipeline.Prepared p : prepared) {
            Optional<Document> out = pipeline.finish(p);
            out.ifPresent(sink);
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
