package org.llmplayground.evaluation.metrics;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RankingTest {
    @Test
    void eloMovesBothRatingsBySixteenAfterOneWinBetweenEquals() {
        // expected score 0.5 for equal ratings, K = 32: the winner gains 32·(1 − 0.5) = 16, the loser loses 16
        List<Ranking.Rated> r = Ranking.rank(List.of(new Ranking.Game("A", "B", 1)));
        assertThat(r.get(0).model()).isEqualTo("A");
        assertThat(r.get(0).elo()).isCloseTo(1016, within(1e-9));
        assertThat(r.get(1).elo()).isCloseTo(984, within(1e-9));
        // the second game: A (1016) beats B (984) again; expected 1/(1+10^(-32/400)) = 0.545922…, so A gains 14.530…
        Ranking.Rated a = Ranking.rank(List.of(new Ranking.Game("A", "B", 1), new Ranking.Game("B", "A", 0))).get(0);
        assertThat(a.elo()).isCloseTo(1016 + 32 * (1 - 1 / (1 + Math.pow(10, -32 / 400.0))), within(1e-9));
    }

    @Test
    void bradleyTerrySatisfiesTheLikelihoodEquations() {
        // three models, unequal schedules, ties: at the maximum every model's wins (plus the pseudo-game's half) equal
        // its expected wins Σ_j n_ij p_i/(p_i+p_j) + p_i/(p_i+1)
        double[][] n = {{0, 5, 3}, {5, 0, 4}, {3, 4, 0}};
        double[] wins = {6.5, 2, 3.5}; // 12 games in all, a tie counted half to each side
        double[] p = Ranking.strengths(n, wins);
        for (int i = 0; i < 3; i++) {
            double expected = p[i] / (p[i] + 1);
            for (int j = 0; j < 3; j++) {
                if (j != i) {
                    expected += n[i][j] * p[i] / (p[i] + p[j]);
                }
            }
            assertThat(expected).isCloseTo(wins[i] + 0.5, within(1e-9));
        }
        assertThat(p[0]).isGreaterThan(p[2]).isGreaterThan(p[1]);
    }

    @Test
    void bradleyTerryIgnoresOrderAndCountsTiesAsHalf() {
        List<Ranking.Game> games = new ArrayList<>(List.of(new Ranking.Game("A", "B", 1), new Ranking.Game("A", "B", 1),
                new Ranking.Game("A", "B", 0.5), new Ranking.Game("B", "A", 1)));
        List<Ranking.Rated> forward = Ranking.rank(games);
        java.util.Collections.reverse(games);
        List<Ranking.Rated> backward = Ranking.rank(games);
        assertThat(forward.get(0).model()).isEqualTo("A");
        assertThat(forward.get(0).wins()).isEqualTo(2.5);
        assertThat(forward.get(0).games()).isEqualTo(4);
        assertThat(backward.get(0).bradleyTerry()).isCloseTo(forward.get(0).bradleyTerry(), within(1e-9));
        // two models: ratings symmetric about 1000
        assertThat(forward.get(0).bradleyTerry() + forward.get(1).bradleyTerry()).isCloseTo(2000, within(1e-9));
        // Elo depends on the order, Bradley–Terry does not
        assertThat(backward.get(0).elo()).isNotCloseTo(forward.get(0).elo(), within(1e-6));
    }
}
