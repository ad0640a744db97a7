package org.llmplayground.corpus;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;

/** An uploaded corpus as stored in H2 (table {@code corpus}). */
@MappedEntity("corpus")
record CorpusRecord(@Id String id, String name, long sizeBytes, Instant createdAt) {
}
