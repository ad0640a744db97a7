package org.llmplayground.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Tensor-with-number arithmetic that is safe under autograd. Use these instead of {@code x.mul(0.5f)}, {@code
 * x.div(k)} or {@code x.pow(3)} on anything a gradient flows through.
 * <p>
 * Why: DJL's {@code NDArray.mul(Number)} wraps the number in a 0-d tensor over a Java direct buffer
 * ({@code torch::from_blob}, no copy) and closes that tensor as soon as the multiplication returns. Autograd keeps
 * the operand for the backward pass (the gradient of x·s is g·s), so once the garbage collector has freed the buffer
 * the backward pass reads whatever the memory now holds: gradients silently wrong, sometimes infinite. Seen as
 * runs that differed from process to process and a grad norm of ∞ after a few steps, only when a GC ran between
 * forward and backward; gone with a GC-free JVM. Here the number is a native tensor ({@code torch::full}), whose
 * memory autograd's reference keeps alive.
 */
public final class Scalars {
    private Scalars() {
    }

    /** x · s. */
    public static NDArray times(NDArray x, double s) {
        try (NDArray c = constant(x, s)) {
            return x.mul(c);
        }
    }

    /** x ← x · s, in place (for gradients, outside the graph). */
    public static void timesInPlace(NDArray x, double s) {
        try (NDArray c = constant(x, s)) {
            x.muli(c);
        }
    }

    /** x + s. */
    public static NDArray plus(NDArray x, double s) {
        try (NDArray c = constant(x, s)) {
            return x.add(c);
        }
    }

    /** x / s. */
    public static NDArray over(NDArray x, double s) {
        try (NDArray c = constant(x, s)) {
            return x.div(c);
        }
    }

    private static NDArray constant(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType(), like.getDevice());
    }
}
