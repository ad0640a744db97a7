package org.llmplayground.core;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The folder where the app keeps everything it writes ({@code playground.home}, default {@code ./workspace}): the H2
 * database, uploads, trained tokenizers, later checkpoints and caches. Paths that come from users are resolved with
 * {@link #resolveInside}, which refuses anything that would land outside the folder it is given.
 */
@Singleton
public final class Workspace {
    private final Path home;

    public Workspace(@Value("${playground.home:./workspace}") String home) {
        this.home = Path.of(home).toAbsolutePath().normalize();
        createDirectories(this.home);
    }

    public Path home() {
        return home;
    }

    /** A top-level folder of the workspace, created on first use, e.g. {@code dir("tokenizers")}. */
    public Path dir(String name) {
        return createDirectories(resolveInside(home, name));
    }

    /**
     * Resolves {@code relative} under {@code base} and proves the result stays inside it:
     * {@code resolveInside(uploads, "../../etc/passwd")} throws instead of escaping.
     */
    public static Path resolveInside(Path base, String relative) {
        Path normalizedBase = base.toAbsolutePath().normalize();
        Path resolved = normalizedBase.resolve(relative).normalize();
        if (!resolved.startsWith(normalizedBase) || resolved.equals(normalizedBase)) {
            throw new BadInputException("The path '" + relative + "' is not allowed: it must name something inside the workspace.");
        }
        return resolved;
    }

    private static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the workspace folder " + dir + ": " + e.getMessage(), e);
        }
    }
}
