package org.llmplayground.evaluation.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * BLEU exactly as sacreBLEU 2.x computes it by default (sacrebleu/metrics/bleu.py, tokenizers/tokenizer_13a.py): the
 * 13a tokenizer, n-grams of order 1–4, clipped counts against the maximum count over the references, the brevity
 * penalty against the closest reference length (ties: the shorter), and "exp" smoothing (the k-th order without a
 * match gets precision 100 / (2^k · total)). Sentence BLEU uses the effective order (orders without hypothesis
 * n-grams are left out); corpus BLEU sums the statistics of every segment first.
 * <p>Worked example: hypothesis "the cat sat", reference "the cat sat down": 1-grams 3/3, 2-grams 2/2, 3-grams 1/1,
 * 4-grams 0/0 (no order 4: effective order 3), bp = exp(1 − 4/3) = 0.7165, score = 71.65.
 */
public final class Bleu {
    public static final int MAX_ORDER = 4;

    private Bleu() {
    }

    /** sacreBLEU's BLEUScore fields: score and precisions 0–100, counts (matches) and totals per order. */
    public record Score(double score, int[] counts, int[] totals, double[] precisions, double bp, int sysLen, int refLen) {
    }

    // 13a's regular expressions (tokenizer_re.py), applied in order
    private static final Pattern PUNCT = Pattern.compile("([\\{-\\~\\[-\\` -\\&\\(-\\+\\:-\\@\\/])");
    private static final Pattern PERIOD_COMMA_AFTER_NON_DIGIT = Pattern.compile("([^0-9])([\\.,])");
    private static final Pattern PERIOD_COMMA_BEFORE_NON_DIGIT = Pattern.compile("([\\.,])([^0-9])");
    private static final Pattern DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");

    /** sacreBLEU's 13a tokenizer of one (already right-stripped) line: tokens joined by single spaces. */
    public static String tokenize13a(String line) {
        line = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
        if (line.indexOf('&') >= 0) {
            line = line.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        }
        line = " " + line + " ";
        line = PUNCT.matcher(line).replaceAll(" $1 ");
        line = PERIOD_COMMA_AFTER_NON_DIGIT.matcher(line).replaceAll("$1 $2 ");
        line = PERIOD_COMMA_BEFORE_NON_DIGIT.matcher(line).replaceAll(" $1 $2");
        line = DASH_AFTER_DIGIT.matcher(line).replaceAll("$1 $2 ");
        return String.join(" ", PyStr.split(line));
    }

    /** What sacreBLEU does to a segment before counting: rstrip, then 13a. */
    static String preprocess(String s) {
        return tokenize13a(PyStr.rstrip(s));
    }

    /** Segment statistics: [hyp_len, ref_len, correct_1..4, total_1..4], as sacreBLEU's _compute_segment_statistics. */
    static long[] statistics(String hypothesis, List<String> references) {
        Map<List<String>, Integer> refMax = new HashMap<>();
        List<Integer> refLens = new ArrayList<>();
        for (String r : references) {
            List<String> tokens = PyStr.split(preprocess(r));
            refLens.add(tokens.size());
            ngrams(tokens).forEach((g, c) -> refMax.merge(g, c, Math::max));
        }
        List<String> hyp = PyStr.split(preprocess(hypothesis));
        long[] stats = new long[2 + 2 * MAX_ORDER];
        stats[0] = hyp.size();
        stats[1] = closestRefLen(hyp.size(), refLens);
        ngrams(hyp).forEach((g, c) -> {
            int n = g.size() - 1;
            stats[2 + MAX_ORDER + n] += c;
            Integer r = refMax.get(g);
            if (r != null) {
                stats[2 + n] += Math.min(c, r);
            }
        });
        return stats;
    }

    private static Map<List<String>, Integer> ngrams(List<String> tokens) {
        Map<List<String>, Integer> out = new HashMap<>();
        for (int n = 1; n <= MAX_ORDER; n++) {
            for (int i = 0; i + n <= tokens.size(); i++) {
                out.merge(List.copyOf(tokens.subList(i, i + n)), 1, Integer::sum);
            }
        }
        return out;
    }

    /** The reference length closest to the hypothesis length; on a tie the shorter one. */
    static int closestRefLen(int hypLen, List<Integer> refLens) {
        int closestDiff = -1;
        int closestLen = -1;
        for (int refLen : refLens) {
            int diff = Math.abs(hypLen - refLen);
            if (closestDiff == -1 || diff < closestDiff) {
                closestDiff = diff;
                closestLen = refLen;
            } else if (diff == closestDiff && refLen < closestLen) {
                closestLen = refLen;
            }
        }
        return closestLen;
    }

    /** sacreBLEU's sentence_bleu(hypothesis, references): effective order on. */
    public static Score sentence(String hypothesis, List<String> references) {
        return compute(statistics(hypothesis, references), true);
    }

    /**
     * sacreBLEU's corpus_bleu: {@code references.get(i)} are segment i's references (any number, none null; sacreBLEU's
     * None entries of a stream are simply absent here).
     */
    public static Score corpus(List<String> hypotheses, List<List<String>> references) {
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException("BLEU needs one list of references per hypothesis: " + hypotheses.size()
                    + " hypotheses, " + references.size() + " reference lists.");
        }
        long[] sum = new long[2 + 2 * MAX_ORDER];
        for (int i = 0; i < hypotheses.size(); i++) {
            long[] s = statistics(hypotheses.get(i), references.get(i));
            for (int k = 0; k < sum.length; k++) {
                sum[k] += s[k];
            }
        }
        return compute(sum, false);
    }

    /** compute_bleu with smooth_method exp. */
    static Score compute(long[] stats, boolean effectiveOrder) {
        int sysLen = (int) stats[0];
        int refLen = (int) stats[1];
        int[] correct = new int[MAX_ORDER];
        int[] total = new int[MAX_ORDER];
        for (int n = 0; n < MAX_ORDER; n++) {
            correct[n] = (int) stats[2 + n];
            total[n] = (int) stats[2 + MAX_ORDER + n];
        }
        double bp = 1.0;
        if (sysLen < refLen) {
            bp = sysLen > 0 ? Math.exp(1 - (double) refLen / sysLen) : 0.0;
        }
        double[] precisions = new double[MAX_ORDER];
        boolean any = false;
        for (int c : correct) {
            any |= c != 0;
        }
        if (!any) { // early stop when nothing matches (sacreBLEU #141)
            return new Score(0.0, correct, total, precisions, bp, sysLen, refLen);
        }
        double smooth = 1.0;
        int effOrder = MAX_ORDER;
        for (int n = 1; n <= MAX_ORDER; n++) {
            if (total[n - 1] == 0) {
                break;
            }
            if (effectiveOrder) {
                effOrder = n;
            }
            if (correct[n - 1] == 0) {
                smooth *= 2;
                precisions[n - 1] = 100. / (smooth * total[n - 1]);
            } else {
                precisions[n - 1] = 100. * correct[n - 1] / total[n - 1];
            }
        }
        double sum = 0;
        for (int i = 0; i < effOrder; i++) {
            sum += precisions[i] == 0.0 ? -9999999999.0 : Math.log(precisions[i]);
        }
        return new Score(bp * Math.exp(sum / effOrder), correct, total, precisions, bp, sysLen, refLen);
    }
}
