package org.llmplayground.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.llmplayground.model.Architecture;
import org.llmplayground.model.FeedForwardActivation;
import org.llmplayground.model.ModelConfig;
import org.llmplayground.model.NormPlacement;
import org.llmplayground.model.NormType;
import org.llmplayground.model.PositionEncoding;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Incremental decoding with the KV cache gives the same logits as running the whole sequence without it. */
class KvCacheTest {
    private static final int[] SEQUENCE = {3, 14, 15, 9, 2, 6, 5, 35, 8, 9, 7, 9};

    /** Full-sequence logits (T × V) of one row. */
    static float[][] uncached(CausalLm lm, NDManager m, int[] ids) {
        ParameterStore ps = new ParameterStore(m, false);
        NDArray x = m.create(Arrays.stream(ids).asLongStream().toArray(), new Shape(1, ids.length));
        float[] all = lm.logits(ps, x, null, false, null).toFloatArray();
        int v = lm.config().vocabSize();
        float[][] rows = new float[ids.length][];
        for (int t = 0; t < ids.length; t++) {
            rows[t] = Arrays.copyOfRange(all, t * v, (t + 1) * v);
        }
        return rows;
    }

    static float maxDiff(float[] a, float[] b) {
        float d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    @Property(tries = 20)
    void prefillThenOneTokenAtATimeEqualsTheFullPass(@ForAll("configs") ModelConfig c, @ForAll("prefills") int prefill) {
        try (NDManager m = NDManager.newBaseManager()) {
            CausalLm lm = ModelCoreTest.build(m, c);
            float[][] expected = uncached(lm, m, SEQUENCE);
            ParameterStore ps = new ParameterStore(m, false);
            try (KvCache cache = lm.newCache(m, 1)) {
                float[] got = lm.decode(ps, Arrays.copyOf(SEQUENCE, prefill), prefill, cache);
                assertThat(maxDiff(got, expected[prefill - 1])).as("after prefill of %d", prefill).isLessThan(2e-5f);
                for (int t = prefill; t < SEQUENCE.length; t++) {
                    got = lm.decode(ps, new int[]{SEQUENCE[t]}, 1, cache);
                    assertThat(maxDiff(got, expected[t])).as("position %d", t).isLessThan(2e-5f);
                }
                assertThat(cache.length()).isEqualTo(SEQUENCE.length);
            }
        }
    }

    @Provide
    Arbitrary<Integer> prefills() {
        return Arbitraries.of(1, 4, 7);
    }

    @Provide
    Arbitrary<ModelConfig> configs() {
        return Combinators.combine(Arbitraries.of(1, 2), Arbitraries.of(PositionEncoding.values()), Arbitraries.of(FeedForwardActivation.values()),
                        Arbitraries.of(NormType.values()), Arbitraries.of(NormPlacement.values()), Arbitraries.of(true, false))
                .as((groups, pos, act, norm, place, bias) -> ModelConfig.gpt2Style().vocabSize(37).contextLength(16).layers(2)
                        .heads(2 * groups).kvHeads(2).embeddingSize(8 * groups).ffnHiddenSize(20).positionEncoding(pos)
                        .activation(act).norm(norm).normPlacement(place).bias(bias).tiedEmbeddings(!bias).build());
    }

    @Test
    void batchedRowsAndReorderingFollowTheirOwnSequences() {
        ModelConfig c = ModelConfig.llamaStyle().vocabSize(37).contextLength(16).layers(2).heads(4).kvHeads(2)
                .embeddingSize(16).ffnHiddenSize(24).build();
        try (NDManager m = NDManager.newBaseManager()) {
            CausalLm lm = ModelCoreTest.build(m, c);
            ParameterStore ps = new ParameterStore(m, false);
            int[] a = {1, 2, 3, 4};
            int[] b = {9, 8, 7, 6};
            try (KvCache cache = lm.newCache(m, 2)) {
                lm.decode(ps, new int[]{1, 2, 3, 9, 8, 7}, 3, cache);
                // rows swap and then both take their 4th token: row 0 now continues b, row 1 continues a
                cache.reorder(new int[]{1, 0});
                float[] got = lm.decode(ps, new int[]{6, 4}, 1, cache);
                int v = c.vocabSize();
                assertThat(maxDiff(Arrays.copyOfRange(got, 0, v), uncached(lm, m, b)[3])).isLessThan(2e-5f);
                assertThat(maxDiff(Arrays.copyOfRange(got, v, 2 * v), uncached(lm, m, a)[3])).isLessThan(2e-5f);
                // both rows continue a's prefix
                cache.reorder(new int[]{1, 1});
                got = lm.decode(ps, new int[]{5, 5}, 1, cache);
                float[] expected = uncached(lm, m, new int[]{1, 2, 3, 4, 5})[4];
                assertThat(maxDiff(Arrays.copyOfRange(got, 0, v), expected)).isLessThan(2e-5f);
                assertThat(maxDiff(Arrays.copyOfRange(got, v, 2 * v), expected)).isLessThan(2e-5f);
            }
        }
    }

    /** Grad mode is per thread; NoGrad turns it off for the work and restores what the thread had. */
    @Test
    void noGradTurnsAutogradOffAndRestoresIt() throws Exception {
        boolean[] seen = new boolean[4];
        Thread t = new Thread(() -> {
            ai.djl.pytorch.jni.JniUtils.setGradMode(true);
            seen[0] = NoGrad.run(ai.djl.pytorch.jni.JniUtils::isGradMode);
            seen[1] = ai.djl.pytorch.jni.JniUtils.isGradMode();
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
            seen[2] = NoGrad.run(ai.djl.pytorch.jni.JniUtils::isGradMode);
            seen[3] = ai.djl.pytorch.jni.JniUtils.isGradMode();
        });
        t.start();
        t.join();
        assertThat(seen).containsExactly(false, true, false, false);
    }

    @Test
    void theCacheStopsAtTheContextLengthAndBigramsNeedNone() {
        ModelConfig c = ModelConfig.gpt2Style().vocabSize(20).contextLength(4).layers(1).heads(1).embeddingSize(4).ffnHiddenSize(8).build();
        try (NDManager m = NDManager.newBaseManager()) {
            CausalLm lm = ModelCoreTest.build(m, c);
            ParameterStore ps = new ParameterStore(m, false);
            try (KvCache cache = lm.newCache(m, 1)) {
                lm.decode(ps, new int[]{1, 2, 3}, 3, cache);
                lm.decode(ps, new int[]{4}, 1, cache);
                assertThatThrownBy(() -> lm.decode(ps, new int[]{5}, 1, cache))
                        .hasMessage("The cache holds 4 tokens; 1 more exceed this model's context of 4.");
            }
            ModelConfig bc = ModelConfig.gpt2Style().architecture(Architecture.BIGRAM).vocabSize(20).contextLength(8).build();
            CausalLm bigram = ModelCoreTest.build(m, bc);
            try (KvCache cache = bigram.newCache(m, 1)) {
                float[] got = bigram.decode(ps, new int[]{4, 7}, 2, cache);
                assertThat(maxDiff(got, uncached(bigram, m, new int[]{4, 7})[1])).isEqualTo(0f);
            }
        }
    }
}
