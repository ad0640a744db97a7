package org.llmplayground.data.source;

import org.llmplayground.core.BadInputException;
import org.llmplayground.data.clean.Document;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Common Crawl WET files: the plain text Common Crawl extracts from every page it crawls, as WARC records. Each record
 * is a header block ("WARC/1.0", then "Name: value" lines, ended by a blank line) followed by exactly
 * Content-Length bytes of body. The "conversion" records hold a page's text, with its URL in WARC-Target-URI; the
 * "warcinfo" record at the start describes the file and is skipped. Read record by record, so a 400 MB WET file
 * streams through. (Multi-member .wet.gz files, as Common Crawl ships them, are read by a GZIPInputStream.)
 */
public final class WetReader {
    private WetReader() {
    }

    /** Gives every conversion record's text to {@code sink}, with the page URL as the document id; returns how many. */
    public static long read(InputStream raw, String name, long maxRecordBytes, Consumer<Document> sink) {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        long count = 0;
        try {
            for (Map<String, String> headers; (headers = headers(in, name)) != null; ) {
                String lengthText = headers.get("content-length");
                if (lengthText == null) {
                    throw new BadInputException(name + ": a WARC record without Content-Length (after " + count + " records).");
                }
                long length = Long.parseLong(lengthText.trim());
                if (length > maxRecordBytes) {
                    throw new BadInputException(name + ": a record of " + length + " bytes exceeds the limit of " + maxRecordBytes + ".");
                }
                byte[] body = in.readNBytes((int) length);
                if (body.length < length) {
                    throw new BadInputException(name + " ends inside a record (truncated download?) after " + count + " records.");
                }
                if ("conversion".equalsIgnoreCase(headers.getOrDefault("warc-type", ""))) {
                    String url = headers.getOrDefault("warc-target-uri", name + "#" + count);
                    sink.accept(new Document(url, new String(body, StandardCharsets.UTF_8).strip()));
                    count++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return count;
    }

    /** The next record's headers (names lower-cased), or null at the end of the file. */
    private static Map<String, String> headers(BufferedInputStream in, String name) throws IOException {
        String line;
        do {
            line = line(in);
            if (line == null) {
                return null;
            }
        } while (line.isEmpty()); // blank lines between records
        if (!line.startsWith("WARC/")) {
            throw new BadInputException(name + " is not a WARC/WET file: a record starts with '" + abbreviate(line) + "'.");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h; (h = line(in)) != null && !h.isEmpty(); ) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
        }
        return headers;
    }

    /** One header line without its CRLF, or null at the end. */
    private static String line(BufferedInputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
            if (b.size() > 64 * 1024) {
                throw new BadInputException("A WARC header line is longer than 64 KB: this is not a WET file.");
            }
        }
        if (c < 0 && b.size() == 0) {
            return null;
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
