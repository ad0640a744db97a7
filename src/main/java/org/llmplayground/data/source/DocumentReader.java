package org.llmplayground.data.source;

import org.llmplayground.core.CsvRecords;
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
        return read(in, name, format, field, gzip, maxDecompressed, MAX_DOCUMENT_CHARS, sink);
    }

    /**
     * The most characters one document (a paragraph of a .txt, a line of a .jsonl) may have: a longer one is skipped,
     * counted and named by its line, and never held whole in memory. A 3 MB .gz can hold one 3 GiB paragraph; the cap
     * is per document because the total cap alone let that one paragraph run a job out of memory.
     */
    public static final int MAX_DOCUMENT_CHARS = 16 << 20;

    static Stats read(InputStream in, String name, Format format, String field, boolean gzip, long maxDecompressed, int maxDocChars,
                      Consumer<Document> sink) {
        Stats stats = new Stats();
        try (InputStream raw = sniffed(gzip ? CountingInputStream.capped(new GZIPInputStream(in, 1 << 16), maxDecompressed, name) : in, name);
             BufferedReader reader = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8.newDecoder()
                     .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16)) {
            switch (format) {
                case TXT -> paragraphs(new Lines(reader, maxDocChars), name, maxDocChars, stats, sink);
                case JSONL -> jsonl(new Lines(reader, maxDocChars), name, field, maxDocChars, stats, sink);
                case CSV -> csv(new CsvRecords(reader, maxDocChars), name, field, maxDocChars, stats, sink);
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

    private static void paragraphs(Lines r, String name, int maxDocChars, Stats stats, Consumer<Document> sink) throws IOException {
        StringBuilder b = new StringBuilder();
        long tooLongFrom = -1; // the first line of a paragraph being skipped for its size
        for (String line; (line = r.next()) != null; ) {
            if (line.isBlank() && !r.cut()) {
                if (tooLongFrom >= 0) {
                    stats.skip(String.format("paragraph at line %,d: longer than %,d characters", tooLongFrom, maxDocChars));
                    tooLongFrom = -1;
                } else {
                    emit(b, name, stats, sink);
                }
            } else if (tooLongFrom < 0) {
                if (r.cut() || b.length() + line.length() + 1 > maxDocChars) {
                    tooLongFrom = r.lineNumber() - lineCount(b);
                    b.setLength(0);
                } else {
                    b.append(line).append('\n');
                }
            }
        }
        if (tooLongFrom >= 0) {
            stats.skip(String.format("paragraph at line %,d: longer than %,d characters", tooLongFrom, maxDocChars));
        }
        emit(b, name, stats, sink);
    }

    private static long lineCount(StringBuilder b) {
        return b.chars().filter(c -> c == '\n').count();
    }

    private static void emit(StringBuilder b, String name, Stats stats, Consumer<Document> sink) {
        if (!b.isEmpty()) {
            sink.accept(new Document(name + "#" + stats.documents, b.toString().strip()));
            stats.documents++;
            b.setLength(0);
        }
    }

    private static void jsonl(Lines r, String name, String field, int maxDocChars, Stats stats, Consumer<Document> sink) throws IOException {
        for (String line; (line = r.next()) != null; ) {
            long lineNo = r.lineNumber();
            if (r.cut()) {
                stats.skip(String.format("line %,d: longer than %,d characters", lineNo, maxDocChars));
                continue;
            }
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

    /**
     * Lines of at most {@code max} characters. A longer line is read to its end but only its first {@code max}
     * characters are kept ({@link #cut()} says so), so memory stays bounded whatever the file holds.
     */
    static final class Lines {
        private final java.io.Reader in;
        private final int max;
        private final char[] buf = new char[1 << 16];
        private int pos;
        private int len;
        private long lineNumber;
        private boolean cut;

        Lines(java.io.Reader in, int max) {
            this.in = in;
            this.max = max;
        }

        /** The next line without its end (\n or \r\n), null at the end of the input. */
        String next() throws IOException {
            StringBuilder b = new StringBuilder();
            cut = false;
            boolean any = false;
            while (true) {
                if (pos == len) {
                    len = in.read(buf, 0, buf.length);
                    pos = 0;
                    if (len <= 0) {
                        len = 0;
                        if (!any) {
                            return null;
                        }
                        break;
                    }
                }
                any = true;
                int start = pos;
                while (pos < len && buf[pos] != '\n') {
                    pos++;
                }
                int room = max - b.length();
                int n = pos - start;
                if (n > room) {
                    cut = true;
                }
                b.append(buf, start, Math.max(0, Math.min(n, room)));
                if (pos < len) { // found the end of the line
                    pos++;
                    break;
                }
            }
            lineNumber++;
            int end = b.length();
            if (end > 0 && b.charAt(end - 1) == '\r') {
                b.setLength(end - 1);
            }
            return b.toString();
        }

        boolean cut() {
            return cut;
        }

        long lineNumber() {
            return lineNumber;
        }
    }

    private static void csv(CsvRecords records, String name, String column, int maxDocChars, Stats stats,
                            Consumer<Document> sink) throws IOException {
        List<String> header = records.next();
        if (header == null) {
            throw new BadInputException(name + " is empty: a CSV needs a header row.");
        }
        if (records.cut()) {
            throw new BadInputException(String.format("%s's header row is longer than %,d characters: it is not a CSV header.", name, maxDocChars));
        }
        int index = header.indexOf(column);
        if (index < 0) {
            throw new BadInputException(name + " has no column '" + column + "'. Its columns: " + String.join(", ", header) + ".");
        }
        for (List<String> row; (row = records.next()) != null; ) {
            if (records.cut()) {
                stats.skip(String.format("record %,d: longer than %,d characters", records.recordNumber(), maxDocChars));
                continue;
            }
            if (row.size() <= index) {
                stats.skip("record " + records.recordNumber() + ": only " + row.size() + " fields");
                continue;
            }
            sink.accept(new Document(name + ":" + records.recordNumber(), row.get(index)));
            stats.documents++;
        }
    }
}
