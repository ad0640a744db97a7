package org.llmplayground.core;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    /**
     * The suffix of every file the app is still writing (written whole, then moved to its name). A crash leaves such
     * files behind; startup removes them. (Hub downloads use ".part" instead: those are resumed, not removed.)
     */
    public static final String UNFINISHED = ".unfinished";
    /** Below this much free space the app does not start: a run's first checkpoint or a cleaned corpus would fail. */
    static final long MIN_FREE_BYTES = 200L << 20;
    private static final Logger LOG = LoggerFactory.getLogger(Workspace.class);
    private final Path home;
    private final String cleaned;

    public Workspace(@Value("${playground.home:./workspace}") String home) {
        this.home = Path.of(home).toAbsolutePath().normalize();
        check(this.home, MIN_FREE_BYTES);
        this.cleaned = removeUnfinished(this.home);
    }

    /**
     * Refuses a workspace the app cannot work in, with one line that says what to do: not a folder, not writable
     * (a read-only mount), or under {@code minFree} bytes free.
     */
    static void check(Path home, long minFree) {
        try {
            Files.createDirectories(home);
            Path probe = Files.createTempFile(home, ".write-check-", UNFINISHED);
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new Unusable("The workspace " + home + " cannot be written (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "). Make it writable, or point playground.home (env PLAYGROUND_HOME) at a folder that is.");
        }
        try {
            long free = Files.getFileStore(home).getUsableSpace();
            if (free < minFree) {
                throw new Unusable(String.format("The workspace %s has %,d MB free; the app needs at least %,d MB. Free some space, or "
                        + "point playground.home (env PLAYGROUND_HOME) at a disk that has it.", home, free >> 20, minFree >> 20));
            }
        } catch (IOException e) {
            LOG.warn("Cannot tell the free space of {}: {}", home, e.getMessage());
        }
    }

    /** Deletes the half-written files a crash left ({@link #UNFINISHED}); returns what was removed, "" when nothing. */
    static String removeUnfinished(Path home) {
        long[] countAndBytes = new long[2];
        try (java.util.stream.Stream<Path> files = Files.walk(home)) {
            files.filter(p -> p.getFileName().toString().endsWith(UNFINISHED) && Files.isRegularFile(p)).forEach(p -> {
                try {
                    long size = Files.size(p);
                    Files.delete(p);
                    countAndBytes[0]++;
                    countAndBytes[1] += size;
                    LOG.info("Removed a half-written file left by an interrupted job: {} ({} bytes)", home.relativize(p), size);
                } catch (IOException e) {
                    LOG.warn("Cannot remove the half-written file {}: {}", p, e.getMessage());
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Cannot look for half-written files in {}: {}", home, e.getMessage());
        }
        return countAndBytes[0] == 0 ? "" : String.format("removed %d half-written file%s (%,.1f MB) at startup", countAndBytes[0],
                countAndBytes[0] == 1 ? "" : "s", countAndBytes[1] / 1048576.0);
    }

    /** What startup cleaned, e.g. "removed 1 half-written file (12.0 MB) at startup"; "" when nothing was left behind. */
    public String cleanedAtStartup() {
        return cleaned;
    }

    /** The workspace cannot be used; the message is one line that says what to do. */
    public static final class Unusable extends RuntimeException {
        public Unusable(String message) {
            super(message);
        }
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

    /** The bytes of every file under {@code p} (a file: its size; absent or unreadable: 0): what deleting it frees. */
    public static long bytesUnder(Path p) {
        if (!Files.exists(p)) {
            return 0;
        }
        try (java.util.stream.Stream<Path> all = Files.walk(p)) {
            return all.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    private static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the workspace folder " + dir + ": " + e.getMessage(), e);
        }
    }
}
