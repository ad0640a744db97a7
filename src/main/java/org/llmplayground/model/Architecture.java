package org.llmplayground.model;

/** Which network a {@link ModelConfig} describes. */
public enum Architecture {
    /** Decoder-only transformer (GPT-2, Llama). */
    TRANSFORMER,
    /** The simplest language model: a table of next-token scores for each current token (vocab × vocab). */
    BIGRAM
}
