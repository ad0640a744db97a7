package org.llmplayground.core.api;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.util.List;

/**
 * A failed write at run time (disk full, workspace made read-only) as a JSON 507 that names the path and the remedy,
 * instead of a bare 500: {@code {"status":507,"error":"Insufficient Storage","message":"Cannot write
 * /ws/corpora/x.unfinished (No space left on device). Free some space or make the workspace writable (playground.home),
 * then try again.","details":[]}}. Other I/O failures stay a 500 with the log holding the details.
 */
@Produces
@Singleton
final class WriteFailureHandler implements ExceptionHandler<UncheckedIOException, HttpResponse<ApiError>> {
    private static final Logger LOG = LoggerFactory.getLogger(WriteFailureHandler.class);

    @Override
    public HttpResponse<ApiError> handle(HttpRequest request, UncheckedIOException e) {
        ApiError error = describe(e.getCause());
        if (error.status() == 500) {
            LOG.warn("I/O failure on {}: {}", request.getPath(), e.toString());
        }
        return HttpResponse.<ApiError>status(HttpStatus.valueOf(error.status())).body(error);
    }

    static ApiError describe(IOException cause) {
        String text = String.valueOf(cause == null ? null : cause.getMessage());
        boolean full = text.contains("No space left") || text.contains("Disk quota");
        boolean readOnly = cause instanceof AccessDeniedException || text.contains("Read-only file system");
        if (cause instanceof FileSystemException fs && (full || readOnly)) {
            String why = full ? "the disk is full" : "the workspace cannot be written";
            return new ApiError(507, "Insufficient Storage", "Cannot write " + fs.getFile() + " (" + why + "). Free some space or make "
                    + "the workspace writable (playground.home), then try again.", List.of());
        }
        if (full || readOnly) {
            return new ApiError(507, "Insufficient Storage", "A write failed (" + (full ? "the disk is full" : "the workspace cannot be "
                    + "written") + "). Free some space or make the workspace writable (playground.home), then try again.", List.of());
        }
        return new ApiError(500, "Internal Server Error", "The server could not read or write a file; the log has the details.", List.of());
    }
}
