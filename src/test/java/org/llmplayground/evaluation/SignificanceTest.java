package org.llmplayground.evaluation;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** McNemar's exact test against hand-computed binomial tails; the paired bootstrap's extremes and its interval. */
class SignificanceTest {
    static double[] scores(int right, int wrong) {
        double[] v = new double[right + wrong];
        java.util.Arrays.fill(v, 0, right, 1.0);
        return v;
    }

    @Test
    void mcnemarIsTheExactBinomialTestOnDisagreements() {
        // 10 items A right B wrong, 2 the other way, 8 both right: p = 2 · (C(12,0) + C(12,1) + C(12,2)) / 2^12 = 158 / 4096
        double[] a = new double[20];
        double[] b = new double[20];
        for (int i = 0; i < 10; i++) {
            a[i] = 1;
        }
        b[10] = 1;
        b[11] = 1;
        for (int i = 12; i < 20; i++) {
            a[i] = 1;
            b[i] = 1;
        }
        Significance.Result r = Significance.mcnemar(a, b);
        assertThat(r.pValue()).isCloseTo(158 / 4096.0, within(1e-12));
        assertThat(r.significant()).isTrue();
        assertThat(r.discordantAWins()).isEqualTo(10);
        assertThat(r.discordantBWins()).isEqualTo(2);
        // 6 against 4: p = 1 − C(10,5) / 2^10 = 772 / 1024, no real difference
        double[] c = new double[10];
        double[] d = new double[10];
        for (int i = 0; i < 6; i++) {
            c[i] = 1;
        }
        for (int i = 6; i < 10; i++) {
            d[i] = 1;
        }
        assertThat(Significance.mcnemar(c, d).pValue()).isCloseTo(772 / 1024.0, within(1e-12));
        assertThat(Significance.mcnemar(scores(5, 5), scores(5, 5)).pValue()).isEqualTo(1.0); // no disagreement at all
    }

    @Test
    void pairedBootstrap() {
        double[] same = {0.2, 0.5, 0.9, 0.4};
        assertThat(Significance.pairedBootstrap(same, same, 1).pValue()).isEqualTo(1.0);
        double[] a = new double[50];
        double[] b = new double[50];
        for (int i = 0; i < 50; i++) {
            a[i] = 0.6 + 0.01 * (i % 7);
            b[i] = 0.3 + 0.01 * (i % 5);
        }
        Significance.Result r = Significance.pairedBootstrap(a, b, 1234);
        assertThat(r.pValue()).isEqualTo(0.0); // every resampled mean difference is above 0
        double mean = java.util.Arrays.stream(a).average().orElseThrow() - java.util.Arrays.stream(b).average().orElseThrow();
        assertThat(r.interval()[0]).isLessThanOrEqualTo(mean);
        assertThat(r.interval()[1]).isGreaterThanOrEqualTo(mean);
        assertThat(Significance.pairedBootstrap(a, b, 1234).interval()).containsExactly(r.interval()); // seeded
    }
}
