package org.llmplayground.data.source;

import org.junit.jupiter.api.Test;
import org.llmplayground.core.BadInputException;
import org.llmplayground.data.clean.Document;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** WET records in Common Crawl's layout (warcinfo first, then one conversion record per page). */
public class WetReaderTest {
    static String record(String type, String uri, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return "WARC/1.0\r\nWARC-Type: " + type + "\r\n" + (uri == null ? "" : "WARC-Target-URI: " + uri + "\r\n")
                + "WARC-Date: 2024-03-01T12:00:00Z\r\nContent-Type: text/plain\r\nContent-Length: " + b.length + "\r\n\r\n" + body + "\r\n\r\n";
    }

    public static final String WET = record("warcinfo", null, "isPartOf: CC-MAIN-2024-10\r\noperator: Common Crawl Admin")
            + record("conversion", "https://example.com/a", "First page.\nWith two lines and ünïcode.")
            + record("conversion", "https://example.org/b", "Second page.");

    static List<Document> read(byte[] bytes) {
        List<Document> out = new ArrayList<>();
        WetReader.read(new ByteArrayInputStream(bytes), "test.wet", 1 << 20, out::add);
        return out;
    }

    @Test
    void conversionRecordsBecomeDocumentsWithTheirUrls() throws IOException {
        List<Document> docs = read(WET.getBytes(StandardCharsets.UTF_8));
        assertThat(docs).extracting(Document::id).containsExactly("https://example.com/a", "https://example.org/b");
        assertThat(docs.get(0).text()).isEqualTo("First page.\nWith two lines and ünïcode.");
        // gzipped, as Common Crawl ships them
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
            g.write(WET.getBytes(StandardCharsets.UTF_8));
        }
        List<Document> fromGz = new ArrayList<>();
        WetReader.read(new GZIPInputStream(new ByteArrayInputStream(gz.toByteArray())), "t.wet.gz", 1 << 20, fromGz::add);
        assertThat(fromGz).isEqualTo(docs);
    }

    @Test
    void brokenFilesSayWhy() {
        assertThatThrownBy(() -> read("<html>not a warc</html>".getBytes(StandardCharsets.UTF_8))).isInstanceOf(BadInputException.class)
                .hasMessage("test.wet is not a WARC/WET file: a record starts with '<html>not a warc</html>'.");
        byte[] whole = WET.getBytes(StandardCharsets.UTF_8);
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 20);
        assertThatThrownBy(() -> read(cut)).hasMessage("test.wet ends inside a record (truncated download?) after 1 records.");
        assertThatThrownBy(() -> read("WARC/1.0\r\nWARC-Type: conversion\r\n\r\nx".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("test.wet: a WARC record without Content-Length (after 0 records).");
    }
}
