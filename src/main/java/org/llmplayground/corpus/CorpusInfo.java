package org.llmplayground.corpus;

import io.micronaut.serde.annotation.Serdeable;

/** A corpus the labs can use: bundled with the app or uploaded. */
@Serdeable
public record CorpusInfo(String id, String name, boolean bundled, long bytes, String provenance) {
}
