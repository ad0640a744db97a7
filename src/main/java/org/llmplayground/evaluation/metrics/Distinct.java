package org.llmplayground.evaluation.metrics;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * distinct-n (Li et al. 2016): of all the n-grams in a set of generations, the share that are different. Tokens are
 * Python's str.split() (case-sensitive, punctuation attached); n-grams are taken within each generation, never across
 * two; 0 when there are none. E.g. "the cat sat" and "the cat ran": 1-grams 4 distinct of 6 (0.667), 2-grams 3 of 4.
 * Low values mean the model repeats itself across its answers.
 */
public final class Distinct {
    private Distinct() {
    }

    public record Value(int unique, int total, double value) {
    }

    public static Value of(List<String> generations, int n) {
        Set<List<String>> seen = new HashSet<>();
        int total = 0;
        for (String g : generations) {
            List<String> tokens = PyStr.split(g);
            for (int i = 0; i + n <= tokens.size(); i++) {
                seen.add(List.copyOf(tokens.subList(i, i + n)));
                total++;
            }
        }
        return new Value(seen.size(), total, total == 0 ? 0.0 : (double) seen.size() / total);
    }
}
