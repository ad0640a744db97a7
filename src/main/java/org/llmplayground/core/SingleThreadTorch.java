package org.llmplayground.core;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads on which libtorch runs every op on one core, for work made of many tiny ops: decoding a small model.
 * <p>
 * Why: decoding shakespeare-char is ~80 native ops per token on (1, 128)-sized tensors. With 2 intra-op threads, MKL
 * and OpenMP hand some of them to a second thread; with OMP_WAIT_POLICY=PASSIVE (or a busy machine) that thread is
 * asleep and every hand-off pays a wake-up. Measured on 2 cores with PASSIVE: 1.5 ms a token with 2 threads, 0.4 ms
 * with 1 (docs/benchmarks.md, "Generation"). Matrix-bound work (training, GPT-2-sized models) still uses every core.
 * <p>
 * How, without slowing the rest of the process: libtorch's thread count is per thread. {@code at::set_num_threads}
 * sets the calling thread's OpenMP ICV and MKL's thread-local count, plus a global default that a thread copies on
 * its first op. Each pool thread here sets 1 and runs one op (its first, so it will not re-read the default), then a
 * throwaway thread puts the global default back, so threads that start later (a training job) keep every core.
 */
public final class SingleThreadTorch {
    private static final Logger LOG = LoggerFactory.getLogger(SingleThreadTorch.class);
    private static final Object INIT = new Object();
    private static volatile ExecutorService pool;

    private SingleThreadTorch() {
    }

    /** Runs {@code work} on a one-core libtorch thread and waits for it (the caller's thread just waits). */
    public static <T> T call(Callable<T> work) {
        Future<T> f = pool().submit(work);
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the model", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** Whether the current thread is one of the pool's (then work runs in place). */
    public static boolean onPoolThread() {
        return Thread.currentThread().getName().startsWith("torch-1t-");
    }

    private static ExecutorService pool() {
        ExecutorService p = pool;
        if (p == null) {
            synchronized (INIT) {
                if (pool == null) {
                    Engine.getEngine("PyTorch"); // libtorch loaded before a pool thread sets anything
                    AtomicInteger n = new AtomicInteger();
                    ThreadFactory factory = r -> {
                        Thread t = new Thread(() -> {
                            oneCore();
                            r.run();
                        }, "torch-1t-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    };
                    // as many threads as there are generations at once (the admission limit bounds those): a fixed
                    // pool would make a third generation wait for a whole other one, where steps should take turns
                    pool = Executors.newCachedThreadPool(factory);
                }
                p = pool;
            }
        }
        return p;
    }

    /** On a new pool thread: one core for this thread, the process default left as it was. */
    private static void oneCore() {
        synchronized (INIT) {
            int before = JniUtils.getNumThreads(); // this thread's first op: it reads the default now, not later
            JniUtils.setNumThreads(1);             // this thread: OpenMP and MKL on one core (and, for now, the default)
            Thread restore = new Thread(() -> JniUtils.setNumThreads(before), "torch-threads-restore");
            restore.start();
            try {
                restore.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            LOG.debug("{}: libtorch on 1 thread here; {} elsewhere", Thread.currentThread().getName(), before);
        }
    }
}
