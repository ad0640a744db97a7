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
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DocumentReaderTest {
    static final long MB = 1 << 20;

    static List<String> read(byte[] bytes, String name, String field, boolean gzip, DocumentReader.Stats[] stats) {
        List<String> out = new ArrayList<>();
        DocumentReader.Stats s = DocumentReader.read(new ByteArrayInputStream(bytes), name, DocumentReader.formatOf(name), field, gzip, 10 * MB,
                d -> out.add(d.text()));
        if (stats != null) {
            stats[0] = s;
        }
        return out;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write(data);
        }
        return b.toByteArray();
    }

    @Test
    void textFilesSplitIntoParagraphs() {
        assertThat(read(utf8("First para\nstill first.\n\n\n  \nSecond.\n"), "a.txt", null, false, null))
                .containsExactly("First para\nstill first.", "Second.");
    }

    @Test
    void emptyAndBinaryFilesAreRefusedBeforeAnyWork() {
        assertThatThrownBy(() -> read(new byte[0], "empty.txt", null, false, null)).isInstanceOf(BadInputException.class)
                .hasMessage("empty.txt is empty: there is nothing to read.");
        assertThatThrownBy(() -> read(new byte[]{(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13}, "cat.txt", null, false, null))
                .isInstanceOf(BadInputException.class)
                .hasMessage("cat.txt looks like a binary file (it contains NUL bytes, first at offset 8); only UTF-8 text can be used.");
    }

    @Test
    void jsonlSkipsAndCountsBadLines() {
        DocumentReader.Stats[] s = new DocumentReader.Stats[1];
        List<String> docs = read(utf8("{\"text\": \"one\"}\nnot json\n{\"body\": \"x\"}\n\n{\"text\": \"two\", \"id\": 2}\n{\"text\": 3}\n"),
                "d.jsonl", "text", false, s);
        assertThat(docs).containsExactly("one", "two");
        assertThat(s[0].documents()).isEqualTo(2);
        assertThat(s[0].skipped()).isEqualTo(3);
        assertThat(s[0].problems()).containsExactly("line 2: not JSON", "line 3: no text field 'text'", "line 6: no text field 'text'");
    }

    @Test
    void csvHandlesQuotesCommasAndNewlines() {
        String csv = "id,text,label\r\n1,plain,a\r\n2,\"with, comma and \"\"quotes\"\"\",b\n3,\"two\nlines\",c\n4\n";
        DocumentReader.Stats[] s = new DocumentReader.Stats[1];
        assertThat(read(utf8(csv), "t.csv", "text", false, s)).containsExactly("plain", "with, comma and \"quotes\"", "two\nlines");
        assertThat(s[0].problems()).containsExactly("record 5: only 1 fields");
        assertThatThrownBy(() -> read(utf8(csv), "t.csv", "body", false, null)).isInstanceOf(BadInputException.class)
                .hasMessage("t.csv has no column 'body'. Its columns: id, text, label.");
    }

    @Test
    void gzipIsReadAndZipBombsAreStopped() throws IOException {
        assertThat(read(gzip(utf8("{\"text\": \"zipped\"}\n")), "z.jsonl.gz", "text", true, null)).containsExactly("zipped");
        byte[] letters = new byte[(int) (20 * MB)];
        java.util.Arrays.fill(letters, (byte) 'a');
        byte[] bomb = gzip(letters); // 20 MB of one letter compress to about 20 KB
        assertThat(bomb.length).isLessThan(100_000);
        assertThatThrownBy(() -> read(bomb, "bomb.txt.gz", null, true, null)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("bomb.txt.gz expands to more than 10485760 bytes when decompressed;");
        assertThatThrownBy(() -> read(utf8("plain text, not gzip"), "fake.txt.gz", null, true, null))
                .hasMessageStartingWith("fake.txt.gz is not a valid gzip file");
    }

    @Test
    void nonUtf8AndUnknownTypesAreRefused() {
        byte[] latin1 = "caf\u00e9 au lait\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> read(latin1, "l.txt", null, false, null)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("l.txt is not UTF-8 text");
        assertThatThrownBy(() -> DocumentReader.formatOf("data.parquet.zip")).hasMessage(
                "Unsupported file type 'data.parquet.zip': use .txt, .jsonl, .csv (optionally .gz).");
        assertThat(DocumentReader.formatOf("X.JSONL.GZ")).isEqualTo(DocumentReader.Format.JSONL);
    }

    @Test
    void idsNameTheSourceAndPosition() {
        List<Document> docs = new ArrayList<>();
        DocumentReader.read(new ByteArrayInputStream(utf8("{\"t\": \"a\"}\n{\"t\": \"b\"}\n")), "f.jsonl", DocumentReader.Format.JSONL, "t", false,
                MB, docs::add);
        assertThat(docs).extracting(Document::id).containsExactly("f.jsonl:1", "f.jsonl:2");
    }

    @Test
    void aDocumentOverTheCapIsSkippedAndNamedByItsLine() {
        List<String> out = new ArrayList<>();
        String txt = "first para\nstill first\n\n" + "x".repeat(5000) + "\n\n" + ("y".repeat(300) + "\n").repeat(5) + "\nlast\r\n";
        DocumentReader.Stats s = DocumentReader.read(new ByteArrayInputStream(utf8(txt)), "f.txt", DocumentReader.Format.TXT, null, false, 0,
                1000, d -> out.add(d.text()));
        assertThat(out).containsExactly("first para\nstill first", "last");
        assertThat(s.skipped()).isEqualTo(2);
        assertThat(s.problems()).containsExactly("paragraph at line 4: longer than 1,000 characters",
                "paragraph at line 6: longer than 1,000 characters");
        out.clear();
        String jsonl = "{\"t\": \"a\"}\n{\"t\": \"" + "z".repeat(2000) + "\"}\n{\"t\": \"b\"}\n";
        DocumentReader.Stats j = DocumentReader.read(new ByteArrayInputStream(utf8(jsonl)), "f.jsonl", DocumentReader.Format.JSONL, "t", false,
                0, 1000, d -> out.add(d.text()));
        assertThat(out).containsExactly("a", "b");
        assertThat(j.problems()).containsExactly("line 2: longer than 1,000 characters");
        out.clear();
        // a quoted field over the cap (with newlines in it), and a record of nothing but separators
        String csv = "id,text\n1,short\n2,\"" + "q\n".repeat(700) + "\"\n3," + ",".repeat(1500) + "\n4,\"after, all\"\n";
        DocumentReader.Stats c = DocumentReader.read(new ByteArrayInputStream(utf8(csv)), "f.csv", DocumentReader.Format.CSV, "text", false,
                0, 1000, d -> out.add(d.text()));
        assertThat(out).containsExactly("short", "after, all");
        assertThat(c.problems()).containsExactly("record 3: longer than 1,000 characters", "record 4: longer than 1,000 characters");
        assertThatThrownBy(() -> DocumentReader.read(new ByteArrayInputStream(utf8("h".repeat(1200) + "\nx\n")), "g.csv",
                DocumentReader.Format.CSV, "text", false, 0, 1000, d -> { }))
                .isInstanceOf(BadInputException.class).hasMessage("g.csv's header row is longer than 1,000 characters: it is not a CSV header.");
    }

    @Test
    void oneHugeParagraphInASmallGzipNeverLandsInMemoryWhole() throws IOException {
        // 256 MiB of one paragraph in a gzip of ~250 KB: read with the default cap (16 Mi characters), skipped, counted
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write(utf8("a small document\n\n"));
            byte[] block = utf8("word ".repeat(1 << 14));
            for (int i = 0; i < (256 << 20) / block.length; i++) {
                g.write(block);
            }
            g.write(utf8("\n\nthe end\n"));
        }
        assertThat(b.size()).isLessThan(2 << 20);
        List<String> out = new ArrayList<>();
        DocumentReader.Stats s = DocumentReader.read(new ByteArrayInputStream(b.toByteArray()), "bomb.txt.gz", DocumentReader.Format.TXT, null,
                true, 1L << 30, d -> out.add(d.text()));
        assertThat(out).containsExactly("a small document", "the end");
        assertThat(s.problems()).containsExactly("paragraph at line 3: longer than 16,777,216 characters");
    }
}
