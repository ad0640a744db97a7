package org.llmplayground.model.nn;

import ai.djl.pytorch.jni.JniUtils;

import java.util.function.Supplier;

/**
 * Runs inference with libtorch's autograd off, like PyTorch's {@code torch.no_grad()}. Grad mode is a per-thread
 * setting, and what it is on a given server thread depends on what ran there before; inference should not. With it
 * on, work on parameters that require gradients may record a backward graph (keeping intermediate tensors alive), and
 * an in-place edit of such a parameter fails ("a leaf Variable that requires grad is being used in an in-place
 * operation", which the test suite ran into). Restores the thread's previous mode afterwards.
 */
public final class NoGrad {
    private NoGrad() {
    }

    public static <T> T run(Supplier<T> work) {
        boolean before = JniUtils.isGradMode();
        if (before) {
            JniUtils.setGradMode(false);
        }
        try {
            return work.get();
        } finally {
            if (before) {
                JniUtils.setGradMode(true);
            }
        }
    }

    public static void run(Runnable work) {
        run(() -> {
            work.run();
            return null;
        });
    }
}
