package org.llmplayground.core;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * The native set-up the app makes before anything loads libtorch, in one call: oneMKL's kernels ({@link MklKernels})
 * and glibc's allocator.
 * <p>
 * Why the allocator: a training step allocates and frees some 50 MB of activations and gradients through glibc's
 * malloc. glibc hands blocks above its mmap threshold (128 KiB at first, raised as such blocks are freed) straight to
 * mmap, and returns the free top of the heap to the system whenever it exceeds twice that — so early in a process
 * every step faults its memory back in page by page. Measured on nanoGPT's CPU recipe in a fresh JVM
 * (docs/benchmarks.md): 83 ms median step over 800 steps with glibc's defaults, 44 ms with the thresholds set here, about
 * what a long-running process reaches by itself. So, through mallopt: mmap only for blocks of 32 MiB and more,
 * keep up to 1 GiB of free heap top, grow the heap 64 MiB at a time. The memory kept is what the process needed at
 * its peak; {@code -Dllm.malloc.tuning=off} (or LLM_MALLOC_TUNING=off) leaves glibc's defaults.
 */
public final class NativeSetup {
    public static final String MALLOC_PROPERTY = "llm.malloc.tuning";
    public static final String MALLOC_ENV = "LLM_MALLOC_TUNING";
    private static final Logger LOG = LoggerFactory.getLogger(NativeSetup.class);
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_TOP_PAD = -2;
    private static final int M_MMAP_THRESHOLD = -3;
    private static String state;

    private NativeSetup() {
    }

    /**
     * Both settings; idempotent. Returns one line for the log and each run's environment.
     *
     * @throws IllegalArgumentException for a setting other than auto, on or off (the message names it)
     */
    public static synchronized String install() {
        if (state == null) {
            state = "oneMKL CPU-feature kernels: " + MklKernels.install() + "; malloc tuning: " + tuneMalloc();
        }
        return state;
    }

    /** What {@link #install()} did, or "not installed". */
    public static synchronized String state() {
        return state == null ? "not installed" : state;
    }

    static String tuneMalloc() {
        String setting = System.getProperty(MALLOC_PROPERTY, System.getenv().getOrDefault(MALLOC_ENV, "auto")).trim().toLowerCase(Locale.ROOT);
        if (!setting.equals("auto") && !setting.equals("on") && !setting.equals("off")) {
            throw new IllegalArgumentException(MALLOC_PROPERTY + " (or " + MALLOC_ENV + ") must be auto, on or off, not '" + setting + "'");
        }
        if (setting.equals("off")) {
            return "off: turned off by " + MALLOC_PROPERTY + "=off";
        }
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return "off: glibc's mallopt is for Linux, this is " + os;
        }
        try {
            Function mallopt = NativeLibrary.getInstance("c").getFunction("mallopt");
            boolean ok = mallopt.invokeInt(new Object[]{M_MMAP_THRESHOLD, 32 << 20}) == 1
                    & mallopt.invokeInt(new Object[]{M_TRIM_THRESHOLD, 1 << 30}) == 1
                    & mallopt.invokeInt(new Object[]{M_TOP_PAD, 64 << 20}) == 1;
            return ok ? "on (mmap threshold 32 MiB, trim threshold 1 GiB, top pad 64 MiB)" : "off: mallopt refused a value";
        } catch (UnsatisfiedLinkError e) { // not glibc (musl has no mallopt): nothing to tune
            LOG.info("No glibc mallopt here ({}); the allocator keeps its defaults", e.getMessage());
            return "off: no glibc mallopt (" + e.getMessage() + ")";
        }
    }
}
