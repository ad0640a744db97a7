/**
 * Lab 2, the Transformer. A decoder-only transformer turns token ids into next-token scores: embed each token, let
 * every position look at the earlier ones through causal self-attention, refine each position with a feed-forward
 * network, repeat for N blocks, then score every vocabulary entry. This package holds the configuration and its
 * arithmetic (parameter counts, memory), {@code nn/} the DJL implementation, {@code io/} weight importers, and
 * {@link ModelService} the loaded models that the lab, the API and later labs use. Tensors never leave it.
 */
package org.llmplayground.model;
