package org.llmplayground.data;

import org.llmplayground.corpus.TokenFiles;
import org.llmplayground.corpus.CorpusStore;
import org.llmplayground.corpus.CorpusInfo;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.jobs.JobContext;
import org.llmplayground.core.jobs.JobRecord;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.data.clean.Document;
import org.llmplayground.data.clean.DocumentSplit;
import org.llmplayground.data.clean.ExactDedup;
import org.llmplayground.data.clean.LanguageFilter;
import org.llmplayground.data.clean.NearDedup;
import org.llmplayground.data.clean.NormalizeStage;
import org.llmplayground.data.clean.ParallelCleaner;
import org.llmplayground.data.clean.PiiScrubber;
import org.llmplayground.data.clean.Pipeline;
import org.llmplayground.data.clean.QualityFilter;
import org.llmplayground.data.clean.Stage;
import org.llmplayground.data.clean.StageReport;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The Data lab's service: reads a source (a corpus, a file, web pages), runs the chosen cleaning stages over it as a
 * background job on every core, saves the result as a new corpus for the Tokenizer and Training labs, and measures
 * it (statistics, duplicates, languages). A split then cuts a corpus into train/val/test corpora and tokenizes each
 * into the trainer's token files. Nothing is ever changed in place: a failed or cancelled job leaves its source as it
 * was and no half-written corpus behind, so it can simply be run again.
 */
