package org.llmplayground.evaluation.metrics;

import org.llmplayground.core.BadInputException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How much annotators agree beyond chance.
 * <ul>
 *   <li><b>Fleiss' kappa</b> (Fleiss 1971) for N items each rated by the same number n of raters into k categories,
 *   from the counts n_ij (raters who put item i in category j): P_i = (Σ_j n_ij² − n) / (n(n − 1)) is item i's
 *   agreement, P̄ their mean (the percent agreement), p_j = Σ_i n_ij / (N n) the share of category j,
 *   P̄e = Σ_j p_j², κ = (P̄ − P̄e) / (1 − P̄e). Wikipedia's worked example (10 items, 14 raters, 5 categories):
 *   P̄ = 0.378, P̄e = 0.213, κ = 0.210.</li>
 *   <li><b>Cohen's kappa</b> for two raters: p_o the share of items they label alike, p_e = Σ_c p₁(c) p₂(c) from each
 *   rater's own label shares, κ = (p_o − p_e) / (1 − p_e). Wikipedia's example: 20 yes/yes, 5 yes/no, 10 no/yes,
 *   15 no/no → p_o = 0.7, p_e = 0.5, κ = 0.4.</li>
 * </ul>
 * κ is undefined when chance agreement is already perfect (p_e = 1: everyone used one category); it is then null.
 * κ above 0.6 is commonly read as substantial agreement (Landis and Koch 1977).
 */
public final class Agreement {
    private Agreement() {
    }

    /** Fleiss' kappa (null when undefined), the percent agreement P̄, and the sizes. */
    public record Fleiss(Double kappa, double percentAgreement, double expectedAgreement, int items, int raters, int categories) {
    }

    /** Cohen's kappa (null when undefined), the observed and expected agreement, the sizes and the categories seen. */
    public record Cohen(Double kappa, double percentAgreement, double expectedAgreement, int items, List<String> categories) {
    }

    public static Fleiss fleiss(List<List<Integer>> counts) {
        if (counts == null || counts.isEmpty()) {
            throw new BadInputException("Give 'counts': one row per item, the number of raters per category.");
        }
        int k = counts.get(0) == null ? 0 : counts.get(0).size();
        if (k < 2) {
            throw new BadInputException("counts[0] has " + k + " categories; at least 2.");
        }
        int n = -1;
        long[] perCategory = new long[k];
        double sumP = 0;
        for (int i = 0; i < counts.size(); i++) {
            List<Integer> row = counts.get(i);
            if (row == null || row.size() != k) {
                throw new BadInputException("counts[" + i + "] has " + (row == null ? 0 : row.size()) + " categories; counts[0] has " + k + ".");
            }
            long total = 0;
            long squares = 0;
            for (int j = 0; j < k; j++) {
                Integer c = row.get(j);
                if (c == null || c < 0) {
                    throw new BadInputException("counts[" + i + "][" + j + "] must be a count of raters, 0 or more (got " + c + ").");
                }
                total += c;
                squares += (long) c * c;
                perCategory[j] += c;
            }
            if (n == -1) {
                n = (int) total;
                if (n < 2) {
                    throw new BadInputException("Fleiss' kappa needs at least 2 raters per item; counts[0] adds up to " + n + ".");
                }
            } else if (total != n) {
                throw new BadInputException("Every item needs the same number of raters: counts[" + i + "] adds up to " + total
                        + ", counts[0] to " + n + ".");
            }
            sumP += (double) (squares - n) / ((double) n * (n - 1));
        }
        int items = counts.size();
        double pBar = sumP / items;
        double pe = 0;
        for (long c : perCategory) {
            double p = (double) c / ((double) items * n);
            pe += p * p;
        }
        Double kappa = pe >= 1 ? null : (pBar - pe) / (1 - pe);
        return new Fleiss(kappa, pBar, pe, items, n, k);
    }

    /** Cohen's kappa of two raters' labels, one pair per item; labels compared as text. */
    public static Cohen cohen(List<List<String>> labels) {
        if (labels == null || labels.isEmpty()) {
            throw new BadInputException("Give 'labels': one pair [rater 1's label, rater 2's label] per item.");
        }
        Map<String, long[]> shares = new LinkedHashMap<>(); // category → {rater 1's count, rater 2's count}
        long same = 0;
        for (int i = 0; i < labels.size(); i++) {
            List<String> pair = labels.get(i);
            if (pair == null || pair.size() != 2 || pair.get(0) == null || pair.get(1) == null) {
                throw new BadInputException("labels[" + i + "] must be two labels, one per rater (got " + pair + ").");
            }
            shares.computeIfAbsent(pair.get(0), c -> new long[2])[0]++;
            shares.computeIfAbsent(pair.get(1), c -> new long[2])[1]++;
            same += pair.get(0).equals(pair.get(1)) ? 1 : 0;
        }
        double n = labels.size();
        double po = same / n;
        double pe = 0;
        for (long[] s : shares.values()) {
            pe += (s[0] / n) * (s[1] / n);
        }
        Double kappa = pe >= 1 ? null : (po - pe) / (1 - pe);
        return new Cohen(kappa, po, pe, labels.size(), new ArrayList<>(shares.keySet()));
    }
}
