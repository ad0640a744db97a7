package org.llmplayground.evaluation.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * chrF exactly as sacreBLEU 2.x computes it by default (sacrebleu/metrics/chrf.py): character n-grams of order 1–6
 * of the text with its whitespace removed, β = 2 (recall weighs 4× precision), no word n-grams; per order the
 * precision and recall of matched n-grams; precision and recall averaged over the orders both sides have ("effective
 * order"), F_β of the averages. Sentence level: the reference with the best F; corpus level: the chosen references'
 * statistics summed over segments.
 * <p>Worked example: "ab" vs "abc": order 1 P 2/2 R 2/3, order 2 P 1/1 R 1/2, (orders 3–6: the hypothesis has none);
 * P̄ = 1, R̄ = 0.5833, F₂ = 5·P̄·R̄ / (4·P̄ + R̄) = 63.64.
 */
public final class Chrf {
    public static final int CHAR_ORDER = 6;
    public static final double BETA = 2;

    private Chrf() {
    }

    private static List<Map<String, Integer>> ngrams(String line) {
        String s = String.join("", PyStr.split(line));
        int[] cps = s.codePoints().toArray();
        List<Map<String, Integer>> out = new java.util.ArrayList<>();
        for (int n = 1; n <= CHAR_ORDER; n++) {
            Map<String, Integer> counts = new HashMap<>();
            for (int i = 0; i + n <= cps.length; i++) {
                counts.merge(new String(cps, i, n), 1, Integer::sum);
            }
            out.add(counts);
        }
        return out;
    }

    /** [hyp, ref, match] per order for one hypothesis and one reference. */
    private static long[] match(List<Map<String, Integer>> hyp, List<Map<String, Integer>> ref) {
        long[] stats = new long[3 * CHAR_ORDER];
        for (int o = 0; o < CHAR_ORDER; o++) {
            Map<String, Integer> h = hyp.get(o);
            Map<String, Integer> r = ref.get(o);
            long matchCount = 0;
            long hypCount = 0;
            for (Map.Entry<String, Integer> e : h.entrySet()) {
                hypCount += e.getValue();
                Integer rc = r.get(e.getKey());
                if (rc != null) {
                    matchCount += Math.min(e.getValue(), rc);
                }
            }
            long refCount = 0;
            for (int c : r.values()) {
                refCount += c;
            }
            stats[3 * o] = r.isEmpty() ? 0 : hypCount; // no hits counted where the reference has no n-gram of this order
            stats[3 * o + 1] = refCount;
            stats[3 * o + 2] = matchCount;
        }
        return stats;
    }

    /** The best reference's statistics (highest F; the first on ties). */
    static long[] statistics(String hypothesis, List<String> references) {
        List<Map<String, Integer>> hyp = ngrams(hypothesis);
        long[] best = new long[0];
        double bestF = -1;
        for (String r : references) {
            long[] s = match(hyp, ngrams(r));
            double f = fScore(s);
            if (f > bestF) {
                bestF = f;
                best = s;
            }
        }
        return best;
    }

    /** sacreBLEU's _compute_f_score (eps_smoothing off): 0–100. */
    static double fScore(long[] stats) {
        if (stats.length == 0) {
            return 0.0;
        }
        double eps = 1e-16;
        double factor = BETA * BETA;
        double avgPrec = 0;
        double avgRec = 0;
        int effective = 0;
        for (int i = 0; i < CHAR_ORDER; i++) {
            long nHyp = stats[3 * i];
            long nRef = stats[3 * i + 1];
            long nMatch = stats[3 * i + 2];
            double prec = nHyp > 0 ? (double) nMatch / nHyp : eps;
            double rec = nRef > 0 ? (double) nMatch / nRef : eps;
            if (nHyp > 0 && nRef > 0) {
                avgPrec += prec;
                avgRec += rec;
                effective++;
            }
        }
        if (effective == 0) {
            avgPrec = 0;
            avgRec = 0;
        } else {
            avgPrec /= effective;
            avgRec /= effective;
        }
        if (avgPrec + avgRec != 0) {
            return 100 * ((1 + factor) * avgPrec * avgRec / (factor * avgPrec + avgRec));
        }
        return 0.0;
    }

    public static double sentence(String hypothesis, List<String> references) {
        return fScore(statistics(hypothesis, references));
    }

    public static double corpus(List<String> hypotheses, List<List<String>> references) {
        long[] sum = new long[3 * CHAR_ORDER];
        for (int i = 0; i < hypotheses.size(); i++) {
            long[] s = statistics(hypotheses.get(i), references.get(i));
            for (int k = 0; k < s.length; k++) {
                sum[k] += s[k];
            }
        }
        return fScore(sum);
    }
}
