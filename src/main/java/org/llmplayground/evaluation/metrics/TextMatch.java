package org.llmplayground.evaluation.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Answer-matching metrics for short generated answers, the best over the references:
 * <ul>
 *   <li>{@code exact_match}: the answer equals a reference once surrounding whitespace is stripped (lm-eval's
 *   exact_match after its "strip" filter; the Fine-tuning lab's accuracy is the same test);</li>
 *   <li>{@code f1}: SQuAD v1.1's evaluate-v1.1.py token F1: both texts normalised (lower case, punctuation removed,
 *   the articles a/an/the removed, whitespace collapsed), split on whitespace, F1 of the token multisets.
 *   "The Eiffel tower!" vs "eiffel tower in paris": tokens [eiffel, tower] vs [eiffel, tower, in, paris], 2 in common,
 *   precision 1, recall 0.5, F1 = 0.667;</li>
 *   <li>{@code contains}: a reference occurs in the answer (case-sensitive), for answers that add words around it.</li>
 * </ul>
 */
public final class TextMatch {
    private static final Pattern ARTICLES = Pattern.compile("\\b(a|an|the)\\b");
    /** Python's string.punctuation, which SQuAD's normaliser removes. */
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private TextMatch() {
    }

    public static boolean exactMatch(String answer, List<String> references) {
        String a = answer.strip();
        return references.stream().anyMatch(r -> r.strip().equals(a));
    }

    public static boolean contains(String answer, List<String> references) {
        return references.stream().anyMatch(r -> !r.isEmpty() && answer.contains(r));
    }

    /** SQuAD's normalize_answer: lower, remove punctuation, remove articles, collapse whitespace. */
    static String normalize(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toLowerCase(Locale.ROOT).toCharArray()) {
            if (PUNCTUATION.indexOf(c) < 0) {
                b.append(c);
            }
        }
        return String.join(" ", PyStr.split(ARTICLES.matcher(b).replaceAll(" ")));
    }

    /** The best token F1 over the references. */
    public static double f1(String answer, List<String> references) {
        return references.stream().mapToDouble(r -> f1(answer, r)).max().orElse(0);
    }

    static double f1(String answer, String reference) {
        List<String> pred = PyStr.split(normalize(answer));
        List<String> gold = PyStr.split(normalize(reference));
        Map<String, Integer> counts = new HashMap<>();
        gold.forEach(t -> counts.merge(t, 1, Integer::sum));
        int common = 0;
        for (String t : pred) {
            Integer c = counts.get(t);
            if (c != null && c > 0) {
                common++;
                counts.put(t, c - 1);
            }
        }
        if (common == 0) {
            return 0;
        }
        double precision = (double) common / pred.size();
        double recall = (double) common / gold.size();
        return 2 * precision * recall / (precision + recall);
    }

    /**
     * Self-BLEU (Zhu et al. 2018, Texygen): each generation scored with sacreBLEU's sentence BLEU against all the
     * others as references, averaged. High values mean the generations resemble each other (low diversity). 0 for
     * fewer than two generations.
     */
    public static double selfBleu(List<String> generations) {
        if (generations.size() < 2) {
            return 0;
        }
        double sum = 0;
        for (int i = 0; i < generations.size(); i++) {
            List<String> others = new java.util.ArrayList<>(generations);
            others.remove(i);
            sum += Bleu.sentence(generations.get(i), others).score();
        }
        return sum / generations.size();
    }
}
