package org.llmplayground.reliability;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmplayground.core.Workspace;
import org.llmplayground.data.DataSource;
import org.llmplayground.data.DatasetFiles;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Zip bombs under a small heap: a JVM with {@code -Xmx512m} uploads and reads a .txt.gz, a .jsonl.gz and a .csv.gz
 * that each hold one 512 MiB document in about half a megabyte. Without the per-document cap each would need 1 GiB
 * of chars for that one document and die with OutOfMemoryError; with it every file reads, the huge document is
 * skipped and named, and the small ones around it arrive.
 */
class BoundedMemoryTest {
    static final long HUGE = 512L << 20;

    @TempDir
    Path dir;

    @Test
    void hugeDocumentsInSmallGzipsReadWithin512MegabytesOfHeap() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains(
                "bomb.txt.gz: [small before, small after] skipped [paragraph at line 3: longer than 16,777,216 characters]",
                "bomb.jsonl.gz: [small before, small after] skipped [line 2: longer than 16,777,216 characters]",
                "bomb.csv.gz: [small before, small after] skipped [record 3: longer than 16,777,216 characters]");
    }

    /** Runs in the small JVM: writes the three bombs, uploads each through DatasetFiles and reads it. */
    public static final class Main {
        public static void main(String[] args) throws IOException {
            Path home = Path.of(args[0]);
            DatasetFiles files = new DatasetFiles(new Workspace(home.toString()), null, 64L << 20, 4L << 30, false);
            write(home.resolve("bomb.txt.gz"), "small before\n\n", "\n\nsmall after\n");
            write(home.resolve("bomb.jsonl.gz"), "{\"text\": \"small before\"}\n{\"text\": \"", "\"}\n{\"text\": \"small after\"}\n");
            write(home.resolve("bomb.csv.gz"), "id,text\n1,small before\n2,\"", "\"\n3,small after\n");
            for (String name : List.of("bomb.txt.gz", "bomb.jsonl.gz", "bomb.csv.gz")) {
                try (InputStream in = Files.newInputStream(home.resolve(name))) {
                    files.save(name, in);
                }
                List<String> docs = new ArrayList<>();
                DatasetFiles.ReadStats stats = files.read(DataSource.file("uploads/" + name, "text"), d -> docs.add(d.text()), f -> { });
                System.out.println(name + ": " + docs + " skipped " + stats.problems());
            }
        }

        /** {@code before}, then {@link #HUGE} bytes of words with no blank line or newline, then {@code after}. */
        static void write(Path file, String before, String after) throws IOException {
            byte[] block = "word ".repeat(1 << 14).getBytes(StandardCharsets.US_ASCII);
            try (OutputStream out = new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(file)), 1 << 16)) {
                out.write(before.getBytes(StandardCharsets.UTF_8));
                for (long n = 0; n < HUGE; n += block.length) {
                    out.write(block);
                }
                out.write(after.getBytes(StandardCharsets.UTF_8));
            }
        }
    }
}
