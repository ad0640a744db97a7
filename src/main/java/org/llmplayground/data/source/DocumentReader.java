package org.llmplayground.data.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.llmplayground.core.BadInputException;
import org.llmplayground.data.clean.Document;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Reads documents from a stream, one at a time, so files of any size pass through in bounded memory:
 * <ul>
 *   <li>{@code txt}: one document per paragraph (blank lines separate them);</li>
 *   <li>{@code jsonl}: one JSON object per line, the text in a chosen field; a line that is not JSON, or lacks the
 *       field, is skipped and counted (with its line number), not fatal;</li>
 *   <li>{@code csv}: a header row, the text in a chosen column; quoted fields may contain commas, quotes ("") and
 *       newlines (RFC 4180);</li>
 *   <li>any of them gzipped ({@code .gz}), with a cap on the decompressed size against zip bombs.</li>
 * </ul>
 * Input must be UTF-8: the first invalid byte stops the read with a message naming the line.
 */
public final class DocumentReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The formats, named by their file extension. */
    public enum Format { TXT, JSONL, CSV }

    /** What was read: documents handed on, and what was skipped and why (the first few reasons with line numbers). */
    public static final class Stats {
        private long documents;
        private long skipped;
        private final List<String> problems = new ArrayList<>();

        public long documents() {
            return documents;
        }

        public long skipped() {
            return skipped;
        }

        public List<String> problems() {
            return List.copyOf(problems);
        }

        void skip(String why) {
            skipped++;
            if (problems.size() < 10) {
                problems.add(why);
            }
        }
    }

    private DocumentReader() {
    }

    /** The format of a file name: .txt, .jsonl/.json, .csv, each optionally .gz. */
    public static Format formatOf(String fileName) {
        String n = fileName.toLowerCase(java.util.Locale.ROOT).replaceFirst("\\.gz$", "");
        if (n.endsWith(".jsonl") || n.endsWith(".json") || n.endsWith(".ndjson")) {
            return Format.JSONL;
        }
        if (n.endsWith(".csv")) {
            return Format.CSV;
        }
        if (n.endsWith(".txt") || n.endsWith(".text") || n.endsWith(".md")) {
            return Format.TXT;
        }
        throw new BadInputException("Unsupported file type '" + fileName + "': use .txt, .jsonl, .csv (optionally .gz).");
    }

    /**
     * Reads every document of {@code in} and gives it to {@code sink}.
     *
     * @param field            the JSON field or CSV column with the text (ignored for txt)
     * @param gzip             decompress first
     * @param maxDecompressed  the most bytes a gzip may expand to
     */
    public static Stats read(InputStream in, String name, Format format, String field, boolean gzip, long maxDecompressed,
                             Consumer<Document> sink) {
        Stats stats = new Stats();
        try (InputStream raw = sniffed(gzip ? CountingInputStream.capped(new GZIPInputStream(in, 1 << 16), maxDecompressed, name) : in, name);
             BufferedReader reader = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8.newDecoder()
                     .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16)) {
            switch (format) {
                case TXT -> paragraphs(reader, name, stats, sink);
                case JSONL -> jsonl(reader, name, field, stats, sink);
                case CSV -> csv(reader, name, field, stats, sink);
                default -> throw new IllegalStateException();
            }
        } catch (CharacterCodingException e) {
            throw new BadInputException(name + " is not UTF-8 text (an invalid byte after " + stats.documents + " documents). "
                    + "Convert it to UTF-8 first.");
        } catch (java.util.zip.ZipException e) {
            throw new BadInputException(name + " is not a valid gzip file: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return stats;
    }

    /**
     * The stream, after a look at its first 8 KB: an empty file, or one with NUL bytes (an image, an archive, a
     * UTF-16 text), is refused before any work starts.
     */
    private static InputStream sniffed(InputStream in, String name) throws IOException {
        java.io.BufferedInputStream b = new java.io.BufferedInputStream(in, 1 << 16);
        b.mark(8192);
        byte[] head = b.readNBytes(8192);
        b.reset();
        if (head.length == 0) {
            throw new BadInputException(name + " is empty: there is nothing to read.");
        }
        for (int i = 0; i < head.length; i++) {
            if (head[i] == 0) {
                throw new BadInputException(name + " looks like a binary file (it contains NUL bytes, first at offset " + i
                        + "); only UTF-8 text can be used.");
            }
        }
        return b;
    }

    private static void paragraphs(BufferedReader r, String name, Stats stats, Consumer<Document> sink) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String line; (line = r.readLine()) != null; ) {
            if (line.isBlank()) {
                emit(b, name, stats, sink);
            } else {
                b.append(line).append('\n');
            }
        }
        emit(b, name, stats, sink);
    }

    private static void emit(StringBuilder b, String name, Stats stats, Consumer<Document> sink) {
        if (!b.isEmpty()) {
            sink.accept(new Document(name + "#" + stats.documents, b.toString().strip()));
            stats.documents++;
            b.setLength(0);
        }
    }

    private static void jsonl(BufferedReader r, String name, String field, Stats stats, Consumer<Document> sink) throws IOException {
        long lineNo = 0;
        for (String line; (line = r.readLine()) != null; ) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                stats.skip("line " + lineNo + ": not JSON");
                continue;
            }
            JsonNode text = node == null ? null : node.get(field);
            if (text == null || !text.isTextual()) {
                stats.skip("line " + lineNo + ": no text field '" + field + "'");
                continue;
            }
            sink.accept(new Document(name + ":" + lineNo, text.asText()));
            stats.documents++;
        }
    }

    private static void csv(BufferedReader r, String name, String column, Stats stats, Consumer<Document> sink) throws IOException {
        CsvRecords records = new CsvRecords(r);
        List<String> header = records.next();
        if (header == null) {
            throw new BadInputException(name + " is empty: a CSV needs a header row.");
        }
        int index = header.indexOf(column);
        if (index < 0) {
            throw new BadInputException(name + " has no column '" + column + "'. Its columns: " + String.join(", ", header) + ".");
        }
        for (List<String> row; (row = records.next()) != null; ) {
            if (row.size() <= index) {
                stats.skip("record " + records.recordNumber() + ": only " + row.size() + " fields");
                continue;
            }
            sink.accept(new Document(name + ":" + records.recordNumber(), row.get(index)));
            stats.documents++;
        }
    }
}
