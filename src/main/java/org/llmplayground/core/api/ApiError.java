package org.llmplayground.core.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * The one error body of the REST API, for our own errors and Micronaut's (validation, malformed JSON, 404):
 * <pre>{"status":400,"error":"Bad Request","message":"Unknown tokenizer 'gpt5'. Known: gpt2, ...","details":[]}</pre>
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ApiError(int status, String error, String message, List<String> details) {
}
