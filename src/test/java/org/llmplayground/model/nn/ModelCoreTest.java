package org.llmplayground.model.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.llmplayground.model.FeedForwardActivation;
import org.llmplayground.model.ModelConfig;
import org.llmplayground.model.ModelPresets;
import org.llmplayground.model.NormPlacement;
import org.llmplayground.model.NormType;
import org.llmplayground.model.ParameterBreakdown;
import org.llmplayground.model.ParameterCounter;
import org.llmplayground.model.PositionEncoding;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ModelCoreTest {
    static CausalLm build(NDManager m, ModelConfig c) {
        Engine.getInstance().setRandomSeed(42);
        CausalLm lm = CausalLm.of(c);
        lm.initialize(m, DataType.FLOAT32, new Shape(1, Math.min(8, c.contextLength())));
        return lm;
    }

    static long instantiatedCount(CausalLm lm) {
        long n = 0;
        for (Pair<String, Parameter> p : lm.getParameters()) {
            n += p.getValue().getArray().size();
        }
        return n;
    }

    /** The instantiated model's parameters, summed per calculator component (matching name prefixes). */
    static Map<String, Long> perComponent(CausalLm lm, ParameterBreakdown b) {
        Map<String, Long> sums = new HashMap<>();
        for (Pair<String, Parameter> p : lm.getParameters()) {
            String name = p.getKey();
            ParameterBreakdown.Component owner = b.components().stream()
                    .filter(c -> name.matches(c.prefix().replace(".", "\\.").replace("*", "\\d+") + ".*")).findFirst().orElseThrow();
            sums.merge(owner.name(), p.getValue().getArray().size(), Long::sum);
        }
        return sums;
    }

    @Test
    void gpt2SmallInstantiatesAndRunsAForwardPass() {
        try (NDManager m = NDManager.newBaseManager()) {
            CausalLm gpt2 = build(m, ModelPresets.get("gpt2-small").config());
            assertThat(instantiatedCount(gpt2)).isEqualTo(124_439_808L);
            NDArray ids = m.randomInteger(0, 50257, new Shape(1, 128), DataType.INT64);
            NDArray logits = gpt2.logits(new ParameterStore(m, false), ids, null, false, null);
            assertThat(logits.getShape()).isEqualTo(new Shape(1, 128, 50257));
            assertThat(logits.isNaN().any().getBoolean()).isFalse();
            // a freshly initialised model is nearly uniform: logits stay small
            assertThat(logits.abs().max().getFloat()).isLessThan(5f);
        }
    }

    @Property(tries = 25)
    void calculatorEqualsTheInstantiatedModel(@ForAll("smallConfigs") ModelConfig c) {
        ParameterBreakdown expected = ParameterCounter.count(c);
        try (NDManager m = NDManager.newBaseManager()) {
            CausalLm lm = build(m, c);
            assertThat(instantiatedCount(lm)).isEqualTo(expected.total());
            Map<String, Long> actual = perComponent(lm, expected);
            for (ParameterBreakdown.Component comp : expected.components()) {
                assertThat(actual.getOrDefault(comp.name(), 0L)).as(comp.name()).isEqualTo(comp.parameters());
            }
            NDArray logits = lm.logits(new ParameterStore(m, false), m.zeros(new Shape(2, 5), DataType.INT64), null, false, null);
            assertThat(logits.getShape()).isEqualTo(new Shape(2, 5, c.vocabSize()));
        }
    }

    @Provide
    Arbitrary<ModelConfig> smallConfigs() {
        Arbitrary<Integer> heads = Arbitraries.of(1, 2, 4);
        Arbitrary<Integer> groups = Arbitraries.of(1, 2);
        Arbitrary<Integer> headSize = Arbitraries.of(2, 4, 8);
        return Combinators.combine(heads, groups, headSize, Arbitraries.integers().between(1, 3),
                        Arbitraries.of(PositionEncoding.values()), Arbitraries.of(FeedForwardActivation.values()),
                        Arbitraries.of(NormType.values()), Arbitraries.of(NormPlacement.values()))
                .as((h, g, hs, layers, pos, act, norm, place) -> ModelConfig.gpt2Style().vocabSize(37).contextLength(16)
                        .layers(layers).heads(h * g).kvHeads(h).embeddingSize(h * g * hs).ffnHiddenSize(3 * hs + 1)
                        .positionEncoding(pos).activation(act).norm(norm).normPlacement(place)
                        .bias(h % 2 == 1).tiedEmbeddings(hs != 4).scaleEmbeddings(g == 2).build());
    }

    @ParameterizedTest
    @EnumSource(PositionEncoding.class)
    void aFutureTokenCannotChangeEarlierLogits(PositionEncoding pos) {
        ModelConfig c = ModelConfig.gpt2Style().vocabSize(50).contextLength(12).layers(2).heads(4).kvHeads(2)
                .embeddingSize(16).ffnHiddenSize(32).positionEncoding(pos).build();
        try (NDManager m = NDManager.newBaseManager()) {
            CausalLm lm = build(m, c);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray a = m.create(new long[]{1, 2, 3, 4, 5, 6, 7, 8}, new Shape(1, 8));
            NDArray b = m.create(new long[]{1, 2, 3, 4, 5, 49, 48, 47}, new Shape(1, 8));
            NDArray la = lm.logits(ps, a, null, false, null);
            NDArray lb = lm.logits(ps, b, null, false, null);
            assertThat(la.get(new NDIndex(":, 0:5, :")).sub(lb.get(new NDIndex(":, 0:5, :"))).abs().max().getFloat()).isLessThan(1e-6f);
            assertThat(la.get(new NDIndex(":, 5:, :")).sub(lb.get(new NDIndex(":, 5:, :"))).abs().max().getFloat()).isGreaterThan(1e-4f);
        }
    }

    @Test
    void paddedPositionsDoNotChangeRealOnes() {
        ModelConfig c = ModelConfig.llamaStyle().vocabSize(40).contextLength(10).layers(2).heads(2).embeddingSize(8)
                .ffnHiddenSize(12).build();
        try (NDManager m = NDManager.newBaseManager()) {
            CausalLm lm = build(m, c);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray shortSeq = m.create(new long[]{5, 6, 7}, new Shape(1, 3));
            NDArray batch = m.create(new long[]{5, 6, 7, 0, 0, 1, 2, 3, 4, 5}, new Shape(2, 5));
            NDArray padding = m.create(new long[]{1, 1, 1, 0, 0, 1, 1, 1, 1, 1}, new Shape(2, 5));
            NDArray alone = lm.logits(ps, shortSeq, null, false, null);
            NDArray padded = lm.logits(ps, batch, padding, false, null);
            assertThat(padded.get(new NDIndex("0, 0:3, :")).sub(alone.get(new NDIndex("0"))).abs().max().getFloat()).isLessThan(1e-5f);
        }
    }

    @Test
    void tooLongAnInputIsRefused() {
        ModelConfig c = ModelConfig.gpt2Style().vocabSize(10).contextLength(4).layers(1).heads(1).embeddingSize(4).ffnHiddenSize(4).build();
        try (NDManager m = NDManager.newBaseManager()) {
            CausalLm lm = build(m, c);
            assertThatThrownBy(() -> lm.logits(new ParameterStore(m, false), m.zeros(new Shape(1, 5), DataType.INT64), null, false, null))
                    .hasMessage("The input has 5 tokens; this model reads at most 4 (its context length).");
        }
    }

    @Test
    void sinusoidalTableFollowsTheFormula() {
        int d = 16;
        float[] pe = Positions.sinusoidal(50, d);
        for (int pos : new int[]{0, 1, 7, 49}) {
            for (int i = 0; i < d / 2; i++) {
                double w = 1 / Math.pow(10_000, 2.0 * i / d);
                assertThat((double) pe[pos * d + 2 * i]).isCloseTo(Math.sin(pos * w), within(1e-6));
                assertThat((double) pe[pos * d + 2 * i + 1]).isCloseTo(Math.cos(pos * w), within(1e-6));
            }
        }
    }

    @Test
    void ropeScoresDependOnlyOnTheDistance() {
        int hs = 8;
        float[][] cs = Positions.rope(40, hs, 10_000);
        double[] q = {0.3, -1.2, 0.5, 2.0, -0.7, 0.1, 1.1, -0.4};
        double[] k = {1.0, 0.2, -0.3, 0.8, 0.5, -1.5, 0.9, 0.6};
        double score3at5 = dot(rotate(q, cs, 8, hs), rotate(k, cs, 5, hs));
        double score3at30 = dot(rotate(q, cs, 33, hs), rotate(k, cs, 30, hs));
        assertThat(score3at30).isCloseTo(score3at5, within(1e-5));
        // angle of dimension pair j at position p = p / θ^(2j/hs)
        assertThat((double) cs[0][7 * hs + 1]).isCloseTo(Math.cos(7 / Math.pow(10_000, 2.0 / hs)), within(1e-6));
        assertThat((double) cs[1][7 * hs + 5]).isCloseTo(Math.sin(7 / Math.pow(10_000, 2.0 / hs)), within(1e-6));
    }

    /** x·cos + rotate_half(x)·sin at position p, in plain Java. */
    static double[] rotate(double[] x, float[][] cs, int p, int hs) {
        double[] out = new double[hs];
        for (int j = 0; j < hs; j++) {
            double rotated = j < hs / 2 ? -x[j + hs / 2] : x[j - hs / 2];
            out[j] = x[j] * cs[0][p * hs + j] + rotated * cs[1][p * hs + j];
        }
        return out;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void bigramIsATableLookup() {
        ModelConfig c = ModelPresets.get("bigram").config();
        try (NDManager m = NDManager.newBaseManager()) {
            CausalLm lm = build(m, c);
            NDArray logits = lm.logits(new ParameterStore(m, false), m.create(new long[]{3, 3, 7}, new Shape(1, 3)), null, false, null);
            assertThat(logits.get(new NDIndex("0, 0")).sub(logits.get(new NDIndex("0, 1"))).abs().max().getFloat()).isZero();
            assertThat(instantiatedCount(lm)).isEqualTo(65L * 65);
        }
    }
}
