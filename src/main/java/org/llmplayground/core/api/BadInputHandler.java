package org.llmplayground.core.api;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.llmplayground.core.Admission;
import org.llmplayground.core.BadInputException;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.MutableHttpResponse;

import java.util.List;

/** Turns a {@link BadInputException} thrown by a service into a JSON {@link ApiError} with its status. */
@Produces
@Singleton
final class BadInputHandler implements ExceptionHandler<BadInputException, HttpResponse<ApiError>> {
    @Override
    public HttpResponse<ApiError> handle(HttpRequest request, BadInputException e) {
        HttpStatus status = HttpStatus.valueOf(e.status());
        MutableHttpResponse<ApiError> response = HttpResponse.<ApiError>status(status)
                .body(new ApiError(status.getCode(), status.getReason(), e.getMessage(), List.of()));
        if (e instanceof Admission.Overloaded o) { // how long to back off, as OpenAI's and every rate-limited API say
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(o.retryAfterSeconds()));
        }
        return response;
    }
}
