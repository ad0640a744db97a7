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

    /**
     * callToEnd: the work's result and exceptions come back as they are; an interrupt of the caller reaches the work,
     * and the caller returns only after the work has ended (no training left running in the background).
     */
    @Test
    void callToEndPassesAnInterruptOnAndWaitsForTheWorkToEnd() throws Exception {
        assertThat(SingleThreadTorch.callToEnd(JniUtils::getNumThreads)).isEqualTo(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SingleThreadTorch.callToEnd(() -> {
            throw new InterruptedException("stopped inside");
        })).isInstanceOf(InterruptedException.class).hasMessage("stopped inside");

        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<Throwable> caught = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean endedWhenCallerReturned = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean callerStillInterrupted = new java.util.concurrent.atomic.AtomicBoolean();
        Thread caller = new Thread(() -> {
            try {
                SingleThreadTorch.callToEnd(() -> {
                    started.countDown();
                    try {
                        Thread.sleep(60_000); // a training step loop that notices interrupts
                        return "slept";
                    } finally {
                        Thread.sleep(200);   // winding down takes a while (interrupt status cleared by the throw)
                        ended.set(true);
                    }
                });
            } catch (Throwable t) {
                caught.set(t);
            }
            endedWhenCallerReturned.set(ended.get());
            callerStillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        caller.start();
        assertThat(started.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        caller.interrupt();
        caller.join(10_000);
        assertThat(caller.isAlive()).isFalse();
        assertThat(caught.get()).isInstanceOf(InterruptedException.class).hasMessage("sleep interrupted");
        assertThat(endedWhenCallerReturned.get()).as("the work had ended when the caller returned").isTrue();
        assertThat(callerStillInterrupted.get()).as("the caller keeps its interrupt").isTrue();
        // the pool thread went back clean: the next work is not interrupted
        assertThat(SingleThreadTorch.callToEnd(() -> Thread.currentThread().isInterrupted())).isFalse();
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
