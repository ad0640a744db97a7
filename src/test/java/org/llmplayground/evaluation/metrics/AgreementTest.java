package org.llmplayground.evaluation.metrics;

import org.junit.jupiter.api.Test;
import org.llmplayground.core.BadInputException;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Fleiss' and Cohen's kappa against Wikipedia's worked examples. The published figures are rounded (κ = 0.210,
 * P̄ = 0.378, P̄e = 0.213); the exact values they round are computed with Python's fractions.Fraction from the same
 * table (0.20993070442195524, 0.378021978021978, 0.21275510204081632) and matched to 1e-9.
 */
public class AgreementTest {
    /** Wikipedia, "Fleiss' kappa", worked example: 10 items, 14 raters, 5 categories. */
    public static final List<List<Integer>> FLEISS = List.of(List.of(0, 0, 0, 0, 14), List.of(0, 2, 6, 4, 2), List.of(0, 0, 3, 5, 6),
            List.of(0, 3, 9, 2, 0), List.of(2, 2, 8, 1, 1), List.of(7, 7, 0, 0, 0), List.of(3, 2, 6, 3, 0), List.of(2, 5, 3, 2, 2),
            List.of(6, 5, 2, 1, 0), List.of(0, 2, 2, 3, 7));

    @Test
    void fleissWorkedExample() {
        Agreement.Fleiss f = Agreement.fleiss(FLEISS);
        assertThat(f.kappa()).isCloseTo(0.20993070442195524, within(1e-9));
        assertThat(f.percentAgreement()).isCloseTo(0.378021978021978, within(1e-9));
        assertThat(f.expectedAgreement()).isCloseTo(0.21275510204081632, within(1e-9));
        assertThat(String.format("%.3f %.3f %.3f", f.kappa(), f.percentAgreement(), f.expectedAgreement())).isEqualTo("0.210 0.378 0.213");
        assertThat(List.of(f.items(), f.raters(), f.categories())).containsExactly(10, 14, 5);
    }

    /** Wikipedia, "Cohen's kappa": 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no → κ = 0.4. */
    @Test
    void cohenWorkedExample() {
        List<List<String>> labels = new ArrayList<>();
        add(labels, 20, "yes", "yes");
        add(labels, 5, "yes", "no");
        add(labels, 10, "no", "yes");
        add(labels, 15, "no", "no");
        Agreement.Cohen c = Agreement.cohen(labels);
        assertThat(c.kappa()).isCloseTo(0.4, within(1e-9));
        assertThat(c.percentAgreement()).isCloseTo(0.7, within(1e-12));
        assertThat(c.expectedAgreement()).isCloseTo(0.5, within(1e-12));
        // Wikipedia's second example, 45/15/25/15: p_o = 0.60, p_e = 0.6 · 0.7 + 0.4 · 0.3 = 0.54, κ = 0.06 / 0.46 = 3/23
        List<List<String>> second = new ArrayList<>();
        add(second, 45, "yes", "yes");
        add(second, 15, "yes", "no");
        add(second, 25, "no", "yes");
        add(second, 15, "no", "no");
        assertThat(Agreement.cohen(second).kappa()).isCloseTo(0.13043478260869565, within(1e-9));
    }

    @Test
    void perfectAndUndefinedAgreement() {
        assertThat(Agreement.cohen(List.of(List.of("a", "a"), List.of("b", "b"))).kappa()).isEqualTo(1.0);
        assertThat(Agreement.cohen(List.of(List.of("a", "a"), List.of("a", "a"))).kappa()).isNull(); // one category: chance is perfect
        assertThat(Agreement.fleiss(List.of(List.of(3, 0), List.of(3, 0))).kappa()).isNull();
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> Agreement.fleiss(List.of(List.of(1, 2), List.of(2, 2)))).isInstanceOf(BadInputException.class)
                .hasMessage("Every item needs the same number of raters: counts[1] adds up to 4, counts[0] to 3.");
        assertThatThrownBy(() -> Agreement.fleiss(List.of(List.of(1, -1)))).hasMessage("counts[0][1] must be a count of raters, 0 or more (got -1).");
        assertThatThrownBy(() -> Agreement.fleiss(List.of(List.of(1, 0)))).hasMessage("Fleiss' kappa needs at least 2 raters per item; counts[0] adds up to 1.");
        assertThatThrownBy(() -> Agreement.cohen(List.of(List.of("a")))).hasMessage("labels[0] must be two labels, one per rater (got [a]).");
    }

    private static void add(List<List<String>> labels, int n, String a, String b) {
        for (int i = 0; i < n; i++) {
            labels.add(List.of(a, b));
        }
    }
}
