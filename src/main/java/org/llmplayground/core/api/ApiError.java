package org.llmplayground.core.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import org.llmplayground.core.Troubleshooting;

import java.util.List;

/**
 * The one error body of the REST API, for our own errors and Micronaut's (validation, malformed JSON, 404):
 * <pre>{"status":400,"error":"Bad Request","message":"Unknown tokenizer 'gpt5'. Known: gpt2, ...","details":[]}</pre>
 * When docs/troubleshooting.md explains the message, {@code help} links to its entry
 * ({@code "help":"/docs/troubleshooting#the-loss-turns-nan"}); otherwise the field is left out.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ApiError(int status, String error, String message, List<String> details,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String help) {
    public ApiError(int status, String error, String message, List<String> details) {
        this(status, error, message, details, Troubleshooting.linkFor(message).orElse(null));
    }
}
