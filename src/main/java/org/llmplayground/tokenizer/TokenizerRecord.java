package org.llmplayground.tokenizer;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;

/** A saved tokenizer as stored in H2 (table {@code tokenizer}); kind is BPE (minbpe files) or HF (tokenizer.json). */
@MappedEntity("tokenizer")
record TokenizerRecord(@Id String id, String name, String kind, int vocabSize, String description, Instant createdAt) {
}
