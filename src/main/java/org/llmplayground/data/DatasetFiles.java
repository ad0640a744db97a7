package org.llmplayground.data;

import org.llmplayground.core.CsvRecords;
import org.llmplayground.corpus.CorpusStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Workspace;
import org.llmplayground.data.clean.Document;
import org.llmplayground.data.source.CountingInputStream;

import org.llmplayground.data.source.DocumentReader;
import org.llmplayground.data.source.ParquetDocuments;
import org.llmplayground.data.source.WebFetcher;
import org.llmplayground.data.source.WetReader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The files a dataset can be read from, all inside {@code <workspace>/datasets}: uploads ({@code uploads/}), Hub
 * downloads ({@code hub/<dataset>/<revision>/…}) and anything the user copies there. A path from a request is
 * always resolved inside that folder, so "../" can never reach elsewhere. Reading streams: documents go to a sink
 * one at a time with the share of the file read so far, so a file of any size passes in bounded memory.
 */
@Singleton
public class DatasetFiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final CorpusStore corpora;
    private final long maxUploadBytes;
    private final long maxDecompressedBytes;

    /** The formats, by file name: .txt/.md, .jsonl/.json, .csv, .parquet, .wet (Common Crawl), each optionally .gz. */
    @Serdeable
    public enum Format { TXT, JSONL, CSV, PARQUET, WET }

    @Serdeable
    public record FileInfo(String path, long sizeBytes, Format format, boolean gzip) {
    }

    /** What a source holds: its fields (JSON keys, CSV or parquet columns), the field to use, and a few documents. */
    @Serdeable
    public record Preview(DataSource source, String format, long sizeBytes, List<String> fields, @Nullable String suggestedField,
                          List<String> sample) {
    }

    /** Documents read, and lines or rows skipped with the first few reasons. */
    @Serdeable
    public record ReadStats(long documents, long skipped, List<String> problems) {
    }

    /** {@code allowPrivate}: web pages may come from loopback and private addresses (off: see PublicAddresses). */
    public DatasetFiles(Workspace workspace, CorpusStore corpora, long maxUploadBytes, long maxDecompressedBytes,
                        boolean allowPrivate) {
        this(workspace, corpora, maxUploadBytes, maxDecompressedBytes, allowPrivate, 2);
    }

    /** {@code maxConcurrentUploads}: uploads streamed at once; one more is refused with 429 instead of slowing all. */
    @jakarta.inject.Inject
    public DatasetFiles(Workspace workspace, CorpusStore corpora,
                        @Value("${playground.data.max-upload-bytes:2147483648}") long maxUploadBytes,
                        @Value("${playground.data.max-decompressed-bytes:8589934592}") long maxDecompressedBytes,
                        @Value("${playground.fetch.allow-private:false}") boolean allowPrivate,
                        @Value("${playground.data.max-concurrent-uploads:2}") int maxConcurrentUploads) {
        if (maxConcurrentUploads < 1) {
            throw new IllegalArgumentException("playground.data.max-concurrent-uploads must be at least 1, not " + maxConcurrentUploads);
        }
        this.uploadSlots = new java.util.concurrent.Semaphore(maxConcurrentUploads, true);
        this.maxConcurrentUploads = maxConcurrentUploads;
        this.allowPrivate = allowPrivate;
        this.dir = workspace.dir("datasets");
        this.corpora = corpora;
        this.maxUploadBytes = maxUploadBytes;
        this.maxDecompressedBytes = maxDecompressedBytes;
    }

    private final boolean allowPrivate;
    private final java.util.concurrent.Semaphore uploadSlots;
    private final int maxConcurrentUploads;

    public Path dir() {
        return dir;
    }

    public long maxUploadBytes() {
        return maxUploadBytes;
    }

    /** A path inside the datasets folder; anything else is refused. */
    public Path resolve(String path) {
        if (path == null || path.isBlank()) {
            throw new BadInputException("Choose a file.");
        }
        Path p = Workspace.resolveInside(dir, path);
        if (!Files.isRegularFile(p)) {
            throw new BadInputException("There is no file '" + path + "' in the datasets folder.");
        }
        return p;
    }

    public static Format formatOf(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT).replaceFirst("\\.gz$", "");
        if (n.endsWith(".parquet")) {
            return Format.PARQUET;
        }
        if (n.endsWith(".wet") || n.endsWith(".warc")) {
            return Format.WET;
        }
        try {
            return Format.valueOf(DocumentReader.formatOf(fileName).name());
        } catch (BadInputException e) {
            throw new BadInputException("Unsupported file type '" + fileName + "': use .txt, .jsonl, .csv, .parquet or .wet (each optionally .gz).");
        }
    }

    /** Whether a file name has a type the pipeline reads. */
    public static boolean supported(String fileName) {
        try {
            formatOf(fileName);
            return true;
        } catch (BadInputException e) {
            return false;
        }
    }

    /** Every readable file in the datasets folder, newest first. */
    public List<FileInfo> list() {
        try (Stream<Path> files = Files.walk(dir, 8)) {
            return files.filter(Files::isRegularFile).filter(p -> supported(p.getFileName().toString()))
                    .sorted((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified()) * -1)
                    .map(this::info).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private FileInfo info(Path p) {
        String name = p.getFileName().toString();
        return new FileInfo(dir.relativize(p).toString().replace('\\', '/'), p.toFile().length(), formatOf(name), name.toLowerCase(Locale.ROOT).endsWith(".gz"));
    }

    /**
     * Stores an upload as {@code uploads/<name>}, streamed to disk: refused (and nothing kept) beyond
     * {@link #maxUploadBytes()} or when the type is not supported. An existing name gets a "-1", "-2" … suffix.
     */
    public FileInfo save(String fileName, InputStream in) {
        String name = CorpusStore.displayName(fileName);
        formatOf(name); // the type is checked before a byte is written
        if (!uploadSlots.tryAcquire()) {
            closeQuietly(in);
            throw new org.llmplayground.core.Admission.Overloaded(String.format("%d upload%s already running "
                    + "(playground.data.max-concurrent-uploads); '%s' was not stored. Try again when one has finished.",
                    maxConcurrentUploads, maxConcurrentUploads == 1 ? " is" : "s are", name), 10);
        }
        try {
            return store(name, in);
        } finally {
            uploadSlots.release();
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the refusal is what the caller needs to hear
        }
    }

    private FileInfo store(String name, InputStream in) {
        return info(org.llmplayground.core.Uploads.store(dir.resolve("uploads"), name, in, maxUploadBytes, String.format(
                "The file '%s' is larger than the upload limit of %s (playground.data.max-upload-bytes).", name, CorpusStore.humanBytes(maxUploadBytes))));
    }

    /** Deletes a file of the datasets folder. */
    public void delete(String path) {
        try {
            Files.delete(resolve(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads every document of a source into {@code sink}, reporting the share read so far (of the file's bytes, or
     * of the URLs). Bad lines are skipped and counted; a wrong field, an empty or binary file stop with a message.
     */
    public ReadStats read(DataSource s, Consumer<Document> sink, DoubleConsumer progress) {
        if (s == null || s.kind() == null) {
            throw new BadInputException("Choose a source: a corpus, a file or web pages.");
        }
        return switch (s.kind()) {
            case CORPUS -> {
                long size = Math.max(1, corpora.info(s.id()).bytes());
                try (InputStream in = progress(corpora.open(s.id()), n -> progress.accept((double) n / size))) {
                    DocumentReader.Stats st = DocumentReader.read(in, s.id(), DocumentReader.Format.TXT, null, false, 0, sink);
                    yield new ReadStats(st.documents(), st.skipped(), st.problems());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            case FILE -> readFile(s, sink, progress);
            case WEB -> readWeb(s, sink, progress, allowPrivate);
        };
    }

    /** Reports the share of {@code size} bytes read, once per MiB. */
    private static InputStream progress(InputStream in, java.util.function.LongConsumer onBytes) {
        long[] reported = {0};
        return new CountingInputStream(in, n -> {
            if (n - reported[0] >= 1 << 20) {
                reported[0] = n;
                onBytes.accept(n);
            }
        });
    }

    private ReadStats readFile(DataSource s, Consumer<Document> sink, DoubleConsumer progress) {
        Path file = resolve(s.id());
        String name = file.getFileName().toString();
        Format format = formatOf(name);
        boolean gzip = name.toLowerCase(Locale.ROOT).endsWith(".gz");
        long size = Math.max(1, file.toFile().length());
        if (format == Format.PARQUET) {
            return readParquet(file, gzip, field(s, format), sink);
        }
        try (InputStream in = progress(Files.newInputStream(file), n -> progress.accept((double) n / size))) {
            if (format == Format.WET) {
                InputStream raw = gzip ? new GZIPInputStream(in, 1 << 16) : in;
                long n = WetReader.read(raw, name, 64L << 20, sink);
                return new ReadStats(n, 0, List.of());
            }
            DocumentReader.Stats st = DocumentReader.read(in, name, DocumentReader.Format.valueOf(format.name()), field(s, format), gzip,
                    maxDecompressedBytes, sink);
            return new ReadStats(st.documents(), st.skipped(), st.problems());
        } catch (IOException e) {
            throw new BadInputException(name + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static String field(DataSource s, Format format) {
        if ((format == Format.JSONL || format == Format.CSV || format == Format.PARQUET) && (s.field() == null || s.field().isBlank())) {
            throw new BadInputException("Choose the " + (format == Format.JSONL ? "JSON field" : "column") + " that holds the text.");
        }
        return s.field();
    }

    /** Parquet needs random access: a gzipped one is first expanded into a temporary file (capped like any .gz). */
    private ReadStats readParquet(Path file, boolean gzip, String column, Consumer<Document> sink) {
        Path source = file;
        try {
            if (gzip) {
                source = Files.createTempFile(dir, ".expand", ".parquet");
                try (InputStream in = CountingInputStream.capped(new GZIPInputStream(Files.newInputStream(file), 1 << 16), maxDecompressedBytes,
                        file.getFileName().toString()); OutputStream out = Files.newOutputStream(source)) {
                    in.transferTo(out);
                }
            }
            long[] firstTooLong = {0};
            long[] r = ParquetDocuments.read(source, column, DocumentReader.MAX_DOCUMENT_CHARS, firstTooLong, sink);
            List<String> problems = new java.util.ArrayList<>();
            if (r[1] > 0) {
                problems.add(r[1] + " rows without a value in '" + column + "'");
            }
            if (r[2] > 0) {
                problems.add(String.format("%,d rows longer than %,d characters (the first: row %,d)", r[2],
                        DocumentReader.MAX_DOCUMENT_CHARS, firstTooLong[0]));
            }
            return new ReadStats(r[0], r[1] + r[2], problems);
        } catch (IOException e) {
            throw new BadInputException(file.getFileName() + " cannot be read: " + e.getMessage(), e);
        } finally {
            if (gzip) {
                try {
                    Files.deleteIfExists(source);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    private static ReadStats readWeb(DataSource s, Consumer<Document> sink, DoubleConsumer progress, boolean allowPrivate) {
        List<String> urls = s.urls() == null ? List.of() : s.urls().stream().map(String::strip).filter(u -> !u.isEmpty()).toList();
        if (urls.isEmpty()) {
            throw new BadInputException("List at least one URL, one per line.");
        }
        WebFetcher fetcher = new WebFetcher(Duration.ofSeconds(10), 5L << 20, Duration.ofSeconds(1), allowPrivate);
        List<String> problems = new ArrayList<>();
        long ok = 0;
        for (int i = 0; i < urls.size(); i++) {
            for (WebFetcher.Result r : fetcher.fetch(List.of(urls.get(i)), sink)) {
                if (r.fetched()) {
                    ok++;
                } else {
                    problems.add(r.url() + ": " + r.reason());
                }
            }
            progress.accept((i + 1.0) / urls.size());
        }
        return new ReadStats(ok, problems.size(), problems);
    }

    /** The fields of a source and its first three documents, read without reading the whole file. */
    public Preview preview(DataSource s) {
        List<String> fields = List.of();
        String format = s.kind() == DataSource.Kind.CORPUS ? "TXT" : s.kind().name();
        long size = 0;
        DataSource source = s;
        if (s.kind() == DataSource.Kind.CORPUS) {
            size = corpora.info(s.id()).bytes();
        } else if (s.kind() == DataSource.Kind.FILE) {
            Path file = resolve(s.id());
            Format f = formatOf(file.getFileName().toString());
            format = f.name();
            size = file.toFile().length();
            fields = fields(file, f);
            if (f == Format.JSONL || f == Format.CSV || f == Format.PARQUET) {
                String chosen = s.field() != null && fields.contains(s.field()) ? s.field()
                        : fields.contains("text") ? "text" : fields.isEmpty() ? null : longestField(file, f, fields);
                source = DataSource.file(s.id(), chosen);
            }
        } else {
            return new Preview(s, format, 0, List.of(), null, List.of());
        }
        List<String> sample = new ArrayList<>();
        try {
            read(source, d -> {
                sample.add(d.text().length() > 400 ? d.text().substring(0, 400) + "…" : d.text());
                if (sample.size() == 3) {
                    throw new Enough();
                }
            }, f -> {
            });
        } catch (Enough e) {
            // three documents are all a preview needs
        }
        return new Preview(s, format, size, fields, source.field(), sample);
    }

    private static final class Enough extends RuntimeException {
        Enough() {
            super(null, null, false, false);
        }
    }

    /** For JSONL, the field whose value in the first object is the longest string (most likely the text); else the first. */
    private String longestField(Path file, Format f, List<String> fields) {
        JsonNode first = f == Format.JSONL ? firstObject(file) : null;
        String best = fields.get(0);
        int length = -1;
        for (String name : first == null ? List.<String>of() : fields) {
            JsonNode v = first.get(name);
            if (v != null && v.isTextual() && v.asText().length() > length) {
                length = v.asText().length();
                best = name;
            }
        }
        return best;
    }

    /** JSON keys of the first object, the CSV header, or parquet columns; empty for plain text. */
    private List<String> fields(Path file, Format f) {
        switch (f) {
            case PARQUET:
                return file.toString().endsWith(".gz") ? List.of() : ParquetDocuments.columns(file);
            case JSONL:
                JsonNode first = firstObject(file);
                List<String> keys = new ArrayList<>();
                if (first != null) {
                    first.fieldNames().forEachRemaining(keys::add);
                }
                return keys;
            case CSV:
                try (BufferedReader r = reader(file)) {
                    List<String> header = new CsvRecords(r).next();
                    return header == null ? List.of() : header;
                } catch (IOException e) {
                    throw new BadInputException(file.getFileName() + " cannot be read: " + e.getMessage(), e);
                }
            default:
                return List.of();
        }
    }

    /** The first line of a JSONL file that is a JSON object (lines that are not are skipped), or null. */
    private static JsonNode firstObject(Path file) {
        try (BufferedReader r = reader(file)) {
            for (String line; (line = r.readLine()) != null; ) {
                try {
                    JsonNode n = JSON.readTree(line);
                    if (n != null && n.isObject()) {
                        return n;
                    }
                } catch (IOException e) {
                    // not JSON: the next line
                }
            }
            return null;
        } catch (IOException e) {
            throw new BadInputException(file.getFileName() + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static BufferedReader reader(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        InputStream in = file.toString().toLowerCase(Locale.ROOT).endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
}
