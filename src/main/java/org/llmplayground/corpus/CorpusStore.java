package org.llmplayground.corpus;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Resources;
import org.llmplayground.core.Workspace;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The corpora the labs can read: bundled ones (shipped in the jar from {@code data/}, with their provenance) and the
 * user's uploads (in {@code <workspace>/corpora}, listed in H2). Uploads are size-limited, must be UTF-8 text, and
 * are stored under a generated name, so a file name can never choose where it lands.
 */
@Singleton
public class CorpusStore {
    public static final String SHAKESPEARE = "tinyshakespeare";
    public static final String WIKITEXT = "wikitext-2-valid";

    private static final List<Bundled> BUNDLED = List.of(
            new Bundled(SHAKESPEARE, "Tiny Shakespeare (1.1 MB)", "bundled/data/tinyshakespeare/input.txt",
                    "bundled/data/tinyshakespeare/PROVENANCE.txt"),
            new Bundled(WIKITEXT, "WikiText-2, validation split (1.1 MB, tokenized, <unk> for rare words)",
                    "bundled/data/wikitext-2/valid.txt", "bundled/data/wikitext-2/PROVENANCE.txt"));

    private final CorpusRepository repository;
    private final Path dir;
    private final long maxUploadBytes;
    private final List<CorpusInfo> bundledInfos = new ArrayList<>();

    public CorpusStore(CorpusRepository repository, Workspace workspace,
                       @Value("${playground.upload.max-bytes:20971520}") long maxUploadBytes) {
        this.repository = repository;
        this.dir = workspace.dir("corpora");
        this.maxUploadBytes = maxUploadBytes;
        for (Bundled b : BUNDLED) {
            bundledInfos.add(new CorpusInfo(b.id, b.name, true, Resources.bytes(b.resource).length, Resources.text(b.provenance)));
        }
    }

    public long maxUploadBytes() {
        return maxUploadBytes;
    }

    public List<CorpusInfo> list() {
        List<CorpusInfo> all = new ArrayList<>(bundledInfos);
        for (CorpusRecord r : repository.findAllOrderByCreatedAtDesc()) {
            all.add(new CorpusInfo(r.id(), r.name(), false, r.sizeBytes(), "Uploaded " + r.createdAt()));
        }
        return all;
    }

    public CorpusInfo info(String id) {
        return list().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow(() -> unknown(id));
    }

    private BadInputException unknown(String id) {
        return new BadInputException("Unknown corpus '" + id + "'. Known: " + String.join(", ", list().stream().map(CorpusInfo::id).toList()));
    }

    /** The whole text of a corpus. */
    public String read(String id) {
        for (Bundled b : BUNDLED) {
            if (b.id.equals(id)) {
                return Resources.text(b.resource);
            }
        }
        CorpusRecord r = repository.findById(id).orElseThrow(() -> unknown(id));
        try {
            return Files.readString(Workspace.resolveInside(dir, r.id() + ".txt"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read corpus " + id + ": " + e.getMessage(), e);
        }
    }

    /** The corpus as a stream of UTF-8 bytes, for readers that must not hold a large corpus in memory. */
    public InputStream open(String id) {
        for (Bundled b : BUNDLED) {
            if (b.id.equals(id)) {
                return new java.io.ByteArrayInputStream(Resources.bytes(b.resource));
            }
        }
        CorpusRecord r = repository.findById(id).orElseThrow(() -> unknown(id));
        try {
            return Files.newInputStream(Workspace.resolveInside(dir, r.id() + ".txt"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read corpus " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * A file for the app to write a new corpus into (the cleaning pipeline's output); {@link #adopt} then lists it.
     * Lives in the corpora folder, so the final rename is atomic.
     */
    public Path newFile() {
        try {
            return Files.createTempFile(dir, "new-", Workspace.UNFINISHED);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a corpus file: " + e.getMessage(), e);
        }
    }

    /**
     * Makes a file written by the app (see {@link #newFile}) a corpus named {@code name}: moved into place atomically
     * and listed. No upload limit applies: the app wrote it, as UTF-8.
     */
    public CorpusInfo adopt(String name, Path file) {
        String id = "data-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            long size = Files.size(file);
            Files.move(file, Workspace.resolveInside(dir, id + ".txt"), StandardCopyOption.ATOMIC_MOVE);
            repository.save(new CorpusRecord(id, displayName(name), size, Instant.now()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot store the corpus: " + e.getMessage(), e);
        }
        return info(id);
    }

    /**
     * Stores an uploaded text file: at most {@link #maxUploadBytes()} bytes, non-empty UTF-8 text. On any refusal
     * nothing is written.
     */
    public CorpusInfo upload(String fileName, InputStream in) {
        String name = displayName(fileName);
        byte[] bytes = readLimited(in, name);
        String what = "The file '" + name + "'";
        Utf8Text.decode(bytes, what); // validates, or throws with the reason
        String id = "upload-" + UUID.randomUUID().toString().substring(0, 8);
        Path target = Workspace.resolveInside(dir, id + ".txt");
        try {
            Path tmp = Files.createTempFile(dir, id, Workspace.UNFINISHED);
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot store the upload: " + e.getMessage(), e);
        }
        repository.save(new CorpusRecord(id, name, bytes.length, Instant.now()));
        return info(id);
    }

    private byte[] readLimited(InputStream in, String name) {
        try (in) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxUploadBytes + 1));
            if (bytes.length > maxUploadBytes) {
                throw BadInputException.tooLarge(String.format("The file '%s' is larger than the upload limit of %s.",
                        name, humanBytes(maxUploadBytes)));
            }
            return bytes;
        } catch (IOException e) {
            throw new BadInputException("The upload of '" + name + "' failed: " + e.getMessage(), e);
        }
    }

    /** A file name for display only: no folders, no control characters, at most 200 characters. */
    public static String displayName(String fileName) {
        String base = fileName == null ? "upload" : fileName.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1).replaceAll("\\p{Cntrl}", "").strip();
        if (base.isEmpty()) {
            base = "upload";
        }
        return base.length() > 200 ? base.substring(0, 200) : base;
    }

    public static String humanBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GB", bytes / (1024.0 * 1024 * 1024));
    }

    private record Bundled(String id, String name, String resource, String provenance) {
    }
}
