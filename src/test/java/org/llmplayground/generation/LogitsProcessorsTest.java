package org.llmplayground.generation;

import org.junit.jupiter.api.Test;
import org.llmplayground.core.BadInputException;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Each processor against distributions computed by hand (the numbers in the class comments). */
class LogitsProcessorsTest {
    private static final float NEG = Float.NEGATIVE_INFINITY;

    static float[] logits(double... values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }

    static float[] logitsOf(double... probabilities) {
        float[] f = new float[probabilities.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) Math.log(probabilities[i]);
        }
        return f;
    }

    @Test
    void temperatureSharpensAndFlattens() {
        float[] l = logits(2, 1, 0);
        assertThat(Distributions.softmax(l)).containsExactly(new double[]{0.665, 0.245, 0.090}, within(1e-3));
        float[] cold = l.clone();
        new Temperature(0.5).process(cold, new int[0], 0);
        assertThat(Distributions.softmax(cold)).containsExactly(new double[]{0.867, 0.117, 0.016}, within(1e-3));
        float[] hot = l.clone();
        new Temperature(2).process(hot, new int[0], 0);
        assertThat(Distributions.softmax(hot)).containsExactly(new double[]{0.506, 0.307, 0.186}, within(1e-3));
    }

    @Test
    void topKKeepsExactlyK() {
        float[] l = logits(1, 3, 2, 0);
        new TopK(2).process(l, new int[0], 0);
        assertThat(l).containsExactly(NEG, 3f, 2f, NEG);
        assertThat(Distributions.softmax(l)).containsExactly(new double[]{0, 0.731, 0.269, 0}, within(1e-3));
        // ties at the border: still exactly k, the lower ids win
        float[] ties = logits(1, 1, 1, 1, 5);
        new TopK(3).process(ties, new int[0], 0);
        assertThat(ties).containsExactly(1f, 1f, NEG, NEG, 5f);
        float[] all = logits(1, 2);
        new TopK(5).process(all, new int[0], 0);
        assertThat(all).containsExactly(1f, 2f);
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        float[] l = logitsOf(0.5, 0.3, 0.15, 0.05);
        new TopP(0.75).process(l, new int[0], 0);
        assertThat(Distributions.softmax(l)).containsExactly(new double[]{0.625, 0.375, 0, 0}, within(1e-6));
        // exactly reaching p stops there: 0.5 + 0.3 = 0.8
        float[] exact = logitsOf(0.5, 0.3, 0.15, 0.05);
        new TopP(0.8).process(exact, new int[0], 0);
        assertThat(Distributions.softmax(exact)[2]).isZero();
        // the favourite always stays, even when it alone exceeds p
        float[] one = logitsOf(0.9, 0.05, 0.05);
        new TopP(0.1).process(one, new int[0], 0);
        assertThat(Distributions.softmax(one)).containsExactly(new double[]{1, 0, 0}, within(1e-9));
    }

    /**
     * The bucketed cut keeps exactly what sorting the whole vocabulary keeps: GPT-2-sized logits, flat (random
     * weights: the nucleus is most of the vocabulary) and peaked (a trained model: a few tokens), with ties, −∞
     * entries and logits 40+ below the top, for several p.
     */
    @Test
    void topPKeepsWhatAFullSortKeeps() {
        java.util.Random random = new java.util.Random(7);
        for (double spread : new double[]{0.05, 1, 4, 12}) {
            for (double p : new double[]{0.1, 0.5, 0.9, 0.95, 0.999}) {
                float[] l = new float[50257];
                for (int i = 0; i < l.length; i++) {
                    l[i] = (float) (random.nextGaussian() * spread);
                }
                l[3] = l[5]; // a tie
                l[11] = NEG;
                l[12] = l[0] - 60;
                float[] expected = fullSortTopP(l.clone(), p);
                float[] actual = l.clone();
                new TopP(p).process(actual, new int[0], 0);
                assertThat(actual).as("spread %s, p %s", spread, p).containsExactly(expected);
            }
        }
    }

    /** The textbook nucleus: all ids sorted by descending logit (lower id first on ties), a prefix kept until Σp ≥ p. */
    private static float[] fullSortTopP(float[] logits, double p) {
        double[] probs = Distributions.softmax(logits);
        Integer[] order = new Integer[logits.length];
        java.util.Arrays.setAll(order, i -> i);
        java.util.Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        boolean[] keep = new boolean[logits.length];
        double total = 0;
        for (int id : order) {
            keep[id] = true;
            total += probs[id];
            if (total >= p - 1e-12) {
                break;
            }
        }
        for (int i = 0; i < logits.length; i++) {
            if (!keep[i]) {
                logits[i] = NEG;
            }
        }
        return logits;
    }

    @Test
    void minPScalesWithTheFavourite() {
        float[] l = logitsOf(0.9, 0.08, 0.02);
        new MinP(0.1).process(l, new int[0], 0);
        assertThat(l[1]).isEqualTo(NEG);
        assertThat(l[2]).isEqualTo(NEG);
        float[] flat = logitsOf(0.2, 0.2, 0.2, 0.2, 0.19, 0.01);
        new MinP(0.1).process(flat, new int[0], 0);
        assertThat(flat[4]).isGreaterThan(NEG);
        assertThat(flat[5]).isEqualTo(NEG); // 0.01 < 0.1 · 0.2
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOfSeenTokens() {
        float[] l = logits(3, -1, 2, 0.5);
        new RepetitionPenalty(1.2).process(l, new int[]{0, 1, 0}, 2);
        assertThat(l[0]).isCloseTo(2.5f, within(1e-6f));
        assertThat(l[1]).isCloseTo(-1.2f, within(1e-6f));
        assertThat(l[2]).isEqualTo(2f);
        assertThat(l[3]).isEqualTo(0.5f);
    }

    @Test
    void presenceAndFrequencyPenaltiesCountOnlyGeneratedTokens() {
        float[] l = logits(1, 1, 1, 1);
        // prompt [2, 2], generated [0, 0, 0, 1]
        new PresenceFrequencyPenalty(0.4, 0.5).process(l, new int[]{2, 2, 0, 0, 0, 1}, 2);
        assertThat(l[0]).isCloseTo(1 - 1.9f, within(1e-6f));
        assertThat(l[1]).isCloseTo(1 - 0.9f, within(1e-6f));
        assertThat(l[2]).isEqualTo(1f);
        assertThat(l[3]).isEqualTo(1f);
    }

    @Test
    void noRepeatNgramBansTheTokenThatWouldRepeatAnNgram() {
        // "the cat the" with n = 2: "the cat" occurred, so "cat" (1) may not follow "the" (0) again
        float[] l = logits(1, 1, 1);
        new NoRepeatNgram(2).process(l, new int[]{0, 1, 0}, 0);
        assertThat(l).containsExactly(1f, NEG, 1f);
        // n = 3 on [0 1 2 0 1]: "0 1 2" occurred, so 2 is banned after "0 1"
        float[] l3 = logits(1, 1, 1);
        new NoRepeatNgram(3).process(l3, new int[]{0, 1, 2, 0, 1}, 0);
        assertThat(l3).containsExactly(1f, 1f, NEG);
    }

    @Test
    void thePipelineRunsInTheDocumentedOrderAndGreedyUsesNoWarpers() {
        GenerationSettings s = GenerationSettings.defaults().withSampling(0.7, 40, 0.9, 0.05).withPenalties(1.1, 0.2, 0.3, 3);
        assertThat(LogitsPipeline.of(s).processors()).extracting(LogitsProcessor::name).containsExactly(
                "repetition penalty 1.1", "presence 0.2 / frequency 0.3", "no-repeat 3-gram", "temperature 0.7", "top-k 40",
                "top-p 0.9", "min-p 0.05");
        assertThat(LogitsPipeline.of(s.withStrategy(GenerationSettings.Strategy.GREEDY)).processors()).hasSize(3);
        assertThat(LogitsPipeline.of(GenerationSettings.defaults()).processors()).isEmpty();
    }

    @Test
    void drawingFollowsTheDistribution() {
        double[] p = {0.5, 0.3, 0.15, 0.05, 0};
        int[] counts = new int[p.length];
        Random r = new Random(7);
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            counts[Distributions.draw(p, r)]++;
        }
        for (int i = 0; i < p.length; i++) {
            assertThat(counts[i] / (double) n).as("token %d", i).isCloseTo(p[i], within(0.005));
        }
        assertThat(counts[4]).isZero();
    }

    @Test
    void softmaxAndLogSoftmaxAgreeAndIgnoreMinusInfinity() {
        float[] l = logits(1000, 999, NEG);
        double[] p = Distributions.softmax(l);
        double[] lp = Distributions.logSoftmax(l);
        assertThat(p).containsExactly(new double[]{0.7311, 0.2689, 0}, within(1e-4));
        assertThat(Math.exp(lp[0])).isCloseTo(p[0], within(1e-12));
        assertThat(lp[2]).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(Distributions.topIndices(new double[]{0.1, 0.5, 0.5, 0.2}, 3)).containsExactly(1, 2, 3);
    }

    @Test
    void badSettingsAreNamed() {
        GenerationSettings d = GenerationSettings.defaults();
        assertThatThrownBy(() -> d.withSampling(-1, 0, 1, 0).validate()).isInstanceOf(BadInputException.class)
                .hasMessage("temperature must be ≥ 0 (got -1.0).");
        assertThatThrownBy(() -> d.withSampling(1, 0, 1.5, 0).validate()).hasMessage("top_p must be in (0, 1] (got 1.5).");
        assertThatThrownBy(() -> d.withSampling(1, 0, 0, 0).validate()).hasMessage("top_p must be in (0, 1] (got 0.0).");
        assertThatThrownBy(() -> d.withBeam(0, 1, true, 1).validate()).hasMessage("beam_width must be between 1 and 16 (got 0).");
        assertThatThrownBy(() -> d.withBeam(1000, 1, true, 1).validate()).hasMessage("beam_width must be between 1 and 16 (got 1000).");
        assertThatThrownBy(() -> d.withMaxNewTokens(0).validate()).hasMessage("max_new_tokens must be between 1 and 4096 (got 0).");
        assertThatThrownBy(() -> d.withStop(List.of("")).validate()).hasMessage("A stop sequence must not be empty.");
        assertThatThrownBy(() -> d.withSampling(1, -3, 1, 0).validate()).hasMessage("top_k must be ≥ 0, 0 turns it off (got -3).");
        assertThat(d.withSampling(0, 0, 1, 0).isGreedy()).isTrue();
    }
}
