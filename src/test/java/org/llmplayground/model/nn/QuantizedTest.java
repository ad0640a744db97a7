package org.llmplayground.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.llmplayground.model.ModelConfig;

import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** int8 and Q4_0: the codes llama.cpp's arithmetic gives, the error bounds, and a quantized base (QLoRA) in a model. */
class QuantizedTest {
    static float[] gaussian(int n, long seed) {
        Random r = new Random(seed);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) (r.nextGaussian() * 0.02);
        }
        return w;
    }

    @Test
    void q4_0MatchesTheWorkedExampleAndGgmlsRounding() {
        float[] w = new float[32];
        w[0] = -0.8f;   // the largest magnitude, negative: d = −0.8 / −8 = 0.1
        w[1] = 0.33f;   // trunc(3.3 + 8.5) = 11 → (11 − 8)·0.1 = 0.3
        w[2] = 0.8f;    // trunc(8 + 8.5) = 16, clamped to 15 → 0.7: the one place the error reaches |d|
        w[3] = -0.26f;  // trunc(−2.6 + 8.5) = 5 → −0.3
        Quantized.Codes c = Quantized.quantize(w, 1, 32, Quantized.Scheme.Q4_0);
        assertThat(c.scales()[0]).isEqualTo(0.1f);
        assertThat(c.codes()[0] & 15).isEqualTo(0);   // −0.8/0.1 + 8.5 = 0.5 → 0
        assertThat(c.codes()[0] >> 4 & 15).isEqualTo(11);
        assertThat(c.codes()[1] & 15).isEqualTo(15);
        assertThat(c.codes()[1] >> 4 & 15).isEqualTo(5);
        float[] back = Quantized.dequantize(c, 1, 32, Quantized.Scheme.Q4_0);
        assertThat(back[0]).isEqualTo(-0.8f);
        assertThat(back[1]).isCloseTo(0.3f, org.assertj.core.data.Offset.offset(1e-7f));
        assertThat(back[2]).isCloseTo(0.7f, org.assertj.core.data.Offset.offset(1e-7f));
        assertThat(back[3]).isCloseTo(-0.3f, org.assertj.core.data.Offset.offset(1e-7f));
        assertThat(back[4]).isZero(); // 0 → code 8 → 0 exactly
    }

    @Test
    void errorsStayWithinTheSchemesBounds() {
        int rows = 48;
        int cols = 96;
        float[] w = gaussian(rows * cols, 7);
        Quantized.Codes i8 = Quantized.quantize(w, rows, cols, Quantized.Scheme.INT8);
        float[] back8 = Quantized.dequantize(i8, rows, cols, Quantized.Scheme.INT8);
        for (int i = 0; i < w.length; i++) {
            assertThat(Math.abs(w[i] - back8[i])).as("int8 element %d", i).isLessThanOrEqualTo(i8.scales()[i / cols] / 2 * 1.0001f);
        }
        Quantized.Codes q4 = Quantized.quantize(w, rows, cols, Quantized.Scheme.Q4_0);
        float[] back4 = Quantized.dequantize(q4, rows, cols, Quantized.Scheme.Q4_0);
        int clamped = 0;
        for (int i = 0; i < w.length; i++) {
            float d = Math.abs(q4.scales()[i / Quantized.GROUP]);
            float err = Math.abs(w[i] - back4[i]);
            assertThat(err).as("q4_0 element %d", i).isLessThanOrEqualTo(d * 1.0001f);
            if (err > d / 2 * 1.0001f) {
                clamped++; // only the clamp at code 15 may exceed d/2
                assertThat((q4.codes()[i / 2] >> (i % 2 == 0 ? 0 : 4)) & 15).isEqualTo(15);
            }
        }
        assertThat(clamped).isLessThan(w.length / 20);
        assertThat(Quantized.bytes(rows, cols, Quantized.Scheme.INT8)).isEqualTo(rows * cols + rows * 4L);
        assertThat(Quantized.bytes(rows, cols, Quantized.Scheme.Q4_0)).isEqualTo(rows * cols / 2 + rows * cols / 32 * 4L);
        assertThatThrownBy(() -> Quantized.quantize(new float[40], 1, 40, Quantized.Scheme.Q4_0))
                .hasMessage("Q4_0 quantizes rows in groups of 32; this matrix has 40 columns. Use int8 for it.");
    }

    @Test
    void theArraysDequantizeExactlyAsTheReference() {
        int rows = 16;
        int cols = 64;
        float[] w = gaussian(rows * cols, 11);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray weight = m.create(w, new Shape(rows, cols));
            for (Quantized.Scheme s : Quantized.Scheme.values()) {
                float[] expected = Quantized.dequantize(Quantized.quantize(w, rows, cols, s), rows, cols, s);
                try (Quantized q = Quantized.of(weight, s, m); NDManager scope = m.newSubManager()) {
                    assertThat(q.dequantize(scope).toFloatArray()).as(s.id()).containsExactly(expected);
                    assertThat(q.bytes()).isEqualTo(Quantized.bytes(rows, cols, s));
                }
            }
        }
    }

    @Test
    void aQuantizedBaseAnswersNearlyAsTheFloatOneAndTakesAFractionOfTheMemory() {
        ModelConfig c = ModelConfig.gpt2Style().vocabSize(50).contextLength(16).layers(2).heads(4).embeddingSize(64)
                .ffnHiddenSize(128).build();
        long[] ids = {1, 7, 3, 9, 12, 4, 30, 2};
        try (NDManager m = NDManager.newBaseManager()) {
            float[] reference = logits(ModelCoreTest.build(m, c), m, ids);
            for (Quantized.Scheme s : Quantized.Scheme.values()) {
                Transformer t = (Transformer) ModelCoreTest.build(m, c); // the same seed: the same weights
                Transformer copy = (Transformer) ModelCoreTest.build(m, c);
                assertThat(logits(copy, m, ids)).containsExactly(reference);
                t.attachLora(new Lora.Spec(4, 8, 0, Set.of("qkv", "down"), Set.of()), 1);
                long[] bytes = t.quantizeBase(s);
                assertThat(t.quantization()).isEqualTo(s);
                // q, k, v, o (64×64), up (128×64), down (64×128) per layer, float: 4 bytes each
                long floats = 2L * (4 * 64 * 64 + 2 * 128 * 64) * 4;
                assertThat(bytes[0]).isEqualTo(floats);
                assertThat((double) bytes[0] / bytes[1]).as(s.id()).isGreaterThan(s == Quantized.Scheme.INT8 ? 3.7 : 6.0);
                float[] got = logits(t, m, ids);
                double maxErr = 0;
                double maxRef = 0;
                for (int i = 0; i < got.length; i++) {
                    maxErr = Math.max(maxErr, Math.abs(got[i] - reference[i]));
                    maxRef = Math.max(maxRef, Math.abs(reference[i]));
                }
                assertThat(maxErr / maxRef).as("%s: worst logit error relative to the largest logit", s.id())
                        .isLessThan(s == Quantized.Scheme.INT8 ? 0.01 : 0.1).isGreaterThan(0);
                // the float copies of the quantized weights are gone; saving dequantizes them
                assertThat(t.getParameters().get("layers.0.attn.q.weight").isInitialized()).isFalse();
                assertThat(t.values(t.getParameters().get("layers.0.attn.q.weight"))).hasSize(64 * 64);
                assertThatThrownBy(() -> t.quantizeBase(s)).hasMessage("The base weights are already quantized.");
            }
        }
    }

    static float[] logits(CausalLm lm, NDManager m, long[] ids) {
        try (NDManager scope = m.newSubManager()) {
            NDArray x = scope.create(ids, new Shape(1, ids.length));
            return lm.logits(new ParameterStore(scope, false), x, null, false, null).toFloatArray();
        }
    }
}
