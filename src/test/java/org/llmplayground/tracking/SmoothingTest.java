package org.llmplayground.tracking;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The debiased EMA of the worked example, α = 0 as identity, and a constant curve staying constant. */
class SmoothingTest {
    @Test
    void debiasedEmaMatchesTheWorkedExample() {
        List<double[]> s = Smoothing.ema(List.of(new double[]{1, 4}, new double[]{2, 2}), 0.5);
        assertThat(s.get(0)[1]).isEqualTo(4.0);
        assertThat(s.get(1)[1]).isCloseTo(8.0 / 3, within(1e-12));
        assertThat(s.get(1)[0]).isEqualTo(2.0);
        assertThat(Smoothing.ema(List.of(new double[]{0, 3}, new double[]{1, 7}), 0).get(1)[1]).isEqualTo(7.0);
        assertThat(Smoothing.ema(List.of(new double[]{0, 5}, new double[]{1, 5}, new double[]{2, 5}), 0.9))
                .allSatisfy(p -> assertThat(p[1]).isCloseTo(5.0, within(1e-12)));
    }
}
