package org.llmplayground.data;

import blue.strategic.parquet.ParquetWriter;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Workspace;
import org.llmplayground.data.clean.Document;
import org.llmplayground.data.source.WetReaderTest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every file format through the datasets folder: reading, previews, progress, and the refusals. */
class DatasetFilesTest {
    @TempDir
    Path home;

    DatasetFiles files(long maxUpload, long maxDecompressed) {
        return new DatasetFiles(new Workspace(home.toString()), null, maxUpload, maxDecompressed, true); // mock pages live on loopback
    }

    static byte[] gzip(byte[] b) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream z = new GZIPOutputStream(out)) {
            z.write(b);
        }
        return out.toByteArray();
    }

    List<String> read(DatasetFiles f, DataSource s) {
        List<String> out = new ArrayList<>();
        f.read(s, d -> out.add(d.text()), p -> {
        });
        return out;
    }

    @Test
    void concurrentUploadsBeyondTheLimitAreRefusedWith429AndTheRestComplete() throws Exception {
        DatasetFiles f = new DatasetFiles(new Workspace(home.toString()), null, 1 << 20, 1 << 20, true, 1);
        java.io.PipedOutputStream feed = new java.io.PipedOutputStream();
        java.io.PipedInputStream slow = new java.io.PipedInputStream(feed);
        java.util.concurrent.CompletableFuture<DatasetFiles.FileInfo> first = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> f.save("first.txt", slow));
        feed.write("the first upload is still arriving\n".getBytes(StandardCharsets.UTF_8));
        feed.flush();
        Thread.sleep(200); // the first upload holds the one slot while it waits for bytes
        ByteArrayInputStream second = new ByteArrayInputStream("second\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> f.save("second.txt", second))
                .isInstanceOf(org.llmplayground.core.Admission.Overloaded.class)
                .hasMessage("1 upload is already running (playground.data.max-concurrent-uploads); 'second.txt' was not stored. "
                        + "Try again when one has finished.")
                .satisfies(e -> assertThat(((BadInputException) e).status()).isEqualTo(429));
        feed.write("and now it ends\n".getBytes(StandardCharsets.UTF_8));
        feed.close();
        assertThat(first.get().sizeBytes()).isEqualTo(51);
        assertThat(f.save("third.txt", new ByteArrayInputStream("third\n".getBytes(StandardCharsets.UTF_8))).path())
                .isEqualTo("uploads/third.txt");
        assertThat(Files.exists(home.resolve("datasets/uploads/second.txt"))).isFalse();
    }

    @Test
    void csvJsonlWetAndTheirGzipsAreRead() throws Exception {
        DatasetFiles f = files(1 << 20, 1 << 20);
        f.save("a.csv", new ByteArrayInputStream("id,text\n1,\"Hello, world\"\n2,\"multi\nline\"\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(read(f, DataSource.file("uploads/a.csv", "text"))).containsExactly("Hello, world", "multi\nline");
        f.save("b.jsonl.gz", new ByteArrayInputStream(gzip("{\"text\": \"zipped\"}\n".getBytes(StandardCharsets.UTF_8))));
        assertThat(read(f, DataSource.file("uploads/b.jsonl.gz", "text"))).containsExactly("zipped");
        f.save("c.warc.wet.gz", new ByteArrayInputStream(gzip(WetReaderTest.WET.getBytes(StandardCharsets.UTF_8))));
        assertThat(read(f, DataSource.file("uploads/c.warc.wet.gz", null))).containsExactly("First page.\nWith two lines and ünïcode.", "Second page.");
        assertThat(f.list()).extracting(DatasetFiles.FileInfo::path).containsExactlyInAnyOrder("uploads/a.csv", "uploads/b.jsonl.gz", "uploads/c.warc.wet.gz");
        assertThat(f.preview(DataSource.file("uploads/a.csv", null)).fields()).containsExactly("id", "text");
        // a second upload of the same name gets a suffix instead of replacing the first
        assertThat(f.save("a.csv", new ByteArrayInputStream("id,text\n".getBytes(StandardCharsets.UTF_8))).path()).isEqualTo("uploads/a-1.csv");
    }

    @Test
    void parquetAndGzippedParquetAreReadAndAMissingColumnIsNamed() throws Exception {
        MessageType schema = Types.buildMessage().required(PrimitiveType.PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType())
                .named("content").named("row");
        Path tmp = home.resolve("t.parquet");
        try (ParquetWriter<String> w = ParquetWriter.writeFile(schema, tmp.toFile(), (row, out) -> out.write("content", row))) {
            w.write("first row");
            w.write("second row");
        }
        DatasetFiles f = files(1 << 20, 1 << 20);
        byte[] bytes = Files.readAllBytes(tmp);
        f.save("t.parquet", new ByteArrayInputStream(bytes));
        f.save("u.parquet.gz", new ByteArrayInputStream(gzip(bytes)));
        assertThat(read(f, DataSource.file("uploads/t.parquet", "content"))).containsExactly("first row", "second row");
        assertThat(read(f, DataSource.file("uploads/u.parquet.gz", "content"))).containsExactly("first row", "second row");
        assertThat(f.preview(DataSource.file("uploads/t.parquet", null)).suggestedField()).isEqualTo("content");
        assertThatThrownBy(() -> read(f, DataSource.file("uploads/t.parquet", "text"))).isInstanceOf(BadInputException.class)
                .hasMessage("t.parquet has no column 'text'. Its columns: content.");
        assertThatThrownBy(() -> read(f, DataSource.file("uploads/t.parquet", null))).hasMessage("Choose the column that holds the text.");
    }

    @Test
    void limitsAndPathsAreEnforced() throws Exception {
        DatasetFiles f = files(1000, 5000);
        assertThatThrownBy(() -> f.save("big.txt", new ByteArrayInputStream(new byte[1001]))).isInstanceOf(BadInputException.class)
                .hasMessage("The file 'big.txt' is larger than the upload limit of 1000 B (playground.data.max-upload-bytes).");
        assertThat(Files.list(f.dir().resolve("uploads"))).isEmpty(); // nothing kept of a refused upload
        byte[] letters = "a".repeat(20_000).getBytes(StandardCharsets.UTF_8);
        f.save("bomb.txt.gz", new ByteArrayInputStream(gzip(letters)));
        assertThatThrownBy(() -> read(f, DataSource.file("uploads/bomb.txt.gz", null)))
                .hasMessageStartingWith("bomb.txt.gz expands to more than 5000 bytes when decompressed;");
        f.save("pbomb.parquet.gz", new ByteArrayInputStream(gzip(letters)));
        assertThatThrownBy(() -> read(f, DataSource.file("uploads/pbomb.parquet.gz", "x")))
                .hasMessageStartingWith("pbomb.parquet.gz expands to more than 5000 bytes when decompressed;");
        assertThatThrownBy(() -> f.resolve("../db/x.txt")).hasMessageContaining("is not allowed");
        assertThatThrownBy(() -> f.resolve("nope.txt")).hasMessage("There is no file 'nope.txt' in the datasets folder.");
        assertThatThrownBy(() -> f.save("x.docx", new ByteArrayInputStream(new byte[]{1})))
                .hasMessage("Unsupported file type 'x.docx': use .txt, .jsonl, .csv, .parquet or .wet (each optionally .gz).");
        assertThatThrownBy(() -> f.read(DataSource.web(List.of(" ")), d -> {
        }, p -> {
        })).hasMessage("List at least one URL, one per line.");
    }

    @Test
    void progressReachesTheWholeFile() throws Exception {
        DatasetFiles f = files(10 << 20, 10 << 20);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 40_000; i++) {
            b.append("paragraph number ").append(i).append(" with some words\n\n");
        }
        f.save("long.txt", new ByteArrayInputStream(b.toString().getBytes(StandardCharsets.UTF_8)));
        List<Double> progress = new ArrayList<>();
        List<Document> docs = new ArrayList<>();
        f.read(DataSource.file("uploads/long.txt", null), docs::add, progress::add);
        assertThat(docs).hasSize(40_000);
        assertThat(progress).isNotEmpty().isSorted().allSatisfy(p -> assertThat(p).isBetween(0.0, 1.0));
    }

    @Test
    void webPagesAreFetchedAndEachFailureIsListed() throws Exception {
        try (okhttp3.mockwebserver.MockWebServer web = new okhttp3.mockwebserver.MockWebServer()) {
            web.setDispatcher(new okhttp3.mockwebserver.Dispatcher() {
                @Override
                public okhttp3.mockwebserver.MockResponse dispatch(okhttp3.mockwebserver.RecordedRequest r) {
                    return switch (r.getPath()) {
                        case "/robots.txt" -> new okhttp3.mockwebserver.MockResponse().setBody("User-agent: *\nDisallow: /private\n");
                        case "/page" -> new okhttp3.mockwebserver.MockResponse().setHeader("Content-Type", "text/html")
                                .setBody("<html><body><p>A page about libraries.</p><script>x()</script></body></html>");
                        default -> new okhttp3.mockwebserver.MockResponse().setResponseCode(500);
                    };
                }
            });
            DatasetFiles f = files(1 << 20, 1 << 20);
            List<Double> progress = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            DatasetFiles.ReadStats st = f.read(DataSource.web(List.of(web.url("/page").toString(), web.url("/broken").toString(),
                    web.url("/private/x").toString())), d -> texts.add(d.text()), progress::add);
            assertThat(texts).hasSize(1);
            assertThat(texts.get(0)).contains("A page about libraries.").doesNotContain("x()");
            assertThat(st.documents()).isEqualTo(1);
            assertThat(st.skipped()).isEqualTo(2);
            assertThat(st.problems()).hasSize(2).anySatisfy(p -> assertThat(p).contains("/broken", "500"))
                    .anySatisfy(p -> assertThat(p).contains("/private/x", "robots.txt"));
            assertThat(progress).containsExactly(1 / 3.0, 2 / 3.0, 1.0);
        }
    }
}