@io.micronaut.context.annotation.Context // created at startup, so interrupted data jobs can be run again at once
public class DataService {
    public static final String CLEAN_JOB = "data-clean";
    public static final String SPLIT_JOB = "data-split";
    private static final Pattern BLANK_LINES = Pattern.compile("\\n\\s*\\n");
    private static final int LANGUAGE_SAMPLE = 2000;
    private final CorpusStore corpora;
    private final DatasetFiles files;
    private final JobRunner jobs;
    private final TokenFiles tokens;
    /** The last result each recent data job published (a clean, split or pipeline result), for REST clients. */
    private final Map<String, Object> results = java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
            return size() > 100;
        }
    });

    public DataService(CorpusStore corpora, DatasetFiles files, JobRunner jobs, TokenFiles tokens) {
        this.corpora = corpora;
        this.files = files;
        this.jobs = jobs;
        jobs.rerunnable("data-clean", CleanRequest.class, this::startClean);
        jobs.rerunnable("data-split", SplitRequest.class, this::startSplit);
        jobs.rerunnable("data-pipeline", PipelineRequest.class, this::startPipeline);
        this.tokens = tokens;
    }

    /** Near-duplicate settings: word n-gram size, LSH bands × rows (= signature length) and the Jaccard threshold. */
    @Serdeable
    public record NearDedupSettings(int shingleWords, int bands, int rows, double threshold) {
        public static final NearDedupSettings DEFAULTS = new NearDedupSettings(2, 50, 3, 0.35);
    }

    /**
     * Which stages run, in this order: normalisation, language, PII, quality, exact dedup, near dedup. A null (or
     * false) entry skips the stage; {@code languages} empty = detect and report only.
     */
    @Serdeable
    public record Stages(@Nullable NormalizeStage.Options normalize, @Nullable Set<String> languages, double minLanguageConfidence,
                         @Nullable String piiRegion, @Nullable QualityFilter quality, boolean exactDedup,
                         @Nullable NearDedupSettings nearDedup) {
        /** Everything on, with the defaults, keeping English (as the Data lab starts). */
        public static Stages all() {
            return new Stages(NormalizeStage.Options.ALL, Set.of("eng"), 0, "US", QualityFilter.gopher(), true, NearDedupSettings.DEFAULTS);
        }
    }

    /** @param statsTokenizer count tokens with this tokenizer in the statistics (null: no token count) */
    @Serdeable
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = false) // unknown fields: a 400 that names them
    public record CleanRequest(DataSource source, String outputName, Stages stages, @Nullable String statsTokenizer) {
    }

    /** The new corpus, what was read, documents in and out, every stage's report, and the statistics of the result. */
    @Serdeable
    public record CleanResult(String corpusId, String name, DatasetFiles.ReadStats read, long documentsIn, long documentsOut,
                              List<StageReport.Summary> stages, DatasetStats.Snapshot stats, long millis) {
    }

    /** Ratios (adding up to 1), seed, and the tokenizer that writes the trainer's token files (null: no tokenization). */
    @Serdeable
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = false) // unknown fields: a 400 that names them
    public record SplitRequest(String corpus, double train, double val, double test, long seed, @Nullable String tokenizer) {
    }

    /** One part of a split: its corpus, documents, and tokens (null when not tokenized). */
    @Serdeable
    public record SplitPart(String part, String corpusId, long documents, @Nullable Long tokens) {
    }

    @Serdeable
    public record SplitResult(String corpus, List<SplitPart> parts, @Nullable String tokenizer) {
    }

    /** Clean, then split the result: the whole pipeline as one job. */
    @Serdeable
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = false) // unknown fields: a 400 that names them
    public record PipelineRequest(CleanRequest clean, @Nullable SplitRequest split) {
    }

    @Serdeable
    public record PipelineResult(CleanResult clean, @Nullable SplitResult split) {
    }

    /** A data job and, once it has one, its result (CleanResult, SplitResult or PipelineResult). */
    @Serdeable
    public record JobStatus(JobRecord job, @Nullable Object result) {
    }

    public JobStatus status(String jobId) {
        return new JobStatus(jobs.get(jobId), results.get(jobId));
    }

    public boolean cancel(String jobId) {
        return jobs.cancel(jobId);
    }

    /** Sends a result to the job's subscribers (the Data lab) and keeps it for {@link #status}. */
    private void publish(JobContext ctx, Object result) {
        results.put(ctx.jobId(), result);
        ctx.publish(result);
    }

    public JobRecord startClean(CleanRequest r) {
        check(r);
        return jobs.submit(CLEAN_JOB, "Clean " + r.source().describe() + " → " + r.outputName(), "data", "data-clean", r, ctx -> {
            CleanResult result = clean(r, ctx);
            publish(ctx, result); // the stage reports reach subscribers (the Data lab) as the job's payload
            return result.corpusId();
        });
    }

    public JobRecord startSplit(SplitRequest r) {
        corpora.info(r.corpus());
        new DocumentSplit(r.train(), r.val(), r.test(), r.seed()); // bad ratios: refused now, not in the job
        checkTokenizer(r.tokenizer());
        return jobs.submit(SPLIT_JOB, "Split " + r.corpus(), "data", "data-split", r, ctx -> {
            SplitResult result = split(r, ctx);
            publish(ctx, result);
            return result.parts().get(0).corpusId();
        });
    }

    public JobRecord startPipeline(PipelineRequest r) {
        if (r.clean() == null) {
            throw new BadInputException("Give 'clean': the source and stages to run, e.g. {\"clean\": {\"source\": {\"kind\": \"corpus\", "
                    + "\"id\": \"tinyshakespeare\"}, \"output_name\": \"my-data\"}}.");
        }
        check(r.clean());
        if (r.split() != null) {
            new DocumentSplit(r.split().train(), r.split().val(), r.split().test(), r.split().seed());
            checkTokenizer(r.split().tokenizer());
        }
        return jobs.submit(CLEAN_JOB, "Pipeline " + r.clean().source().describe() + " → " + r.clean().outputName(), "data",
                "data-pipeline", r, ctx -> {
            CleanResult cleaned = clean(r.clean(), new Scaled(ctx, 0, r.split() == null ? 1 : 0.8));
            publish(ctx, new PipelineResult(cleaned, null));
            SplitResult split = null;
            if (r.split() != null) {
                SplitRequest s = r.split();
                split = split(new SplitRequest(cleaned.corpusId(), s.train(), s.val(), s.test(), s.seed(), s.tokenizer()), new Scaled(ctx, 0.8, 0.2));
            }
            publish(ctx, new PipelineResult(cleaned, split));
            return cleaned.corpusId();
        });
    }

    private void check(CleanRequest r) {
        if (r.source() == null) {
            throw new BadInputException("Choose a source: a corpus, a file or web pages.");
        }
        if (r.source().kind() == DataSource.Kind.CORPUS) {
            corpora.info(r.source().id()); // unknown corpus: refused now, not in the job
        } else if (r.source().kind() == DataSource.Kind.FILE) {
            files.resolve(r.source().id());
        }
        checkName(r.outputName());
        stages(r.stages());
        checkTokenizer(r.statsTokenizer());
    }

    private void checkTokenizer(@Nullable String t) {
        if (t != null && !tokens.tokenizers().contains(t)) {
            throw new BadInputException("Unknown tokenizer '" + t + "'. Known: " + String.join(", ", tokens.tokenizers()) + ".");
        }
    }

    /** Runs the cleaning now, in the caller's thread plus one worker per core (the job's body; tests call it directly). */
    public CleanResult clean(CleanRequest r, JobContext ctx) {
        check(r);
        long start = System.nanoTime();
        List<Stage> stageList = stages(r.stages());
        Pipeline pipeline = new Pipeline(stageList);
        LanguageFilter languageStage = (LanguageFilter) stageList.stream().filter(s -> s instanceof LanguageFilter).findFirst().orElse(null);
        DatasetStats stats = new DatasetStats(r.statsTokenizer(), r.statsTokenizer() == null ? null : t -> tokens.countTokens(t, r.statsTokenizer()));
        Map<String, Long> sampledLanguages = new TreeMap<>();
        LanguageFilter sampler = languageStage == null ? new LanguageFilter(Set.of(), 0) : null;
        Path out = corpora.newFile();
        long[] read = new long[1];
        double[] fraction = new double[1];
        try (Writer w = new BufferedWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8), 1 << 16);
             ParallelCleaner cleaner = new ParallelCleaner(pipeline, Runtime.getRuntime().availableProcessors(), d -> {
                 write(w, d.text());
                 stats.add(d.text());
                 if (sampler != null && stats.documents() <= LANGUAGE_SAMPLE) {
                     sampledLanguages.merge(sampler.detect(d.text()), 1L, Long::sum);
                 }
             })) {
            DatasetFiles.ReadStats readStats = files.read(r.source(), d -> {
                cleaner.accept(d);
                if (++read[0] % 2048 == 0) {
                    ctx.checkCancelled();
                    double secs = (System.nanoTime() - start) / 1e9;
                    ctx.progress(Math.min(0.99, fraction[0]), String.format("%,d documents read, %,d kept (%.0f docs/s)",
                            read[0], stats.documents(), read[0] / Math.max(1e-3, secs)));
                }
            }, f -> fraction[0] = f);
            cleaner.finish();
            w.flush();
            if (stats.documents() == 0) {
                throw new BadInputException(read[0] == 0 ? "The source has no documents." : "Every document was removed; nothing to save. "
                        + "Loosen the quality rules or the language filter.");
            }
            w.close();
            CorpusInfo saved = corpora.adopt(r.outputName() + ".txt", out);
            List<StageReport.Summary> reports = pipeline.reports();
            Map<String, Long> langs = languageStage != null ? languages(reports) : sampledLanguages;
            DatasetStats.Snapshot snapshot = stats.snapshot().with(langs, languageStage == null, duplicates(stageList, reports));
            ctx.progress(1, String.format("%,d of %,d documents kept", stats.documents(), read[0]));
            return new CleanResult(saved.id(), saved.name(), readStats, read[0], stats.documents(), reports, snapshot,
                    (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the cleaned corpus: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(out); // moved away on success; a failure or cancel leaves nothing half-written
            } catch (IOException ignored) {
                // the temp file is inside the workspace and harmless
            }
        }
    }

    /** One document per paragraph: blank lines inside a document become line breaks, so it reads back as one. */
    private static void write(Writer w, String text) {
        try {
            w.write(text.contains("\n\n") || text.contains("\n ") || text.contains("\n\t") ? BLANK_LINES.matcher(text).replaceAll("\n") : text);
            w.write("\n\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Long> languages(List<StageReport.Summary> reports) {
        Map<String, Long> out = new TreeMap<>();
        reports.stream().filter(s -> s.stage().equals("language")).findFirst()
                .ifPresent(s -> s.reasons().forEach((k, v) -> out.merge(k.replaceFirst("^lang ", ""), v, Long::sum)));
        return out;
    }

    private static DatasetStats.Duplicates duplicates(List<Stage> stages, List<StageReport.Summary> reports) {
        long exactRemoved = 0;
        long exactClusters = 0;
        long nearRemoved = 0;
        long nearClusters = 0;
        List<String> largest = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i) instanceof ExactDedup e) {
                exactRemoved = reports.get(i).removed();
                exactClusters = e.clusters();
            } else if (stages.get(i) instanceof NearDedup n) {
                nearRemoved = reports.get(i).removed();
                nearClusters = n.clusters();
                n.largestClusters(10).forEach(c -> largest.add(c.keptId() + " (" + c.removed() + " near copies removed)"));
            }
        }
        return new DatasetStats.Duplicates(exactRemoved, exactClusters, nearRemoved, nearClusters, largest);
    }

    static List<Stage> stages(Stages c) {
        if (c == null) {
            throw new BadInputException("Choose at least one cleaning stage.");
        }
        List<Stage> s = new ArrayList<>();
        if (c.normalize() != null) {
            s.add(new NormalizeStage(c.normalize()));
        }
        if (c.languages() != null) {
            if (c.minLanguageConfidence() < 0 || c.minLanguageConfidence() > 1) {
                throw new BadInputException("The language confidence must be between 0 and 1 (got " + c.minLanguageConfidence() + ").");
            }
            s.add(new LanguageFilter(c.languages(), c.minLanguageConfidence()));
        }
        if (c.piiRegion() != null) {
            if (!c.piiRegion().matches("[A-Z]{2}")
                    || !com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance().getSupportedRegions().contains(c.piiRegion())) {
                throw new BadInputException("The phone region must be a two-letter country code that libphonenumber knows, such as US or DE (got '"
                        + c.piiRegion() + "').");
            }
            s.add(new PiiScrubber(c.piiRegion()));
        }
        if (c.quality() != null) {
            s.add(checked(c.quality()));
        }
        if (c.exactDedup()) {
            s.add(new ExactDedup());
        }
        if (c.nearDedup() != null) {
            NearDedupSettings n = c.nearDedup();
            if (n.shingleWords() < 1 || n.shingleWords() > 10 || n.bands() < 1 || n.rows() < 1 || (long) n.bands() * n.rows() > 1024
                    || !(n.threshold() > 0 && n.threshold() <= 1)) {
                throw new BadInputException("Near dedup needs 1–10 shingle words, bands × rows between 1 and 1024, and a threshold in (0, 1] "
                        + "(got " + n.shingleWords() + " words, " + n.bands() + " × " + n.rows() + ", threshold " + n.threshold() + ").");
            }
            s.add(new NearDedup(n.shingleWords(), n.bands(), n.rows(), n.threshold()));
        }
        if (s.isEmpty()) {
            throw new BadInputException("Choose at least one cleaning stage.");
        }
        return s;
    }

    private static QualityFilter checked(QualityFilter q) {
        if (q.minWords() < 0 || q.maxWords() < q.minWords()) {
            throw new BadInputException("Quality: the word bounds must satisfy 0 ≤ min ≤ max (got " + q.minWords() + " and " + q.maxWords() + ").");
        }
        if (q.minMeanWordLength() > q.maxMeanWordLength()) {
            throw new BadInputException("Quality: the mean word length bounds are reversed (" + q.minMeanWordLength() + " > " + q.maxMeanWordLength() + ").");
        }
        for (double f : new double[]{q.minAlphaWordFraction(), q.maxBulletLineFraction(), q.maxEllipsisLineFraction(),
                q.minPunctuatedLineFraction(), q.maxDuplicateLineFraction(), q.maxTopBigramFraction()}) {
            if (f < 0 || f > 1) {
                throw new BadInputException("Quality: fractions must be between 0 and 1 (got " + f + ").");
            }
        }
        return q;
    }

    /** Cuts a corpus into train/val/test corpora by document, then writes each into the trainer's token files. */
    public SplitResult split(SplitRequest r, JobContext ctx) {
        DocumentSplit split = new DocumentSplit(r.train(), r.val(), r.test(), r.seed());
        String base = corpora.info(r.corpus()).name().replaceFirst("\\.txt$", "");
        Map<DocumentSplit.Part, Path> outs = new EnumMap<>(DocumentSplit.Part.class);
        Map<DocumentSplit.Part, Writer> writers = new EnumMap<>(DocumentSplit.Part.class);
        Map<DocumentSplit.Part, long[]> counts = new EnumMap<>(DocumentSplit.Part.class);
        try {
            for (DocumentSplit.Part p : DocumentSplit.Part.values()) {
                outs.put(p, corpora.newFile());
                writers.put(p, Files.newBufferedWriter(outs.get(p), StandardCharsets.UTF_8));
                counts.put(p, new long[1]);
            }
            files.read(DataSource.corpus(r.corpus()), d -> {
                // by the text, not the position: the same document lands in the same part in every run and every corpus
                // it appears in, and leftover copies cannot straddle train and validation
                DocumentSplit.Part p = split.partOf(d.text());
                write(writers.get(p), d.text());
                if (++counts.get(p)[0] % 2048 == 0) {
                    ctx.checkCancelled();
                }
            }, f -> ctx.progress(0.5 * f, "splitting"));
            for (Writer w : writers.values()) {
                w.close();
            }
            if (counts.get(DocumentSplit.Part.TRAIN)[0] == 0) {
                throw new BadInputException("The training part came out empty: the corpus has too few documents for these ratios.");
            }
            List<SplitPart> parts = new ArrayList<>();
            int done = 0;
            for (DocumentSplit.Part p : DocumentSplit.Part.values()) {
                long n = counts.get(p)[0];
                if (n == 0) {
                    continue; // a 0 ratio, or a tiny corpus: no empty corpus is made
                }
                String part = p.name().toLowerCase(java.util.Locale.ROOT);
                CorpusInfo saved = corpora.adopt(base + "-" + part + ".txt", outs.get(p));
                Long t = null;
                if (r.tokenizer() != null) {
                    ctx.progress(0.5 + 0.5 * done / 3.0, "tokenizing " + part + " with " + r.tokenizer());
                    t = tokens.tokenize(saved.id(), r.tokenizer());
                }
                done++;
                parts.add(new SplitPart(part, saved.id(), n, t));
            }
            ctx.progress(1, parts.size() + " parts saved");
            return new SplitResult(r.corpus(), parts, r.tokenizer());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the split: " + e.getMessage(), e);
        } finally {
            for (Writer w : writers.values()) {
                try {
                    w.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
            for (Path p : outs.values()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // moved away on success
                }
            }
        }
    }

    /** Statistics of a source as it is (no cleaning); languages are detected on the first 2,000 documents. */
    public DatasetStats.Snapshot stats(DataSource source, @Nullable String tokenizer) {
        return stats(source, tokenizer, null);
    }

    /** {@link #stats(DataSource, String)} as a job: progress by the share of the source read, stops when cancelled. */
    public DatasetStats.Snapshot stats(DataSource source, @Nullable String tokenizer, @Nullable JobContext job) {
        checkTokenizer(tokenizer);
        DatasetStats stats = new DatasetStats(tokenizer, tokenizer == null ? null : t -> tokens.countTokens(t, tokenizer));
        LanguageFilter detector = new LanguageFilter(Set.of(), 0);
        Map<String, Long> langs = new TreeMap<>();
        files.read(source, d -> {
            if (job != null) {
                job.checkCancelled();
            }
            stats.add(d.text());
            if (stats.documents() <= LANGUAGE_SAMPLE) {
                langs.merge(detector.detect(d.text()), 1L, Long::sum);
            }
        }, f -> {
            if (job != null) {
                job.progress(f, String.format("Measuring: %,d documents", stats.documents()));
            }
        });
        if (stats.documents() == 0) {
            throw new BadInputException("The source has no documents.");
        }
        return stats.snapshot().with(langs, stats.documents() > LANGUAGE_SAMPLE, DatasetStats.Duplicates.NONE);
    }

    /** The statistics as a Markdown report (for the dataset's card or a notebook). */
    public String statsReport(String title, DatasetStats.Snapshot s) {
        StringBuilder b = new StringBuilder("# Dataset statistics: ").append(title).append("\n\n");
        b.append("| measure | value |\n|---|---|\n");
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("documents", String.format("%,d", s.documents()));
        rows.put("characters", String.format("%,d", s.characters()));
        rows.put("words", String.format("%,d", s.words()));
        if (s.tokens() != null) {
            rows.put("tokens (" + s.tokenizer() + ")", String.format("%,d", s.tokens()));
        }
        rows.put("vocabulary (distinct words)", (s.vocabularyAtLeast() ? "≥ " : "") + String.format("%,d", s.vocabulary()));
        rows.put("mean words per document", String.format("%.1f", s.meanWords()));
        s.percentiles().forEach((k, v) -> rows.put("words per document, " + k, String.format("%,d", v)));
        rows.forEach((k, v) -> b.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        b.append("\n## Document length (words)\n\n| words | documents |\n|---|---|\n");
        s.lengthHistogram().forEach(bin -> b.append("| ").append(bin.from()).append("–").append(bin.to()).append(" | ")
                .append(String.format("%,d", bin.documents())).append(" |\n"));
        b.append("\n## Languages").append(s.languagesSampled() ? " (first 2,000 documents)" : "").append("\n\n");
        s.languages().forEach((k, v) -> b.append("- ").append(k).append(": ").append(String.format("%,d", v)).append('\n'));
        DatasetStats.Duplicates d = s.duplicates();
        b.append("\n## Duplicates removed\n\n- exact: ").append(String.format("%,d", d.exactRemoved())).append(" in ")
                .append(String.format("%,d", d.exactClusters())).append(" groups\n- near: ").append(String.format("%,d", d.nearRemoved()))
                .append(" in ").append(String.format("%,d", d.nearClusters())).append(" groups\n");
        d.largestClusters().forEach(c -> b.append("  - ").append(c).append('\n'));
        b.append("\n## Most frequent words\n\n");
        s.topWords().forEach(w -> b.append("- ").append(w.word()).append(": ").append(String.format("%,d", w.count())).append('\n'));
        return b.toString();
    }

    private static void checkName(String name) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9 _.-]{0,79}")) {
            throw new BadInputException("Name the cleaned dataset with 1 to 80 letters, digits, spaces, '_', '.' or '-'.");
        }
    }

    /** A job context that maps progress into [from, from + span] of the parent's, for jobs with several phases. */
    private record Scaled(JobContext parent, double from, double span) implements JobContext {
        @Override
        public String jobId() {
            return parent.jobId();
        }

        @Override
        public boolean isCancelled() {
            return parent.isCancelled();
        }

        @Override
        public void progress(double fraction, String message) {
            parent.progress(from + span * fraction, message);
        }

        @Override
        public void publish(Object payload) {
            parent.publish(payload);
        }
    }
}
