package org.llmplayground.tokenizer;

import org.llmplayground.core.BadInputException;
import org.llmplayground.core.jobs.JobCancelledException;
import org.llmplayground.core.jobs.JobContext;
import org.llmplayground.core.jobs.JobEvent;
import org.llmplayground.core.jobs.JobRecord;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.core.jobs.Subscription;
import org.llmplayground.corpus.CorpusStore;
import org.llmplayground.tokenizer.bpe.BpeModel;
import org.llmplayground.tokenizer.bpe.BpeTokenizer;
import org.llmplayground.tokenizer.bpe.BpeTrainer;
import org.llmplayground.tokenizer.bpe.SpecialTokens;
import org.llmplayground.tokenizer.bpe.SplitPattern;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Trains a BPE vocabulary as a background job ("tokenizer" lane) and saves it under the given name. The learned
 * merges are published as {@link TrainingProgress} events (at most ten a second) so the lab can show them grow.
 */
@io.micronaut.context.annotation.Context // created at startup, so an interrupted training can be run again at once
class VocabularyTrainer {
    static final String KIND = "tokenizer-training";
    static final int MIN_VOCAB = 257;
    static final int MAX_VOCAB = 65_536;
    private static final int MAX_SPECIALS = 16;
    private static final long PUBLISH_INTERVAL_MS = 100;
    private static final int LATEST = 12;

    private final JobRunner jobs;
    private final TokenizerRegistry registry;
    private final CorpusStore corpora;

    VocabularyTrainer(JobRunner jobs, TokenizerRegistry registry, CorpusStore corpora) {
        this.jobs = jobs;
        jobs.rerunnable(KIND, TrainingSpec.class, this::submit);
        this.registry = registry;
        this.corpora = corpora;
    }

    JobRecord submit(TrainingSpec spec) {
        if (spec == null) {
            throw new BadInputException("No training request given.");
        }
        registry.checkName(spec.name());
        if (spec.vocabSize() < MIN_VOCAB || spec.vocabSize() > MAX_VOCAB) {
            throw new BadInputException(String.format("The vocabulary size must be between %,d and %,d: 256 byte tokens "
                    + "plus at least one merge (got %,d).", MIN_VOCAB, MAX_VOCAB, spec.vocabSize()));
        }
        SplitPattern pattern = pattern(spec.pattern());
        Map<String, Integer> specials = specials(spec.specialTokens(), spec.vocabSize());
        String source;
        if (spec.corpus() != null && !spec.corpus().isBlank()) {
            source = corpora.info(spec.corpus()).name();
        } else if (spec.text() != null && !spec.text().isEmpty()) {
            source = String.format("%,d characters of text", spec.text().length());
        } else {
            throw new BadInputException("Nothing to train on: choose a corpus or give a text.");
        }
        String title = String.format("Train '%s': %,d tokens, %s split, on %s", spec.name().strip(), spec.vocabSize(),
                pattern.label(), source);
        return jobs.submit(KIND, title, "tokenizer", KIND, spec, ctx -> run(ctx, spec, pattern, specials, source));
    }

    private String run(JobContext ctx, TrainingSpec spec, SplitPattern pattern, Map<String, Integer> specials, String source) {
        String text = spec.corpus() != null && !spec.corpus().isBlank() ? corpora.read(spec.corpus()) : spec.text();
        ProgressPublisher progress = new ProgressPublisher(ctx, spec.vocabSize() - 256);
        BpeModel model;
        try {
            model = BpeTrainer.train(text, pattern.preTokenizer(), spec.vocabSize(), progress);
        } catch (BpeTrainer.CancelledException e) {
            throw new JobCancelledException();
        }
        progress.flush();
        ctx.checkCancelled();
        Map<String, Integer> ids = new LinkedHashMap<>();
        specials.keySet().forEach(token -> ids.put(token, model.vocabSize() + ids.size()));
        BpeTokenizer tokenizer = new BpeTokenizer(model, pattern.preTokenizer(), new SpecialTokens(ids));
        String description = String.format("%,d merges learned on %s with the %s split%s.", model.mergeCount(), source,
                pattern.label(), model.mergeCount() < spec.vocabSize() - 256 ? " (the text had no more pairs to merge)" : "");
        TokenizerInfo saved = registry.saveTrained(spec.name(), tokenizer, description);
        ctx.progress(1, "Saved as '" + saved.id() + "': " + description);
        return saved.id();
    }

