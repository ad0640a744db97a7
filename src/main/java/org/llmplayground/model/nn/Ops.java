package org.llmplayground.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;

/** The small tensor functions the transformer is made of; each says what it computes. */
final class Ops {
    /** √(2/π), for GPT-2's tanh GELU. */
    private static final double GELU_C = Math.sqrt(2 / Math.PI);

    private Ops() {
    }

    /** y = x·Wᵀ + b, with W stored (out, in) as in PyTorch's nn.Linear. x (…, in) → (…, out). */
    static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return bias == null ? Linear.linear(x, weight).head() : Linear.linear(x, weight, bias).head();
    }

    /** (x − mean) / √(var + eps) · γ + β over the last axis. β may be null (no bias). */
    static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, float eps) {
        long d = x.getShape().tail();
        NDArray b = beta != null ? beta : x.getManager().zeros(new Shape(d), x.getDataType(), x.getDevice());
        return LayerNorm.layerNorm(x, new Shape(d), gamma, b, eps).head();
    }

    /** x / √(mean(x²) + eps) · γ over the last axis (no centring, no β), computed in float32 as Llama does. */
    static NDArray rmsNorm(NDArray x, NDArray gamma, float eps) {
        NDArray meanSquare = x.square().mean(new int[]{-1}, true);
        return x.div(Scalars.plus(meanSquare, eps).sqrt()).mul(gamma);
    }

    /** GPT-2's GELU: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
    static NDArray geluTanh(NDArray x) {
        NDArray inner = Scalars.times(x.add(Scalars.times(x.mul(x).mul(x), 0.044715)), GELU_C);
        return Scalars.times(x.mul(Scalars.plus(inner.tanh(), 1)), 0.5);
    }

    /** silu(x) = x·σ(x), the gate of SwiGLU. */
    static NDArray silu(NDArray x) {
        return x.mul(ai.djl.nn.Activation.sigmoid(x));
    }

    /** Inverted dropout while training (see {@link DropoutMasks}); the identity otherwise. */
    static NDArray dropout(NDArray x, double rate, boolean training) {
        return training && rate > 0 ? DropoutMasks.apply(x, rate) : x;
    }

    /**
     * Additive attention mask (1, 1, T, T): 0 where query i may look at key j (j ≤ i), −10⁹ above the diagonal, so
     * softmax gives future positions weight 0. With {@code padding} (B, T; 1 = real token, 0 = pad) the pad keys are
     * masked too, giving (B, 1, T, T). A large finite value instead of −∞ keeps fully masked rows finite.
     */
    /**
     * The mask for T new queries at positions past..past+T−1 over past + T keys, (1, 1, T, past + T): query i may see
     * key j when j ≤ past + i. E.g. past = 2, T = 2: [[0 0 0 −∞], [0 0 0 0]].
     */
    static NDArray causalMask(NDArray like, long t, int past) {
        long keys = past + t;
        float[] mask = new float[(int) (t * keys)];
        for (int i = 0; i < t; i++) {
            for (long j = past + i + 1; j < keys; j++) {
                mask[(int) (i * keys + j)] = -1e9f;
            }
        }
        return NativeArrays.floats(like.getManager(), mask, new Shape(1, 1, t, keys), like.getDevice());
    }

    static NDArray attentionMask(NDArray like, long t, NDArray padding) {
        float[] mask = new float[(int) (t * t)];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                mask[(int) (i * t + j)] = -1e9f;
            }
        }
        NDArray causal = NativeArrays.floats(like.getManager(), mask, new Shape(1, 1, t, t), like.getDevice());
        if (padding == null) {
            return causal;
        }
        long b = padding.getShape().get(0);
        NDArray padKeys = Scalars.times(Scalars.plus(padding.toType(ai.djl.ndarray.types.DataType.FLOAT32, false), -1), 1e9).reshape(b, 1, 1, t);
        return causal.add(padKeys);
    }
}
