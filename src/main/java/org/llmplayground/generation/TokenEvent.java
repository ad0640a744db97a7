package org.llmplayground.generation;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * One generated token as it is streamed: which row (several strategies run as rows of one batch), its index, id,
 * the token's own label, the text it adds (may be empty while a multi-byte character or a possible stop sequence is
 * still incomplete), its probability under the final distribution, and the step's trace when one was asked for.
 */
@Serdeable(naming = io.micronaut.serde.config.naming.SnakeCaseStrategy.class)
public record TokenEvent(int row, int index, int id, String token, String text, double probability, @Nullable StepTrace trace) {
}
