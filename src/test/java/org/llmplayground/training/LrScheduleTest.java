package org.llmplayground.training;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LrScheduleTest {
    private static final double PEAK = 1e-3;
    private static final double MIN = 1e-4;

    @Test
    void cosineWithWarmupAtWorkedPoints() {
        LrSchedule s = new LrSchedule("cosine", PEAK, MIN, 100, 5000);
        assertThat(s.at(1)).isCloseTo(1e-5, within(1e-15));      // 1/100 of the peak
        assertThat(s.at(50)).isCloseTo(5e-4, within(1e-15));
        assertThat(s.at(100)).isCloseTo(1e-3, within(1e-15));     // peak at the end of warm-up
        assertThat(s.at(2550)).isCloseTo(5.5e-4, within(1e-15));  // halfway: cos(π/2) = 0 → (peak + min) / 2
        assertThat(s.at(5000)).isCloseTo(1e-4, within(1e-15));    // min at the end
        // a quarter of the way: min + ½(peak − min)(1 + cos(π/4))
        assertThat(s.at(1325)).isCloseTo(MIN + 0.5 * (PEAK - MIN) * (1 + Math.cos(Math.PI / 4)), within(1e-15));
    }

    @Test
    void linearAndConstantWithWarmup() {
        LrSchedule linear = new LrSchedule("linear", PEAK, MIN, 10, 110);
        assertThat(linear.at(5)).isCloseTo(5e-4, within(1e-15));
        assertThat(linear.at(60)).isCloseTo(PEAK - (PEAK - MIN) * 0.5, within(1e-15));
        assertThat(linear.at(110)).isCloseTo(MIN, within(1e-15));
        LrSchedule constant = new LrSchedule("constant", PEAK, MIN, 10, 110);
        assertThat(constant.at(3)).isCloseTo(3e-4, within(1e-15));
        assertThat(constant.at(11)).isEqualTo(PEAK);
        assertThat(constant.at(110)).isEqualTo(PEAK);
        // no warm-up: the decay starts at step 1, p = 1/100
        assertThat(new LrSchedule("cosine", PEAK, MIN, 0, 100).at(1)).isCloseTo(MIN + 0.5 * (PEAK - MIN) * (1 + Math.cos(Math.PI / 100)), within(1e-15));
    }

    @Property
    void warmupRisesLinearlyThenDecayNeverRisesAndStaysBetweenMinAndPeak(
            @ForAll @IntRange(min = 0, max = 200) int warmup, @ForAll @IntRange(min = 1, max = 2000) int extra,
            @ForAll("kinds") String kind) {
        int total = warmup + extra;
        LrSchedule s = new LrSchedule(kind, PEAK, MIN, warmup, total);
        for (int step = 1; step <= warmup; step++) {
            assertThat(s.at(step)).isCloseTo(PEAK * step / warmup, within(1e-15));
        }
        double previous = Double.MAX_VALUE;
        for (int step = warmup + 1; step <= total; step++) {
            double lr = s.at(step);
            assertThat(lr).isBetween(MIN - 1e-15, PEAK + 1e-15).isLessThanOrEqualTo(previous + 1e-18);
            previous = lr;
        }
        assertThat(s.at(total)).isCloseTo(kind.equals("constant") ? PEAK : MIN, within(1e-15));
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> kinds() {
        return net.jqwik.api.Arbitraries.of("cosine", "linear", "constant");
    }
}
