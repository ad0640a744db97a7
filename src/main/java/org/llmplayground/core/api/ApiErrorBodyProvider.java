package org.llmplayground.core.api;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.JsonErrorResponseBodyProvider;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * Micronaut's own errors (bean validation, unreadable JSON, unknown route) in the same {@link ApiError} shape as ours,
 * e.g. {@code {"status":400,"error":"Bad Request","message":"text: must not be blank","details":["text: must not be blank"]}}.
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
        return error.getPath().map(p -> simplifyPath(p) + ": " + error.getMessage()).orElse(error.getMessage());
    }

    /** {@code "encode.request.text"} reads better as {@code "text"}: keep the field, drop the method and argument. */
    private static String simplifyPath(String path) {
        String[] parts = path.split("\\.");
        return parts.length > 2 ? String.join(".", java.util.Arrays.copyOfRange(parts, 2, parts.length)) : path;
    }
}
