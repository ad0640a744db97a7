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
        return error.getPath().map(p -> simplifyPath(p) + ": " + error.getMessage()).orElse(error.getMessage());
    }

    /** {@code "req.text"} reads better as {@code "text"}: keep the field, drop the controller's argument name. */
    private static String simplifyPath(String path) {
        int dot = path.indexOf('.');
        return dot > 0 && dot < path.length() - 1 ? path.substring(dot + 1) : path;
    }
}
