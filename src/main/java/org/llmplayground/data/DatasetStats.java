package org.llmplayground.data;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Statistics of a dataset, gathered one document at a time: documents, characters, words, tokens (with a chosen
 * tokenizer), vocabulary (distinct lower-cased words), the most frequent words, and the distribution of document
 * lengths in words as a histogram with power-of-two bins (1, 2–3, 4–7, 8–15, …, because web documents range from a
 * line to a book) and percentiles. Keeps one int per document for the percentiles and at most
 * {@value #MAX_VOCABULARY} distinct words (beyond that the vocabulary is reported as "at least").
 */
public final class DatasetStats {
    static final int MAX_VOCABULARY = 1_000_000;
    private static final int BINS = 24;
    private final ToLongFunction<String> tokenCounter;
    private final String tokenizer;
    private long documents;
    private long characters;
    private long words;
    private long tokens;
    private int[] lengths = new int[1024];
    private final long[] bins = new long[BINS];
    private final Map<String, long[]> vocabulary = new HashMap<>();
    private boolean vocabularyCapped;

    /** One histogram bar: documents with {@code from} to {@code to} words (inclusive). */
    @Serdeable
    public record Bin(long from, long to, long documents) {
    }

    @Serdeable
    public record WordCount(String word, long count) {
    }

    /** Documents kept apart as duplicates by the cleaning stages, and the largest groups. */
    @Serdeable
    public record Duplicates(long exactRemoved, long exactClusters, long nearRemoved, long nearClusters, List<String> largestClusters) {
        public static final Duplicates NONE = new Duplicates(0, 0, 0, 0, List.of());
    }

    /** Everything the dashboard shows. {@code tokens} is null when no tokenizer was chosen. */
    @Serdeable
    public record Snapshot(long documents, long characters, long words, @Nullable Long tokens, @Nullable String tokenizer,
                           long vocabulary, boolean vocabularyAtLeast, double meanWords, Map<String, Long> percentiles,
                           List<Bin> lengthHistogram, List<WordCount> topWords, Map<String, Long> languages,
                           boolean languagesSampled, Duplicates duplicates) {
        public Snapshot with(Map<String, Long> langs, boolean sampled, Duplicates dups) {
            return new Snapshot(documents, characters, words, tokens, tokenizer, vocabulary, vocabularyAtLeast, meanWords, percentiles,
                    lengthHistogram, topWords, langs, sampled, dups);
        }
    }

    /** @param tokenizer a tokenizer id to count tokens with, or null for none; {@code tokenCounter} counts them */
    public DatasetStats(@Nullable String tokenizer, @Nullable ToLongFunction<String> tokenCounter) {
        this.tokenizer = tokenizer;
        this.tokenCounter = tokenCounter;
    }

    public void add(String text) {
        int n = countWords(text);
        if (documents == lengths.length) {
            lengths = Arrays.copyOf(lengths, lengths.length * 2);
        }
        lengths[(int) documents++] = n;
        characters += text.length();
        words += n;
        bins[Math.min(BINS - 1, 31 - Integer.numberOfLeadingZeros(Math.max(1, n)))]++;
        if (tokenCounter != null) {
            tokens += tokenCounter.applyAsLong(text);
        }
    }

    /** Counts the words (whitespace-separated) and adds them, lower-cased and without surrounding punctuation, to the vocabulary. */
    private int countWords(String text) {
        String[] words = org.llmplayground.data.clean.QualityFilter.words(text);
        for (String w : words) {
            addWord(w, 0, w.length());
        }
        return words.length;
    }

    private void addWord(String text, int start, int end) {
        while (start < end && !Character.isLetterOrDigit(text.charAt(start))) {
            start++;
        }
        while (end > start && !Character.isLetterOrDigit(text.charAt(end - 1))) {
            end--;
        }
        if (start == end) {
            return;
        }
        String w = text.substring(start, end).toLowerCase(Locale.ROOT);
        long[] c = vocabulary.get(w);
        if (c != null) {
            c[0]++;
        } else if (vocabulary.size() < MAX_VOCABULARY) {
            vocabulary.put(w, new long[]{1});
        } else {
            vocabularyCapped = true;
        }
    }

    public long documents() {
        return documents;
    }

    public Snapshot snapshot() {
        int[] sorted = Arrays.copyOf(lengths, (int) documents);
        Arrays.sort(sorted);
        Map<String, Long> pct = new LinkedHashMap<>();
        for (int p : new int[]{5, 25, 50, 75, 95, 99}) {
            pct.put("p" + p, sorted.length == 0 ? 0L : (long) sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)]);
        }
        pct.put("max", sorted.length == 0 ? 0L : (long) sorted[sorted.length - 1]);
        List<Bin> hist = new ArrayList<>();
        int last = BINS - 1;
        while (last > 0 && bins[last] == 0) {
            last--;
        }
        for (int b = 0; b <= last; b++) {
            hist.add(new Bin(1L << b, (1L << (b + 1)) - 1, bins[b]));
        }
        List<WordCount> top = vocabulary.entrySet().stream()
                .sorted((a, b) -> a.getValue()[0] != b.getValue()[0] ? Long.compare(b.getValue()[0], a.getValue()[0]) : a.getKey().compareTo(b.getKey()))
                .limit(20).map(e -> new WordCount(e.getKey(), e.getValue()[0])).toList();
        return new Snapshot(documents, characters, words, tokenCounter == null ? null : tokens, tokenizer, vocabulary.size(), vocabularyCapped,
                documents == 0 ? 0 : (double) words / documents, pct, hist, top, Map.of(), false, Duplicates.NONE);
    }
}
