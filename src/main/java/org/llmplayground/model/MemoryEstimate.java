package org.llmplayground.model;

import io.micronaut.serde.annotation.Serdeable;

/**
 * Bytes needed to train and to run a model at one precision, batch and sequence length. {@code training} =
 * weights + gradients + optimizer state + activations; {@code inference} = weights + KV cache + one forward pass'
 * working memory. Zero training bytes mean training is not possible at that precision (INT8).
 */
@Serdeable
public record MemoryEstimate(Precision precision, int batch, int sequence, long parameters, long weights, long gradients,
                             long optimizerState, long activations, long training, long inference, String note) {
}
