package org.llmplayground.evaluation;

import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.BinomialTest;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Is a difference between two models on the same items real?
 * <ul>
 *   <li><b>McNemar's exact test</b> for a right/wrong score: only the items where the two disagree count; if the models
 *   were equally good, "A right, B wrong" (b) and "A wrong, B right" (c) would be equally likely, so b follows
 *   Binomial(b + c, ½) and the two-sided p-value is the exact binomial test's (commons-statistics). Example: b = 10,
 *   c = 2 → p = 0.0386, a real difference at 95 %; b = 6, c = 4 → p = 0.754.</li>
 *   <li><b>Paired bootstrap</b> for a continuous score (TruthfulQA MC2, pass@1, a metric): the per-item differences
 *   d_i = a_i − b_i resampled with replacement (seeded), the two-sided p-value = 2 · min(share of resampled means ≤ 0,
 *   share ≥ 0), capped at 1, and the 2.5–97.5 % interval of the mean difference.</li>
 * </ul>
 */
public final class Significance {
    /** Resamples of the paired bootstrap. */
    static final int RESAMPLES = 10_000;

    private Significance() {
    }

    /** A test's outcome: the p-value, and the difference's 95 % interval where the test gives one. */
    public record Result(String test, double pValue, double[] interval, int discordantAWins, int discordantBWins) {
        public boolean significant() {
            return pValue < 0.05;
        }
    }

    /** McNemar's exact test on paired right (1) / wrong (0) scores. */
    public static Result mcnemar(double[] a, double[] b) {
        int aOnly = 0;
        int bOnly = 0;
        for (int i = 0; i < a.length; i++) {
            boolean ra = a[i] >= 0.5;
            boolean rb = b[i] >= 0.5;
            aOnly += ra && !rb ? 1 : 0;
            bOnly += !ra && rb ? 1 : 0;
        }
        double p = aOnly + bOnly == 0 ? 1.0
                : BinomialTest.withDefaults().with(AlternativeHypothesis.TWO_SIDED).test(aOnly + bOnly, aOnly, 0.5).getPValue();
        return new Result("McNemar's exact test", p, null, aOnly, bOnly);
    }

    /** The paired bootstrap of the mean difference a − b. */
    public static Result pairedBootstrap(double[] a, double[] b, long seed) {
        int n = a.length;
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = a[i] - b[i];
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[] means = new double[RESAMPLES];
        int atMost0 = 0;
        int atLeast0 = 0;
        for (int r = 0; r < RESAMPLES; r++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += d[random.nextInt(n)];
            }
            means[r] = sum / n;
            atMost0 += means[r] <= 0 ? 1 : 0;
            atLeast0 += means[r] >= 0 ? 1 : 0;
        }
        Arrays.sort(means);
        double p = Math.min(1.0, 2.0 * Math.min(atMost0, atLeast0) / RESAMPLES);
        return new Result("paired bootstrap (" + RESAMPLES + " resamples, seed " + seed + ")", p,
                new double[]{means[(int) Math.floor(0.025 * (RESAMPLES - 1))], means[(int) Math.ceil(0.975 * (RESAMPLES - 1))]}, 0, 0);
    }
}
