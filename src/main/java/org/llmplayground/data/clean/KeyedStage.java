package org.llmplayground.data.clean;

import java.util.Optional;

/**
 * A stage with memory of earlier documents (deduplication), split in two so a large corpus can use every core:
 * {@link #key} is the expensive, independent part (a hash, a MinHash signature) and runs on worker threads;
 * {@link #decide} compares the key with what was seen before and runs on one thread, in input order, so the
 * result is the same however many threads computed the keys. A keyed stage keeps a document as it is or removes
 * it; it never changes the text (the keys of the keyed stages behind it are computed from the same text).
 *
 * @param <K> what is computed per document
 */
public interface KeyedStage<K> extends Stage {
    /** The document's key; no shared state, safe on any thread. */
    K key(Document d);

    /** Keeps or removes the document given its key; called in input order from one thread. */
    Optional<Document> decide(Document d, K key, StageReport report);

    @Override
    default Optional<Document> apply(Document d, StageReport report) {
        return decide(d, key(d), report);
    }
}
