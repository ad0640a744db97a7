package org.llmplayground.tokenizer;

import io.micronaut.serde.annotation.Serdeable;

/** A tokenizer the lab offers: {@code id} is what the API and the picker use. */
@Serdeable
public record TokenizerInfo(String id, String name, String kind, int vocabSize, boolean builtin, String description) {
}
