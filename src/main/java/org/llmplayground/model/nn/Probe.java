package org.llmplayground.model.nn;

import ai.djl.ndarray.NDArray;

/**
 * Looks inside a forward pass. Called with live tensors that are freed after the pass: copy what you need to Java
 * arrays inside the call. All methods are optional.
 */
public interface Probe {
    /** The residual stream after the embeddings (and learned/sinusoidal positions): (B, T, d). */
    default void embedded(NDArray x) {
    }

    /** Attention weights of a layer after softmax, before dropout: (B, H, T, T); row i sums to 1 over keys. */
    default void attention(int layer, NDArray weights) {
    }

    /** The residual stream after block {@code layer}: (B, T, d). */
    default void blockOutput(int layer, NDArray x) {
    }
}
