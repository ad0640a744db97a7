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
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Near-duplicate removal with MinHash and LSH, the way large web corpora are deduplicated:
 * <ol>
 *   <li>a document becomes the set of its word n-grams ("shingles"; n = 2: "the cat sat" → {the cat, cat sat});</li>
 *   <li>Lucene's {@link MinHashFilter} hashes every shingle into one of {@code bands × rows} buckets and keeps each
 *       bucket's smallest hash: the signature. For two sets A and B, a bucket's minimum is the same with probability
 *       equal to their Jaccard similarity |A ∩ B| / |A ∪ B|, so the share of equal positions estimates it (±0.04
 *       with 150 values);</li>
 *   <li>LSH banding finds candidates without comparing every pair: the signature is cut into {@code bands} bands of
 *       {@code rows} values, and documents sharing any whole band are candidates. A pair with similarity J becomes a
 *       candidate with probability 1 − (1 − J^rows)^bands: with 50 bands of 3, J = 0.47 → 99.6 %, 0.35 → 89 %,
 *       0.05 → 0.6 %, 0.02 → 0.04 % (so a document meets few strangers among a million);</li>
 *   <li>a candidate whose estimated Jaccard reaches {@code threshold} marks the document as a near duplicate of it.</li>
 * </ol>
 * A substitution of 20 % of the words leaves about 64 % of word pairs intact, Jaccard ≈ 0.47; unrelated texts share
 * almost no word pairs.
 * <p>
 * Memory per kept document: its signature as 16-bit values (300 bytes; two different values are equal by chance
 * once in 65,536, too rarely to move an estimate) and one int slot per band in {@link IntIntMap}s (about 50 × 8 ×
 * 1.5 bytes): roughly 1 KB, so a million kept documents need about 1 GB and 300,000 about 300 MB.
 */
public final class NearDedup implements KeyedStage<int[]> {
    private static final int CHUNK = 1024; // documents per signature block (300 KB: small enough not to take whole GC regions)
    private final int shingleWords;
    private final int bands;
    private final int rows;
    private final double threshold;
    private final List<short[]> signatures = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();
    private final IntIntMap[] index;
    private final Map<Integer, Integer> clusterSizes = new HashMap<>();
    private int kept;

    public NearDedup(int shingleWords, int bands, int rows, double threshold) {
        if (shingleWords < 1 || bands < 1 || rows < 1 || threshold <= 0 || threshold > 1) {
            throw new IllegalArgumentException("shingle words, bands and rows must be ≥ 1 and the threshold in (0, 1]");
        }
        this.shingleWords = shingleWords;
        this.bands = bands;
        this.rows = rows;
        this.threshold = threshold;
        this.index = new IntIntMap[bands];
        for (int b = 0; b < bands; b++) {
            index[b] = new IntIntMap(1024);
        }
    }

    /** Word pairs, 50 bands × 3 rows = 150 hashes, Jaccard ≥ 0.35. */
    public static NearDedup defaults() {
        return new NearDedup(2, 50, 3, 0.35);
    }

    @Override
    public String name() {
        return "near dedup";
    }

    /** A candidate found for a document: which kept document, and their estimated Jaccard similarity. */
    public record Match(String keptId, double jaccard) {
    }

    /** A kept document and how many near duplicates of it were removed. */
    public record Cluster(String keptId, int removed) {
    }

    @Override
    public int[] key(Document d) {
        return signature(d.text());
    }

    @Override
    public synchronized Optional<Document> decide(Document d, int[] sig, StageReport report) {
        if (sig.length == 0) {
            return Optional.of(d); // no words: nothing to compare
        }
        Optional<Match> match = bestMatch(sig);
        if (match.isPresent()) {
            report.removed(d, "near duplicate", String.format(java.util.Locale.ROOT, "near duplicate of %s, Jaccard ≈ %.2f",
                    match.get().keptId(), match.get().jaccard()));
            return Optional.empty();
        }
        int doc = kept++;
        if (doc % CHUNK == 0) {
            signatures.add(new short[CHUNK * sig.length]);
        }
        short[] block = signatures.get(doc / CHUNK);
        int offset = (doc % CHUNK) * sig.length;
        for (int i = 0; i < sig.length; i++) {
            block[offset + i] = (short) sig[i];
        }
        ids.add(d.id());
        for (int b = 0; b < bands; b++) {
            index[b].putIfAbsent(bandKey(sig, b), doc);
        }
        return Optional.of(d);
    }

    /**
     * The most similar kept document at or above the threshold, if any. Each band holds the first kept document
     * with that band value; a later kept document with the same value is still found through its other bands.
     */
    Optional<Match> bestMatch(int[] sig) {
        int best = -1;
        double bestJ = 0;
        for (int b = 0; b < bands; b++) {
            int c = index[b].get(bandKey(sig, b));
            if (c >= 0 && c != best) {
                double j = jaccard(sig, c);
                if (j >= threshold && j > bestJ) {
                    best = c;
                    bestJ = j;
                }
            }
        }
        if (best >= 0) {
            clusterSizes.merge(best, 1, Integer::sum);
            return Optional.of(new Match(ids.get(best), bestJ));
        }
        return Optional.empty();
    }

    private double jaccard(int[] sig, int doc) {
        short[] block = signatures.get(doc / CHUNK);
        int offset = (doc % CHUNK) * sig.length;
        int same = 0;
        for (int i = 0; i < sig.length; i++) {
            same += block[offset + i] == (short) sig[i] ? 1 : 0;
        }
        return (double) same / sig.length;
    }

    /** Kept documents that had at least one near duplicate removed: the clusters. */
    public synchronized int clusters() {
        return clusterSizes.size();
    }

    /** The largest clusters, biggest first. */
    public synchronized List<Cluster> largestClusters(int n) {
        return clusterSizes.entrySet().stream().sorted(Map.Entry.<Integer, Integer>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(n).map(e -> new Cluster(ids.get(e.getKey()), e.getValue())).toList();
    }

    /** Share of equal positions of two signatures: the MinHash estimate of the Jaccard similarity. */
    public static double jaccard(int[] a, int[] b) {
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            same += a[i] == b[i] ? 1 : 0;
        }
        return (double) same / a.length;
    }

    private int bandKey(int[] sig, int band) {
        int h = 0x9E3779B9 * (band + 1);
        for (int r = 0; r < rows; r++) {
            h = (h ^ sig[band * rows + r]) * 0x01000193;
        }
        return h;
    }

    /** bands × rows MinHash values of the text's word shingles (lower-cased); empty when the text has no words. */
    public int[] signature(String text) {
        int[] sig = new int[bands * rows];
        int i = 0;
        try (WhitespaceTokenizer tokenizer = new WhitespaceTokenizer()) {
            tokenizer.setReader(new StringReader(text));
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
                while (minhash.incrementToken() && i < sig.length) {
                    sig[i++] = hash(term);
                }
                minhash.end();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return i == 0 ? new int[0] : sig;
    }

    /** FNV-1a over the term's characters (MinHashFilter writes each bucket's hash as a short string). */
    private static int hash(CharTermAttribute t) {
        int h = 0x811c9dc5;
        for (int i = 0; i < t.length(); i++) {
            h = (h ^ t.charAt(i)) * 0x01000193;
        }
        return h;
    }
}
