package org.llmplayground.model;

import io.micronaut.serde.annotation.Serdeable;

/**
 * How a trained model reads text, stored with its checkpoints: {@code char} with the corpus' characters in id order
 * (id i is {@code chars}' i-th code point), or {@code lab} with a Tokenizer lab id such as gpt2.
 */
@Serdeable
public record TokenizerSpec(String type, String id, String chars) {
    public static TokenizerSpec chars(String chars) {
        return new TokenizerSpec("char", "char", chars);
    }

    public static TokenizerSpec lab(String id) {
        return new TokenizerSpec("lab", id, null);
    }
}
