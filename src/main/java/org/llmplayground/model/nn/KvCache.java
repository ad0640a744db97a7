package org.llmplayground.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;


/**
 * What incremental decoding remembers between steps: for every layer the keys and values of all tokens seen so far
 * (keys transposed, (B, H_kv, head_size, T_past); values (B, H_kv, T_past, head_size)).
 * <p>
 * Why: without a cache, producing token t+1 re-runs the whole prefix through every layer, O(T²) work per token. The
 * keys and values of earlier tokens never change (attention is causal), so a step only has to compute q, k, v for the
 * one new token and attend over the stored keys: for the 4-layer Shakespeare model that is 1 row instead of up to 128.
 * <p>
 * Everything here lives in its own NDManager (a child of the model's), freed by {@link #close()}. Not thread-safe:
 * one cache per generation.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int batch;
    private int length;

    public KvCache(NDManager parent, int layers, int batch) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        this.batch = batch;
    }

    /** How many positions are cached (the same for every row). */
    public int length() {
        return length;
    }

    public int batch() {
        return batch;
    }

    /** The manager that owns the cache; inputs for a step are created here so they are freed with it. */
    public NDManager manager() {
        return manager;
    }

    void advance(int tokens) {
        length += tokens;
    }

    NDArray keys(int layer) {
        return keys[layer];
    }

    NDArray values(int layer) {
        return values[layer];
    }

    /** Replaces a layer's keys and values (the old ones are freed) and keeps the new ones past the step's scope. */
    void store(int layer, NDArray k, NDArray v) {
        keys[layer] = keep(k, keys[layer]);
        values[layer] = keep(v, values[layer]);
    }

    private NDArray keep(NDArray fresh, NDArray old) {
        NDScope.unregister(fresh);
        fresh.attach(manager);
        if (old != null && old != fresh) {
            old.close();
        }
        return fresh;
    }

    /**
     * Beam search: row i of the cache becomes old row {@code rows[i]} (a beam continues another beam's prefix).
     * E.g. rows = [0, 0, 2]: beams 0 and 1 both extend old beam 0, beam 2 extends old beam 2, old beam 1 is dropped.
     * The number of rows may change: [0, 0, 0, 0] turns a prompt prefilled once into four beams.
     */
    public void reorder(int[] rows) {
        for (int r : rows) {
            if (r < 0 || r >= batch) {
                throw new IllegalArgumentException("reorder: row " + r + " of " + batch);
            }
        }
        batch = rows.length;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray index = NativeArrays.longs(manager, java.util.Arrays.stream(rows).asLongStream().toArray(),
                    new ai.djl.ndarray.types.Shape(rows.length), manager.getDevice());
            for (int l = 0; l < keys.length; l++) {
                if (keys[l] != null) {
                    store(l, keys[l].get(new NDIndex("{}", index)), values[l].get(new NDIndex("{}", index)));
                }
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