    static SplitPattern pattern(String name) {
        if (name == null || name.isBlank()) {
            return SplitPattern.GPT4;
        }
        try {
            return SplitPattern.valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("Unknown split pattern '" + name + "'. Use gpt2, gpt4 or none.");
        }
    }

    private static Map<String, Integer> specials(List<String> tokens, int vocabSize) {
        Map<String, Integer> out = new LinkedHashMap<>();
        if (tokens == null) {
            return out;
        }
        if (tokens.size() > MAX_SPECIALS) {
            throw new BadInputException("At most " + MAX_SPECIALS + " special tokens (got " + tokens.size() + ").");
        }
        for (String t : tokens) {
            if (t == null || t.isBlank() || t.length() > 40 || t.chars().anyMatch(Character::isWhitespace)) {
                throw new BadInputException("Special token '" + t + "' is not usable: 1 to 40 characters, no spaces, e.g. <|pad|>.");
            }
            if (out.put(t, vocabSize + out.size()) != null) {
                throw new BadInputException("Special token '" + t + "' is listed twice.");
            }
        }
        return out;
    }

    JobRecord job(String jobId) {
        JobRecord r = jobs.get(jobId);
        if (!KIND.equals(r.kind())) {
            throw BadInputException.notFound("Job '" + jobId + "' is not a tokenizer training job.");
        }
        return r;
    }

    boolean cancel(String jobId) {
        job(jobId);
        return jobs.cancel(jobId);
    }

    Subscription watch(String jobId, Consumer<JobEvent> listener) {
        job(jobId);
        return jobs.subscribe(jobId, listener);
    }

    List<JobRecord> history() {
        return jobs.history(KIND);
    }

    /** Turns trainer callbacks into job progress and throttled {@link TrainingProgress} events. */
    private static final class ProgressPublisher implements BpeTrainer.Listener {
        private final JobContext ctx;
        private final int total;
        private final List<byte[]> vocab = new ArrayList<>();
        private final Deque<TrainingProgress.LearnedMerge> latest = new ArrayDeque<>();
        private long chunks;
        private int distinct;
        private int done;
        private long lastPublish;

        ProgressPublisher(JobContext ctx, int total) {
            this.ctx = ctx;
            this.total = total;
            for (int b = 0; b < 256; b++) {
                vocab.add(new byte[]{(byte) b});
            }
        }

        @Override
        public void started(long chunks, int distinctChunks) {
            this.chunks = chunks;
            this.distinct = distinctChunks;
            ctx.progress(0, String.format("Split into %,d chunks (%,d distinct); merging…", chunks, distinctChunks));
        }

        @Override
        public void merged(int rank, int left, int right, int newId, long count) {
            byte[] l = vocab.get(left);
            byte[] r = vocab.get(right);
            byte[] m = new byte[l.length + r.length];
            System.arraycopy(l, 0, m, 0, l.length);
            System.arraycopy(r, 0, m, l.length, r.length);
            vocab.add(m);
            latest.addFirst(new TrainingProgress.LearnedMerge(rank, newId, text(l), text(r), text(m), count));
            if (latest.size() > LATEST) {
                latest.removeLast();
            }
            done = rank + 1;
            long now = System.currentTimeMillis();
            if (now - lastPublish >= PUBLISH_INTERVAL_MS) {
                flush();
            }
        }

        void flush() {
            lastPublish = System.currentTimeMillis();
            TrainingProgress.LearnedMerge last = latest.peekFirst();
            String message = last == null ? "No pairs to merge" : String.format("latest '%s' + '%s' → '%s' (%,d×)",
                    last.left(), last.right(), last.merged(), last.count());
            if (total == 0) {
                ctx.progress(1, message);
            } else {
                ctx.progress(done, total, message);
            }
            ctx.publish(new TrainingProgress(done, total, chunks, distinct, List.copyOf(latest)));
        }

        @Override
        public boolean isCancelled() {
            return ctx.isCancelled();
        }

        private static String text(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
