package org.llmplayground.tokenizer;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * What to train: a name to save under, the text (a corpus id, or inline text), the vocabulary size (256 bytes +
 * merges; special tokens come on top), the split pattern ({@code gpt2}, {@code gpt4} or {@code none}) and the special
 * tokens to reserve, e.g. {@code ["<|endoftext|>", "<|pad|>"]}.
 */
@Serdeable
public record TrainingSpec(String name, @Nullable String corpus, @Nullable String text, int vocabSize,
                           @Nullable String pattern, @Nullable List<String> specialTokens) {
}
