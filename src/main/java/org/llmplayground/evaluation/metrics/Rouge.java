package org.llmplayground.evaluation.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * ROUGE exactly as Google's rouge-score package 0.1.2 computes it (rouge_score/rouge_scorer.py, tokenize.py,
 * scoring.py): text lower-cased, every run of characters outside [a-z0-9] a separator, tokens longer than 3 letters
 * stemmed with NLTK's Porter stemmer when asked. rouge1/rouge2: clipped n-gram overlap over the prediction's n-grams
 * (precision) and the target's (recall); rougeL: the longest common subsequence of the two token lists; rougeLsum:
 * the summary-level LCS over sentences split on newlines (the union of each target sentence's LCS with every
 * prediction sentence, each token counted at most as often as it occurs). F = 2PR / (P + R).
 * <p>Worked example: target "the cat sat", prediction "the cat ran": rouge1 P = R = 2/3, rouge2 P = R = 1/2, rougeL
 * LCS "the cat" = 2 tokens, P = R = 2/3.
 */
public final class Rouge {
    public static final List<String> TYPES = List.of("rouge1", "rouge2", "rougeL", "rougeLsum");
    private static final Pattern NON_ALPHANUM = Pattern.compile("[^a-z0-9]+");
    private static final Pattern VALID = Pattern.compile("^[a-z0-9]+$");

    private Rouge() {
    }

    /** rouge-score's Score: precision, recall, fmeasure. */
    public record Score(double precision, double recall, double fmeasure) {
        static final Score ZERO = new Score(0, 0, 0);

        static Score of(double precision, double recall) {
            return new Score(precision, recall, precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0);
        }
    }

    /** rouge-score's tokenize(text, stemmer). */
    public static List<String> tokenize(String text, boolean stem) {
        String t = NON_ALPHANUM.matcher(PyStr.lower(text)).replaceAll(" ");
        List<String> out = new ArrayList<>();
        for (String token : t.split("\\s+", -1)) { // re.split keeps empty strings at the ends; the VALID filter drops them
            String x = stem && token.length() > 3 ? PorterStemmer.stem(token) : token;
            if (VALID.matcher(x).matches()) {
                out.add(x);
            }
        }
        return out;
    }

    /** RougeScorer(TYPES, use_stemmer).score(target, prediction): every type. */
    public static Map<String, Score> score(String target, String prediction, boolean stem) {
        List<String> t = tokenize(target, stem);
        List<String> p = tokenize(prediction, stem);
        Map<String, Score> out = new LinkedHashMap<>();
        out.put("rouge1", ngramScore(ngrams(t, 1), ngrams(p, 1)));
        out.put("rouge2", ngramScore(ngrams(t, 2), ngrams(p, 2)));
        out.put("rougeL", lcsScore(t, p));
        out.put("rougeLsum", summaryLcs(sentences(target, stem), sentences(prediction, stem)));
        return out;
    }

    /** score_multi(targets, prediction): per type, the target with the highest F (the first on ties). */
    public static Map<String, Score> scoreMulti(List<String> targets, String prediction, boolean stem) {
        List<Map<String, Score>> all = targets.stream().map(t -> score(t, prediction, stem)).toList();
        Map<String, Score> out = new LinkedHashMap<>();
        for (String type : TYPES) {
            Score best = null;
            for (Map<String, Score> s : all) {
                if (best == null || s.get(type).fmeasure() > best.fmeasure()) {
                    best = s.get(type);
                }
            }
            out.put(type, best);
        }
        return out;
    }

    private static List<List<String>> sentences(String text, boolean stem) {
        List<List<String>> out = new ArrayList<>();
        for (String s : text.split("\n", -1)) {
            if (!s.isEmpty()) {
                out.add(tokenize(s, stem));
            }
        }
        return out;
    }

    private static Map<List<String>, Integer> ngrams(List<String> tokens, int n) {
        Map<List<String>, Integer> out = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) {
            out.merge(List.copyOf(tokens.subList(i, i + n)), 1, Integer::sum);
        }
        return out;
    }

    private static Score ngramScore(Map<List<String>, Integer> target, Map<List<String>, Integer> prediction) {
        int overlap = 0;
        for (Map.Entry<List<String>, Integer> e : target.entrySet()) {
            overlap += Math.min(e.getValue(), prediction.getOrDefault(e.getKey(), 0));
        }
        int t = target.values().stream().mapToInt(Integer::intValue).sum();
        int p = prediction.values().stream().mapToInt(Integer::intValue).sum();
        return Score.of((double) overlap / Math.max(p, 1), (double) overlap / Math.max(t, 1));
    }

    private static int[][] lcsTable(List<String> ref, List<String> can) {
        int[][] t = new int[ref.size() + 1][can.size() + 1];
        for (int i = 1; i <= ref.size(); i++) {
            for (int j = 1; j <= can.size(); j++) {
                t[i][j] = ref.get(i - 1).equals(can.get(j - 1)) ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
            }
        }
        return t;
    }

    private static Score lcsScore(List<String> target, List<String> prediction) {
        if (target.isEmpty() || prediction.isEmpty()) {
            return Score.ZERO;
        }
        int lcs = lcsTable(target, prediction)[target.size()][prediction.size()];
        return Score.of((double) lcs / prediction.size(), (double) lcs / target.size());
    }

    /** The indices into ref of one LCS with can, found by rouge-score's backtracking (_backtrack_norec). */
    private static List<Integer> lcsIndices(List<String> ref, List<String> can) {
        int[][] t = lcsTable(ref, can);
        int i = ref.size();
        int j = can.size();
        List<Integer> out = new ArrayList<>();
        while (i > 0 && j > 0) {
            if (ref.get(i - 1).equals(can.get(j - 1))) {
                out.add(0, i - 1);
                i--;
                j--;
            } else if (t[i][j - 1] > t[i - 1][j]) {
                j--;
            } else {
                i--;
            }
        }
        return out;
    }

    private static Score summaryLcs(List<List<String>> refSents, List<List<String>> canSents) {
        if (refSents.isEmpty() || canSents.isEmpty()) {
            return Score.ZERO;
        }
        int m = refSents.stream().mapToInt(List::size).sum();
        int n = canSents.stream().mapToInt(List::size).sum();
        if (n == 0 || m == 0) {
            return Score.ZERO;
        }
        Map<String, Integer> refCounts = new HashMap<>();
        Map<String, Integer> canCounts = new HashMap<>();
        refSents.forEach(s -> s.forEach(t -> refCounts.merge(t, 1, Integer::sum)));
        canSents.forEach(s -> s.forEach(t -> canCounts.merge(t, 1, Integer::sum)));
        int hits = 0;
        for (List<String> r : refSents) {
            TreeSet<Integer> union = new TreeSet<>();
            for (List<String> c : canSents) {
                union.addAll(lcsIndices(r, c));
            }
            for (int idx : union) {
                String t = r.get(idx);
                if (canCounts.getOrDefault(t, 0) > 0 && refCounts.getOrDefault(t, 0) > 0) {
                    hits++;
                    canCounts.merge(t, -1, Integer::sum);
                    refCounts.merge(t, -1, Integer::sum);
                }
            }
        }
        return Score.of((double) hits / n, (double) hits / m);
    }
}
