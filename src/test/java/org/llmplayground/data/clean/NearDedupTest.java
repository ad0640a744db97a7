package org.llmplayground.data.clean;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** MinHash + LSH on a synthetic corpus with planted near-duplicates (5–20 % of the words replaced). */
class NearDedupTest {
    static String randomDoc(Random r, List<String> vocab, int words) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < words; i++) {
            b.append(vocab.get(r.nextInt(vocab.size()))).append(' ');
        }
        return b.toString().strip();
    }

    static String edit(Random r, List<String> vocab, String doc, double fraction) {
        String[] w = doc.split(" ");
        for (int i = 0; i < w.length; i++) {
            if (r.nextDouble() < fraction) {
                w[i] = vocab.get(r.nextInt(vocab.size()));
            }
        }
        return String.join(" ", w);
    }

    static List<String> vocabulary(int n) {
        List<String> v = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            v.add("w" + Integer.toString(i * 7919 % 100_003, 36));
        }
        return v;
    }

    @Test
    void signaturesEstimateJaccard() {
        NearDedup d = NearDedup.defaults();
        Random r = new Random(1);
        List<String> vocab = vocabulary(3000);
        String a = randomDoc(r, vocab, 300);
        assertThat(NearDedup.jaccard(d.signature(a), d.signature(a))).isEqualTo(1.0);
        assertThat(NearDedup.jaccard(d.signature(a), d.signature(randomDoc(r, vocab, 300)))).isLessThan(0.05);
        // exact Jaccard of word pairs vs the 128-hash estimate
        String b = edit(r, vocab, a, 0.1);
        double exact = exactJaccard(a, b);
        assertThat(NearDedup.jaccard(d.signature(a), d.signature(b))).isCloseTo(exact, within(0.13)); // 3 standard errors
    }

    static double exactJaccard(String a, String b) {
        Set<String> x = pairs(a);
        Set<String> y = pairs(b);
        Set<String> both = new HashSet<>(x);
        both.retainAll(y);
        Set<String> any = new HashSet<>(x);
        any.addAll(y);
        return (double) both.size() / any.size();
    }

    static Set<String> pairs(String s) {
        String[] w = s.split(" ");
        Set<String> out = new HashSet<>();
        for (int i = 0; i + 1 < w.length; i++) {
            out.add(w[i] + " " + w[i + 1]);
        }
        return out;
    }

    @Test
    void plantedNearDuplicatesAreFoundWithHighRecallAndPrecision() {
        Random r = new Random(42);
        List<String> vocab = vocabulary(5000);
        List<Document> corpus = new ArrayList<>();
        List<String> originals = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String t = randomDoc(r, vocab, 120 + r.nextInt(200));
            originals.add(t);
            corpus.add(new Document("orig-" + i, t));
        }
        // the copies come after all originals (in random order), so each copy has a kept original to match: recall is
        // then exactly "planted copies removed / planted" (were the original last, two 20 % edits of it are only
        // J ≈ 0.25 apart and both would rightly stay)
        Set<String> planted = new HashSet<>();
        List<Document> copies = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            double fraction = 0.05 + 0.15 * r.nextDouble();
            String id = "dup-" + i;
            planted.add(id);
            copies.add(new Document(id, edit(r, vocab, originals.get(r.nextInt(originals.size())), fraction)));
        }
        Collections.shuffle(corpus, r);
        Collections.shuffle(copies, r);
        corpus.addAll(copies);
        NearDedup dedup = NearDedup.defaults();
        StageReport report = new StageReport("near");
        Set<String> removed = new HashSet<>();
        for (Document d : corpus) {
            if (dedup.apply(d, report).isEmpty()) {
                removed.add(d.id());
            }
        }
        long found = removed.stream().filter(planted::contains).count();
        double precision = (double) found / removed.size();
        double recall = (double) found / planted.size();
        assertThat(recall).as("recall").isGreaterThanOrEqualTo(0.97);
        assertThat(precision).as("precision").isEqualTo(1.0);
        assertThat(report.summary().reasons().get("near duplicate")).isEqualTo(removed.size());
        assertThat(dedup.clusters()).isPositive();
        assertThat(dedup.largestClusters(3)).hasSize(3).allSatisfy(c -> assertThat(c.keptId()).startsWith("orig-"));
        assertThat(report.summary().examples().get(0).note()).matches("near duplicate of orig-\\d+, Jaccard ≈ 0\\.\\d\\d");
    }

}
