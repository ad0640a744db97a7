package org.llmplayground.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.norm.Dropout;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Inverted dropout, y = x · m / (1 − p) with m ~ Bernoulli(1 − p), with the masks drawn in Java on the CPU.
 * <p>
 * Why not libtorch's dropout: its CPU Bernoulli sampler draws one number at a time on one thread; for the baby GPT
 * (6.5 M mask entries per step, two thirds of them in the B × H × T × T attention weights) that was a quarter of the
 * whole training step. Here one 64-bit random number gives four 16-bit draws, an entry is dropped when its draw is
 * below round(p · 65536) (p = 0.1 → 6554/65536 = 0.100006), and the mask goes to the tensor as scaled floats
 * {0, 1/(1 − p)}, so the forward is one multiplication and autograd's backward multiplies the gradient by the
 * same mask. On a GPU libtorch's own kernel is used. The generator is per thread and reseeded by the trainer at
 * every step, so the masks of a step depend on (seed, step) alone and a resumed run draws the same ones.
 */
public final class DropoutMasks {
    private static final int CHUNK = 1 << 16;
    private static final ThreadLocal<SplittableRandom> RANDOM = ThreadLocal.withInitial(SplittableRandom::new);

    private DropoutMasks() {
    }

    /** Makes the following masks on this thread a function of {@code seed}. */
    public static void reseed(long seed) {
        RANDOM.set(new SplittableRandom(seed));
    }

    static NDArray apply(NDArray x, double rate) {
        if (x.getDevice().isGpu()) {
            return Dropout.dropout(x, (float) rate, true).head();
        }
        return x.mul(mask(x, rate));
    }

    /** A mask shaped like x: 0 with probability ≈ rate, else 1 / (1 − rate). */
    static NDArray mask(NDArray x, double rate) {
        int n = Math.toIntExact(x.size());
        int threshold = (int) Math.round(rate * 65536);
        float keep = (float) (1 / (1 - rate));
        // chunks with their own seeds, derived in order from this thread's generator: filled in parallel, yet the
        // mask does not depend on which thread filled which chunk
        long base = RANDOM.get().nextLong();
        int chunks = (n + CHUNK - 1) / CHUNK;
        return NativeArrays.floats(x.getManager(), x.getShape(), x.getDevice(), bytes -> IntStream.range(0, chunks).parallel().forEach(c -> {
            SplittableRandom random = new SplittableRandom(base + c * 0x9E3779B97F4A7C15L);
            FloatBuffer out = bytes.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
            int end = Math.min(n, (c + 1) * CHUNK);
            for (int i = c * CHUNK; i < end; ) {
                long bits = random.nextLong();
                for (int k = 0; k < 4 && i < end; k++, i++, bits >>>= 16) {
                    out.put(i, (bits & 0xFFFF) < threshold ? 0f : keep);
                }
            }
        }));
    }
}
