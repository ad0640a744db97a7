package org.llmplayground.tokenizer;

import io.micronaut.serde.annotation.Serdeable;

/** One bar of a token-length histogram: {@code count} tokens are {@code bytes} bytes long. */
@Serdeable
public record LengthBin(int bytes, long count) {
}
