package org.llmplayground.model;

/**
 * The non-linearity of the feed-forward network.
 * <ul>
 *   <li>GELU: x·Φ(x), exact (nanoGPT's nn.GELU);</li>
 *   <li>GELU_TANH: GPT-2's tanh approximation 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))), as in HF GPT-2 and minGPT;</li>
 *   <li>RELU: max(0, x) (the original Transformer);</li>
 *   <li>SWIGLU: down(silu(gate(x)) ⊙ up(x)), a gated unit with a third matrix (Llama).</li>
 * </ul>
 */
public enum FeedForwardActivation {
    GELU, GELU_TANH, RELU, SWIGLU
}
