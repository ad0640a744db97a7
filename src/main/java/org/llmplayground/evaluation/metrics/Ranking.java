package org.llmplayground.evaluation.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ranking models from pairwise human (or judge) verdicts, as Chatbot Arena does.
 * <ul>
 *   <li><b>Bradley–Terry</b>: P(i beats j) = p_i / (p_i + p_j). The strengths p maximise the likelihood of the
 *   verdicts; Hunter's (2004) MM update p_i ← W_i / Σ_j n_ij / (p_i + p_j) (W_i: i's wins, n_ij: games of i and j)
 *   climbs it until nothing moves. A tie counts half a win for each side. Every model also plays one pseudo-game
 *   (half won, half lost) against a reference of strength 1, so a model that never won (or never lost) gets a finite
 *   strength instead of 0 (or ∞). Reported on the Elo scale: 1000 + 400·log10(p_i / geometric mean of p). Example:
 *   A beats B 3 times of 4 → p_A/p_B ≈ 3 without the pseudo-games, a 191-point gap (400·log10 3).</li>
 *   <li><b>Elo</b>: the verdicts in the order they were given, each moving both ratings by K·(outcome − expected),
 *   expected = 1 / (1 + 10^((R_j − R_i)/400)), K = 32, start 1000. Depends on the order; Bradley–Terry does not.</li>
 * </ul>
 */
public final class Ranking {
    static final double K = 32;
    static final double START = 1000;

    private Ranking() {
    }

    /** One verdict: {@code score} = 1 when a won, 0 when b won, 0.5 for a tie. */
    public record Game(String a, String b, double score) {
    }

    /** A model's place: Bradley–Terry rating, sequential Elo, games, wins (ties as half). */
    @io.micronaut.serde.annotation.Serdeable
    public record Rated(String model, double bradleyTerry, double elo, int games, double wins) {
    }

    /** Bradley–Terry and Elo ratings, best Bradley–Terry first. */
    public static List<Rated> rank(List<Game> games) {
        List<String> players = new ArrayList<>();
        for (Game g : games) {
            if (!players.contains(g.a())) {
                players.add(g.a());
            }
            if (!players.contains(g.b())) {
                players.add(g.b());
            }
        }
        int m = players.size();
        double[][] n = new double[m][m];
        double[] wins = new double[m];
        int[] played = new int[m];
        for (Game g : games) {
            int i = players.indexOf(g.a());
            int j = players.indexOf(g.b());
            if (i == j) {
                continue; // a model against itself says nothing about its rank
            }
            n[i][j]++;
            n[j][i]++;
            wins[i] += g.score();
            wins[j] += 1 - g.score();
            played[i]++;
            played[j]++;
        }
        double[] p = bradleyTerry(n, wins);
        Map<String, Double> elo = elo(games);
        List<Rated> out = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            out.add(new Rated(players.get(i), START + 400 * Math.log10(p[i]), elo.get(players.get(i)), played[i], wins[i]));
        }
        out.sort((x, y) -> Double.compare(y.bradleyTerry(), x.bradleyTerry()));
        return out;
    }

    /**
     * The Bradley–Terry strengths for game counts {@code n} (symmetric) and wins, with the pseudo-game against a
     * reference of strength 1; scaled to geometric mean 1.
     */
    static double[] bradleyTerry(double[][] n, double[] wins) {
        double[] p = strengths(n, wins);
        int m = p.length;
        double logMean = 0;
        for (double v : p) {
            logMean += Math.log(v) / m;
        }
        for (int i = 0; i < m; i++) {
            p[i] /= Math.exp(logMean);
        }
        return p;
    }

    /** The maximum-likelihood strengths with the reference fixed at 1 (Hunter's MM iterations). */
    static double[] strengths(double[][] n, double[] wins) {
        int m = wins.length;
        double[] p = new double[m];
        java.util.Arrays.fill(p, 1.0);
        for (int iter = 0; iter < 100_000; iter++) {
            double change = 0;
            double[] next = new double[m];
            for (int i = 0; i < m; i++) {
                double denominator = 1 / (p[i] + 1); // the pseudo-game against the reference (strength 1)
                for (int j = 0; j < m; j++) {
                    if (j != i && n[i][j] > 0) {
                        denominator += n[i][j] / (p[i] + p[j]);
                    }
                }
                next[i] = (wins[i] + 0.5) / denominator;
                change = Math.max(change, Math.abs(Math.log(next[i] / p[i])));
            }
            p = next;
            if (change < 1e-13) {
                break;
            }
        }
        return p;
    }

    /** Sequential Elo over the games in order. */
    static Map<String, Double> elo(List<Game> games) {
        Map<String, Double> r = new LinkedHashMap<>();
        for (Game g : games) {
            double ra = r.getOrDefault(g.a(), START);
            double rb = r.getOrDefault(g.b(), START);
            double expected = 1 / (1 + Math.pow(10, (rb - ra) / 400));
            r.put(g.a(), ra + K * (g.score() - expected));
            r.put(g.b(), rb + K * ((1 - g.score()) - (1 - expected)));
        }
        return r;
    }
}
