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
import java.util.concurrent.atomic.AtomicReference;

/**
 * Threads on which libtorch runs every op on one core, for work made of many tiny ops: decoding a small model.
 * <p>
 * Why: decoding shakespeare-char is ~80 native ops per token on (1, 128)-sized tensors. With 2 intra-op threads, MKL
 * and OpenMP hand some of them to a second thread; with OMP_WAIT_POLICY=PASSIVE (or a busy machine) that thread is
 * asleep and every hand-off pays a wake-up. Measured on 2 cores with PASSIVE: 1.5 ms a token with 2 threads, 0.4 ms
 * with 1 (docs/benchmarks.md, "Generation"). Training a small model (nanoGPT's CPU recipe) is the same story: as fast on
 * one core as on two, and steady. Matrix-bound work (the baby GPT's batches, GPT-2-sized models) still uses every core.
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
            throw rethrown(e.getCause());
        }
    }

    /**
     * Runs {@code work} on a one-core libtorch thread until it ends, for long work with its own way to stop (a training
     * run). An interrupt of the caller is passed on to the work, and the caller still waits for it to end: the work
     * must not go on in the background once the caller has returned. Its InterruptedException comes back as it was.
     */
    public static <T> T callToEnd(Callable<T> work) throws InterruptedException {
        AtomicReference<Thread> runner = new AtomicReference<>();
        AtomicInteger state = new AtomicInteger(); // 0 waiting to start, 1 running, 2 given up before it started
        Future<T> f = pool().submit(() -> {
            runner.set(Thread.currentThread());
            if (!state.compareAndSet(0, 1)) {
                return null; // the caller was interrupted before this started: nothing runs
            }
            try {
                return work.call();
            } finally {
                Thread.interrupted(); // the pool thread goes back clean
            }
        });
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    if (!interrupted) {
                        interrupted = true;
                        if (state.compareAndSet(0, 2)) {
                            throw e;
                        }
                        // running (runner was set before it started): interrupt it once, since winding down (saving a
                        // checkpoint) may take a while and must not be interrupted again, and wait for it to end
                        runner.get().interrupt();
                    }
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof InterruptedException ie) {
                        throw ie;
                    }
                    throw rethrown(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The work's own exception: unchecked ones as they are (an Error is thrown here), checked ones wrapped. */
    private static RuntimeException rethrown(Throwable cause) {
        if (cause instanceof Error err) {
            throw err;
        }
        return cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
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
