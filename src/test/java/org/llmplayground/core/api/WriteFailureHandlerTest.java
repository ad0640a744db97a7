package org.llmplayground.core.api;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;

import static org.assertj.core.api.Assertions.assertThat;

/** Write failures at run time are a 507 naming the path and the remedy; other I/O failures a 500 without internals. */
class WriteFailureHandlerTest {
    @Test
    void aFullDiskOrAReadOnlyWorkspaceIsA507ThatNamesThePath() {
        ApiError full = WriteFailureHandler.describe(new FileSystemException("/ws/corpora/x.unfinished", null, "No space left on device"));
        assertThat(full).isEqualTo(new ApiError(507, "Insufficient Storage", "Cannot write /ws/corpora/x.unfinished (the disk is full). "
                + "Free some space or make the workspace writable (playground.home), then try again.", java.util.List.of()));
        ApiError readOnly = WriteFailureHandler.describe(new AccessDeniedException("/ws/runs/r1/checkpoints"));
        assertThat(readOnly.status()).isEqualTo(507);
        assertThat(readOnly.message()).startsWith("Cannot write /ws/runs/r1/checkpoints (the workspace cannot be written).");
        ApiError other = WriteFailureHandler.describe(new IOException("stream closed"));
        assertThat(other.status()).isEqualTo(500);
        assertThat(other.message()).isEqualTo("The server could not read or write a file; the log has the details.");
    }
}
