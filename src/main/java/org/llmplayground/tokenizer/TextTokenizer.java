package org.llmplayground.tokenizer;

import java.util.List;

/** One tokenizer as the lab uses it, whatever implements it (ours, jtokkit, Hugging Face, characters). */
public interface TextTokenizer {
    /** Stable id used by the API and the picker, e.g. {@code gpt2}, {@code cl100k_base}, {@code my-shakespeare}. */
    String id();

    /** What implements it, e.g. "byte-level BPE (ours)". */
    String kind();

    /** Number of token ids (largest id + 1). */
    int vocabSize();

    /** Token ids only; the fast path. Special-token strings become their ids when {@code allowSpecial}. */
    int[] encode(String text, boolean allowSpecial);

    /** Tokens with text positions and the pre-tokenizer chunk each belongs to. */
    List<Token> tokenize(String text, boolean allowSpecial);

    /** Text of the ids; an id outside the vocabulary is an {@link IllegalArgumentException} naming it. */
    String decode(int[] ids);

    /** The bytes a token stands for; an unknown id is an {@link IllegalArgumentException}. */
    byte[] tokenBytes(int id);
}
