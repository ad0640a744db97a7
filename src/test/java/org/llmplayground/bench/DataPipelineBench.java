package org.llmplayground.bench;

import io.micronaut.context.ApplicationContext;
import org.llmplayground.core.jobs.JobContext;
import org.llmplayground.corpus.CorpusStore;
import org.llmplayground.data.DataService;
import org.llmplayground.data.DataSource;
import org.llmplayground.data.DatasetFiles;
import org.llmplayground.data.clean.StageReport;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The full cleaning pipeline on a generated corpus with planted duplicates ({@link SyntheticCorpus}): normalise,
 * language (keep English), PII, Gopher quality rules, exact dedup, near dedup (MinHash + LSH), through
 * {@link DataService#clean} as the Data lab runs it. Prints wall time, throughput, peak heap, what each stage removed
 * and its CPU throughput, and how many planted duplicates are left in the output, counted independently by the
 * originals' serial numbers.
 * <pre>./mvnw -q -Pbench test-compile exec:exec -Dbench=DataPipelineBench -Dbench.jvm=-Xmx1g [-Dbench.args=1024]</pre>
 * The argument is the corpus size in MiB (default 1024); the corpus is generated once into
 * {@code target/data-bench/} and reused.
 */
public final class DataPipelineBench {
    private static final Pattern SERIAL = Pattern.compile("^(?i)document\\s+(\\d+)\\b");

    private DataPipelineBench() {
    }

    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 && !args[0].equals("-") ? Long.parseLong(args[0]) : 1024;
        Path dir = Path.of("target/data-bench").toAbsolutePath();
        Files.createDirectories(dir);
        Path corpus = dir.resolve("synthetic-" + mib + "m.jsonl");
        if (!Files.exists(corpus)) {
            long t = System.nanoTime();
            SyntheticCorpus gen = new SyntheticCorpus(7);
            long docs = gen.write(corpus, mib << 20);
            System.out.printf("generated %s: %,d documents (%,d originals, %,d exact copies, %,d near copies, %,d junk) in %.0f s%n",
                    corpus.getFileName(), docs, gen.originals, gen.exactCopies, gen.nearCopies, gen.junk, (System.nanoTime() - t) / 1e9);
        }
        Path home = Files.createTempDirectory("data-bench");
        Map<String, Object> props = Map.of("playground.home", home.toString(), "playground.port", "0");
        try (ApplicationContext ctx = ApplicationContext.run(props)) {
            DatasetFiles files = ctx.getBean(DatasetFiles.class);
            Path linked = files.dir().resolve(corpus.getFileName().toString());
            Files.createLink(linked, corpus);
            DataService data = ctx.getBean(DataService.class);
            DataService.Stages stages = DataService.Stages.all(); // every stage, keeping English, as the Data lab starts
            DataService.CleanRequest request = new DataService.CleanRequest(DataSource.file(corpus.getFileName().toString(), "text"),
                    "bench-clean", stages, null);
            HeapPeak peak = new HeapPeak();
            peak.start();
            long t0 = System.nanoTime();
            DataService.CleanResult r = data.clean(request, new QuietContext());
            double secs = (System.nanoTime() - t0) / 1e9;
            peak.interrupt();
            long bytes = Files.size(corpus);
            System.out.printf("%nmachine: %d cores, max heap %,d MB%n", Runtime.getRuntime().availableProcessors(),
                    Runtime.getRuntime().maxMemory() >> 20);
            System.out.printf("input: %,d bytes, %,d documents; output: %,d documents%n", bytes, r.documentsIn(), r.documentsOut());
            System.out.printf("wall time: %.1f s, %.1f MB/s, %,.0f documents/s; peak heap used: %,d MB%n%n", secs, bytes / 1e6 / secs,
                    r.documentsIn() / secs, peak.peak >> 20);
            System.out.println("| stage | documents in | removed | changed | CPU s | MB/s per core |");
            System.out.println("|---|---:|---:|---:|---:|---:|");
            for (StageReport.Summary s : r.stages()) {
                System.out.printf("| %s | %,d | %,d | %,d | %.1f | %.1f |%n", s.stage(), s.documentsIn(), s.removed(), s.changed(),
                        s.cpuMillis() / 1000.0, s.charsPerSecond() / 1e6);
            }
            for (StageReport.Summary s : r.stages()) {
                System.out.println(s.stage() + ": " + s.reasons());
            }
            countDuplicates(ctx.getBean(CorpusStore.class), r.corpusId());
        }
    }

    /** Documents of the output that share an original's serial with an earlier output document. */
    private static void countDuplicates(CorpusStore corpora, String id) throws Exception {
        Map<String, Integer> seen = new HashMap<>();
        long docs = 0;
        long dups = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(corpora.open(id), StandardCharsets.UTF_8))) {
            boolean start = true;
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isEmpty()) {
                    start = true;
                    continue;
                }
                if (start) {
                    docs++;
                    Matcher m = SERIAL.matcher(line);
                    if (m.find() && seen.merge(m.group(1), 1, Integer::sum) > 1) {
                        dups++;
                    }
                }
                start = false;
            }
        }
        System.out.printf("%nduplicates left: %,d of %,d output documents = %.3f %%%n", dups, docs, 100.0 * dups / docs);
    }

    /** Samples the heap's used size every 50 ms. */
    private static final class HeapPeak extends Thread {
        volatile long peak;

        HeapPeak() {
            setDaemon(true);
        }

        @Override
        public void run() {
            while (!isInterrupted()) {
                long used = 0;
                for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                    if (p.getType() == MemoryType.HEAP) {
                        used += p.getUsage().getUsed();
                    }
                }
                peak = Math.max(peak, used);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private static final class QuietContext implements JobContext {
        private long last;

        @Override
        public String jobId() {
            return "bench";
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void progress(double fraction, String message) {
            long now = System.nanoTime();
            if (now - last > 10_000_000_000L) {
                last = now;
                System.out.printf("  %.0f %% %s%n", fraction * 100, message);
            }
        }

        @Override
        public void publish(Object payload) {
        }
    }
}
