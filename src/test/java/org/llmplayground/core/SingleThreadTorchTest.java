package org.llmplayground.core;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Work on the pool runs with libtorch on one thread, while a thread that starts afterwards (a training job) still gets
 * the process default: the pool's setting stays on its own threads.
 */
class SingleThreadTorchTest {
    @Test
    void thePoolRunsOnOneCoreAndLeavesOtherThreadsAlone() throws Exception {
        Engine.getEngine("PyTorch");
        int before = onNewThread();
        assertThat(SingleThreadTorch.call(JniUtils::getNumThreads)).isEqualTo(1);
        assertThat(SingleThreadTorch.call(SingleThreadTorch::onPoolThread)).isTrue();
        assertThat(SingleThreadTorch.onPoolThread()).isFalse();
        assertThat(onNewThread()).as("a thread started after the pool's").isEqualTo(before);
        assertThat(JniUtils.getNumThreads()).as("this thread").isEqualTo(before);
        // an exception inside comes out as itself
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SingleThreadTorch.call(() -> {
            throw new IllegalArgumentException("inside");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("inside");
    }

    /** libtorch's thread count as a brand-new thread sees it on its first op. */
    static int onNewThread() throws InterruptedException {
        AtomicInteger n = new AtomicInteger();
        Thread t = new Thread(() -> n.set(JniUtils.getNumThreads()));
        t.start();
        t.join();
        return n.get();
    }
}
