package org.llmplayground.core.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.JsonErrorResponseBodyProvider;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * Micronaut's own errors (bean validation, unreadable JSON, unknown route) in the same {@link ApiError} shape as ours,
 * e.g. {@code {"status":400,"error":"Bad Request","message":"text: must not be null","details":["text: must not be null"]}}.
 */
@Singleton
@Replaces(JsonErrorResponseBodyProvider.class)
final class ApiErrorBodyProvider implements JsonErrorResponseBodyProvider<ApiError> {
    @Override
    public ApiError body(ErrorContext context, HttpResponse<?> response) {
        List<String> details = context.getErrors().stream().map(ApiErrorBodyProvider::describe).toList();
        String message = details.isEmpty() ? response.reason() : String.join("; ", details);
        return new ApiError(response.code(), response.reason(), message, details);
    }

    private static String describe(Error error) {
        return error.getPath().map(p -> simplifyPath(p) + ": " + error.getMessage()).orElse(plain(error.getMessage()));
    }

    private static final Pattern UNKNOWN = Pattern.compile("Unknown property \\[([^\\]]*)] encountered during deserialization of type: (\\w+)");
    private static final Pattern WRONG_TYPE = Pattern.compile("Cannot deserialize value of type `(?:java\\.lang\\.)?([\\w.]+)`.*?line: (\\d+), column: (\\d+)",
            Pattern.DOTALL);
    private static final Pattern WHY = Pattern.compile("due to: (.*?)\\s*\\n");

    /**
     * The JSON decoder's words, said for a user: which field is unknown (fields are snake_case, as the OpenAPI
     * document lists them), or where a value has the wrong type; never the decoder's internals.
     * "...Unknown property [maxNewTokens] encountered during deserialization of type: GenerateRequest req" →
     * "Unknown field 'maxNewTokens' in the request body (GenerateRequest): check the field names in /api/v1/openapi.yml".
     */
    static String plain(String message) {
        if (message == null) {
            return "The request body could not be read.";
        }
        Matcher unknown = UNKNOWN.matcher(message);
        if (unknown.find()) {
            return "Unknown field '" + unknown.group(1) + "' in the request body (" + unknown.group(2) + "): check the field names in "
                    + "/api/v1/openapi.yml (they are snake_case, e.g. max_new_tokens).";
        }
        Matcher type = WRONG_TYPE.matcher(message);
        if (type.find()) {
            String t = type.group(1);
            String expected = t.contains(".") ? t.substring(t.lastIndexOf('.') + 1) : t.toLowerCase(java.util.Locale.ROOT);
            Matcher why = WHY.matcher(message);
            return "A value in the request body has the wrong type: expected " + expected + " at line " + type.group(2) + ", column "
                    + type.group(3) + (why.find() && !why.group(1).isBlank() ? " (" + why.group(1).strip() + ")" : "") + ".";
        }
        return message;
    }

    /** {@code "req.text"} reads better as {@code "text"}: keep the field, drop the controller's argument name. */
    private static String simplifyPath(String path) {
        int dot = path.indexOf('.');
        return dot > 0 && dot < path.length() - 1 ? path.substring(dot + 1) : path;
    }
}
