package org.llmplayground.data;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.jobs.JobContext;
import org.llmplayground.core.jobs.JobRecord;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.data.clean.Document;
import org.llmplayground.data.clean.ExactDedup;
import org.llmplayground.data.clean.LanguageFilter;
import org.llmplayground.data.clean.NearDedup;
import org.llmplayground.data.clean.NormalizeStage;
import org.llmplayground.data.clean.PiiScrubber;
import org.llmplayground.data.clean.Pipeline;
import org.llmplayground.data.clean.QualityFilter;
import org.llmplayground.data.clean.Stage;
import org.llmplayground.data.clean.StageReport;
import org.llmplayground.data.source.DocumentReader;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Cleans a corpus with the configured stages, as a background job, and saves the result as a new corpus, which the
 * Tokenizer and Training labs can then use ("use this dataset for training"). A corpus is read as paragraphs, one
 * document each.
 */
@Singleton
public class DataService {
    public static final String JOB_KIND = "data-clean";
    private final CorpusStore corpora;
    private final JobRunner jobs;

    public DataService(CorpusStore corpora, JobRunner jobs) {
        this.corpora = corpora;
        this.jobs = jobs;
    }

    /**
     * Which stages run, in this order: normalisation, language (when {@code languages} is set), PII, quality (when
     * {@code quality} is set), exact dedup, near dedup.
     */
    @Serdeable
    public record CleanRequest(String corpus, String outputName, boolean normalize, @Nullable Set<String> languages, boolean pii,
                               @Nullable QualityFilter quality, boolean exactDedup, boolean nearDedup) {
    }

    /** The new corpus, documents in and out, and every stage's report. */
    @Serdeable
    public record CleanResult(String corpusId, long documentsIn, long documentsOut, List<StageReport.Summary> stages) {
    }

    public JobRecord startClean(CleanRequest r) {
        corpora.info(r.corpus()); // unknown corpus: 404 now, not in the job
        checkName(r.outputName());
        return jobs.submit(JOB_KIND, "Clean " + r.corpus() + " → " + r.outputName(), "data", ctx -> {
            CleanResult result = clean(r, ctx);
            ctx.publish(result); // the stage reports reach subscribers (the Data lab) as the job's payload
            return result.corpusId();
        });
    }

    /** Runs the pipeline now (the job's body; tests call it directly). */
    public CleanResult clean(CleanRequest r, JobContext ctx) {
        checkName(r.outputName());
        String text = corpora.read(r.corpus());
        Pipeline pipeline = new Pipeline(stages(r));
        StringBuilder out = new StringBuilder();
        long[] counts = new long[2];
        long total = Math.max(1, text.length());
        long[] position = new long[1];
        DocumentReader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), r.corpus(), DocumentReader.Format.TXT, null,
                false, 0, d -> {
                    counts[0]++;
                    position[0] += d.text().length() + 2;
                    if (counts[0] % 500 == 0) {
                        ctx.checkCancelled();
                        ctx.progress(Math.min(1, (double) position[0] / total), counts[0] + " documents read");
                    }
                    pipeline.apply(d).map(Document::text).ifPresent(t -> {
                        counts[1]++;
                        out.append(t).append("\n\n");
                    });
                });
        if (counts[1] == 0) {
            throw new BadInputException("Every document was removed; nothing to save. Loosen the quality rules or the language filter.");
        }
        CorpusInfo saved = corpora.upload(r.outputName() + ".txt", new ByteArrayInputStream(out.toString().getBytes(StandardCharsets.UTF_8)));
        ctx.progress(1, counts[1] + " of " + counts[0] + " documents kept");
        return new CleanResult(saved.id(), counts[0], counts[1], pipeline.reports());
    }

    static List<Stage> stages(CleanRequest r) {
        List<Stage> s = new ArrayList<>();
        if (r.normalize()) {
            s.add(new NormalizeStage(NormalizeStage.Options.ALL));
        }
        if (r.languages() != null && !r.languages().isEmpty()) {
            s.add(new LanguageFilter(r.languages(), 0.0));
        }
        if (r.pii()) {
            s.add(new PiiScrubber("US"));
        }
        if (r.quality() != null) {
            s.add(r.quality());
        }
        if (r.exactDedup()) {
            s.add(new ExactDedup());
        }
        if (r.nearDedup()) {
            s.add(NearDedup.defaults());
        }
        if (s.isEmpty()) {
            throw new BadInputException("Choose at least one cleaning stage.");
        }
        return s;
    }

    private static void checkName(String name) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9 _.-]{0,79}")) {
            throw new BadInputException("Name the cleaned dataset with 1 to 80 letters, digits, spaces, '_', '.' or '-'.");
        }
    }
}
