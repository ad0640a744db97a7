package org.llmplayground.model.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** Numbers in the autograd graph must survive a garbage collection between the forward and the backward pass. */
class ScalarsTest {
    @Test
    void gradientsThroughScalarOpsAreRightEvenWhenTheGcRunsBeforeBackward() {
        assertThat(gradientAfterGc(w -> Scalars.times(w, 3))).containsExactly(3f, 3f, 3f);
        assertThat(gradientAfterGc(w -> Scalars.over(w, 4))).containsExactly(0.25f, 0.25f, 0.25f);
        assertThat(gradientAfterGc(w -> Scalars.plus(w, 7).mul(w))).containsExactly(9f, 11f, 13f); // d/dw (w+7)·w = 2w + 7
        float[] gelu = gradientAfterGc(Ops::geluTanh);
        for (int i = 0; i < 3; i++) { // d/dx 0.5x(1 + tanh u), u = c(x + 0.044715x³)
            double x = i + 1;
            double c = Math.sqrt(2 / Math.PI);
            double t = Math.tanh(c * (x + 0.044715 * x * x * x));
            double expected = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x);
            assertThat((double) gelu[i]).isCloseTo(expected, org.assertj.core.api.Assertions.within(1e-5));
        }
    }

    /** Forward, then a GC and fresh native memory filled with 0xFF (to overwrite anything freed), then backward. */
    static float[] gradientAfterGc(UnaryOperator<NDArray> f) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.create(new float[]{1, 2, 3});
            w.setRequiresGradient(true);
            List<ByteBuffer> garbage = new ArrayList<>();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = f.apply(w).sum();
                for (int i = 0; i < 5; i++) {
                    System.gc();
                    for (int j = 0; j < 2000; j++) {
                        ByteBuffer b = ByteBuffer.allocateDirect(64);
                        while (b.hasRemaining()) {
                            b.put((byte) 0xFF);
                        }
                        garbage.add(b);
                    }
                }
                gc.backward(y);
            }
            return w.getGradient().toFloatArray();
        }
    }
}
