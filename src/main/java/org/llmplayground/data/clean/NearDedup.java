package org.llmplayground.data.clean;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.core.LowerCaseFilter;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.minhash.MinHashFilter;
import org.apache.lucene.analysis.shingle.ShingleFilter;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Near-duplicate removal with MinHash and LSH, the way large web corpora are deduplicated:
 * <ol>
 *   <li>a document becomes the set of its word n-grams ("shingles"; n = 2: "the cat sat" → {the cat, cat sat});</li>
 *   <li>Lucene's {@link MinHashFilter} hashes every shingle into one of {@code hashes} buckets and keeps each bucket's
 *       smallest hash: the signature. For two sets A and B, a bucket's minimum is the same with probability equal to
 *       their Jaccard similarity |A ∩ B| / |A ∪ B|, so the share of equal positions estimates it (±0.04 with 128);</li>
 *   <li>LSH banding finds candidates without comparing every pair: the signature is cut into {@code bands} bands of
 *       {@code rows} values, and documents sharing any whole band are candidates. A pair with similarity J becomes a
 *       candidate with probability 1 − (1 − J^rows)^bands: with 64 bands of 2, 0.45 → 99.9 %, 0.05 → 15 %, 0.01 → 0.6 %;</li>
 *   <li>a candidate whose estimated Jaccard reaches {@code threshold} marks the document as a near duplicate of it.</li>
 * </ol>
 * A substitution of 20 % of the words leaves about 64 % of word pairs intact, Jaccard ≈ 0.47; unrelated texts share
 * almost no word pairs. Keeps one signature per kept document (hashes × 8 bytes).
 */
public final class NearDedup implements Stage {
    private final int shingleWords;
    private final int bands;
    private final int rows;
    private final double threshold;
    private final List<long[]> signatures = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();
    private final Map<Long, List<Integer>> buckets = new HashMap<>();
    private final Map<Integer, Integer> clusterSizes = new HashMap<>();

    public NearDedup(int shingleWords, int bands, int rows, double threshold) {
        if (shingleWords < 1 || bands < 1 || rows < 1 || threshold <= 0 || threshold > 1) {
            throw new IllegalArgumentException("shingle words, bands and rows must be ≥ 1 and the threshold in (0, 1]");
        }
        this.shingleWords = shingleWords;
        this.bands = bands;
        this.rows = rows;
        this.threshold = threshold;
    }

    /** Word pairs, 64 bands × 2 rows = 128 hashes, Jaccard ≥ 0.35. */
    public static NearDedup defaults() {
        return new NearDedup(2, 64, 2, 0.35);
    }

    @Override
    public String name() {
        return "near dedup";
    }

    /** A candidate found for a document: which kept document, and their estimated Jaccard similarity. */
    public record Match(String keptId, double jaccard) {
    }

    @Override
    public synchronized Optional<Document> apply(Document d, StageReport report) {
        long[] sig = signature(d.text());
        Optional<Match> match = bestMatch(sig);
        if (match.isPresent()) {
            report.removed(d, "near duplicate");
            return Optional.empty();
        }
        int index = signatures.size();
        signatures.add(sig);
        ids.add(d.id());
        for (int b = 0; b < bands; b++) {
            buckets.computeIfAbsent(bandKey(sig, b), k -> new ArrayList<>(1)).add(index);
        }
        return Optional.of(d);
    }

    /** The most similar kept document at or above the threshold, if any. */
    Optional<Match> bestMatch(long[] sig) {
        Set<Integer> candidates = new LinkedHashSet<>();
        for (int b = 0; b < bands; b++) {
            List<Integer> in = buckets.get(bandKey(sig, b));
            if (in != null) {
                candidates.addAll(in);
            }
        }
        int best = -1;
        double bestJ = 0;
        for (int c : candidates) {
            double j = jaccard(sig, signatures.get(c));
            if (j >= threshold && j > bestJ) {
                best = c;
                bestJ = j;
            }
        }
        if (best >= 0) {
            clusterSizes.merge(best, 1, Integer::sum);
            return Optional.of(new Match(ids.get(best), bestJ));
        }
        return Optional.empty();
    }

    /** Kept documents that had at least one near duplicate removed: the clusters. */
    public synchronized int clusters() {
        return clusterSizes.size();
    }

    /** Share of equal positions of two signatures: the MinHash estimate of the Jaccard similarity. */
    public static double jaccard(long[] a, long[] b) {
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            same += a[i] == b[i] ? 1 : 0;
        }
        return (double) same / a.length;
    }

    private long bandKey(long[] sig, int band) {
        long h = 0x9E3779B97F4A7C15L * (band + 1);
        for (int r = 0; r < rows; r++) {
            h = (h ^ sig[band * rows + r]) * 0x100000001B3L;
        }
        return h;
    }

    /** bands × rows MinHash values of the text's word shingles (lower-cased). */
    public long[] signature(String text) {
        long[] sig = new long[bands * rows];
        try (WhitespaceTokenizer tokenizer = new WhitespaceTokenizer()) {
            tokenizer.setReader(new StringReader(text.toLowerCase(Locale.ROOT)));
            TokenStream stream = new LowerCaseFilter(tokenizer);
            if (shingleWords > 1) {
                ShingleFilter shingles = new ShingleFilter(stream, shingleWords, shingleWords);
                shingles.setOutputUnigrams(false);
                shingles.setOutputUnigramsIfNoShingles(true);
                stream = shingles;
            }
            try (TokenStream minhash = new MinHashFilter(stream, 1, sig.length, 1, true)) {
                CharTermAttribute term = minhash.addAttribute(CharTermAttribute.class);
                minhash.reset();
                int i = 0;
                while (minhash.incrementToken() && i < sig.length) {
                    sig[i++] = hash(term);
                }
                minhash.end();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sig;
    }

    /** FNV-1a over the term's characters (MinHashFilter writes each bucket's hash as a short string). */
    private static long hash(CharTermAttribute t) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < t.length(); i++) {
            h = (h ^ t.charAt(i)) * 0x100000001b3L;
        }
        return h;
    }
}
