package org.llmplayground.core;

import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;

/**
 * oneMKL's fast matrix kernels on AMD CPUs. libtorch links oneMKL statically and oneMKL picks its kernels by CPU
 * vendor: on an AMD CPU it runs a generic path even where the CPU has AVX-512 (Zen 4 and later). Measured on this
 * project's 2-core AMD EPYC (docs/benchmarks.md, "oneMKL on AMD", MklKernelsBench): the products of nanoGPT's CPU
 * recipe 1.8–2.5× faster, GPT-2's 50,257-row output projection 9.8 → 6.0 ms per token. No
 * environment variable does it (MKL_DEBUG_CPU_TYPE is gone from oneMKL; MKL_CBWR and MKL_ENABLE_INSTRUCTIONS measured
 * without effect), so the app loads a one-function library (src/main/native/mkl_intel_kernels.c) with
 * RTLD_GLOBAL before libtorch: the dynamic linker then binds oneMKL's vendor check to it, and oneMKL chooses kernels by
 * the CPU's feature bits alone, as on an Intel CPU.
 * <p>
 * Setting: system property {@value #PROPERTY} or environment variable {@value #ENV}: {@code auto} (default: on for an
 * AMD CPU under Linux x86-64), {@code on} or {@code off}. {@link #install()} must run before the PyTorch engine first
 * loads (Application.main, the benches, the tests' extension); once libtorch has bound the symbol it is too late.
 */
public final class MklKernels {
    public static final String PROPERTY = "llm.mkl.intel-kernels";
    public static final String ENV = "LLM_MKL_INTEL_KERNELS";
    static final String RESOURCE = "/native/linux-x86_64/libllmp_mkl_intel_kernels.so";
    private static final Logger LOG = LoggerFactory.getLogger(MklKernels.class);
    private static final int RTLD_LAZY = 0x1;
    private static final int RTLD_GLOBAL = 0x100;
    /** Held for the life of the process: JNA closes a library whose handle is collected, and libtorch would bind to oneMKL's own check. */
    private static NativeLibrary library;
    private static String state;

    private MklKernels() {
    }

    /**
     * Loads the library when the setting and the machine call for it; idempotent. Returns what happened, one line
     * ("on", or "off: why"), also recorded with each training run's environment.
     *
     * @throws IllegalArgumentException for a setting other than auto, on or off (the message names the setting)
     */
    public static synchronized String install() {
        if (state != null) {
            return state;
        }
        String setting = System.getProperty(PROPERTY, System.getenv().getOrDefault(ENV, "auto"));
        String why = reasonNotToLoad(setting, System.getProperty("os.name"), System.getProperty("os.arch"), cpuVendor());
        if (why != null) {
            state = "off: " + why;
            return state;
        }
        try {
            Path file = Files.createTempFile("llmp-mkl-intel-kernels", ".so");
            file.toFile().deleteOnExit();
            try (InputStream in = MklKernels.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IOException("the library " + RESOURCE + " is not in the build");
                }
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            library = NativeLibrary.getInstance(file.toString(), Map.of(Library.OPTION_OPEN_FLAGS, RTLD_LAZY | RTLD_GLOBAL));
            state = "on";
        } catch (IOException | UnsatisfiedLinkError e) {
            // the app works without it, only slower: say so once and go on
            state = "off: could not load it (" + e.getMessage() + ")";
            LOG.warn("oneMKL's AVX-512 kernels stay off on this AMD CPU, training runs slower: {}", e.getMessage());
        }
        return state;
    }

    /** What {@link #install()} did, or "not installed" before it ran. */
    public static synchronized String state() {
        return state == null ? "not installed" : state;
    }

    /**
     * Why not to load the library on this machine with this setting, or null to load it. {@code on} loads it on any
     * Linux x86-64 (harmless on Intel, where oneMKL already answers yes); {@code auto} only on an AMD CPU.
     */
    static String reasonNotToLoad(String setting, String osName, String osArch, String vendor) {
        String s = setting.trim().toLowerCase(Locale.ROOT);
        if (!s.equals("auto") && !s.equals("on") && !s.equals("off")) {
            throw new IllegalArgumentException(PROPERTY + " (or " + ENV + ") must be auto, on or off, not '" + setting + "'");
        }
        if (s.equals("off")) {
            return "turned off by " + PROPERTY + "=off";
        }
        boolean linuxX64 = osName != null && osName.toLowerCase(Locale.ROOT).startsWith("linux")
                && ("amd64".equals(osArch) || "x86_64".equals(osArch));
        if (!linuxX64) {
            return "only for Linux x86-64, this is " + osName + " " + osArch;
        }
        if (s.equals("auto") && !"AuthenticAMD".equals(vendor)) {
            return "not an AMD CPU (" + (vendor == null ? "vendor unknown" : vendor) + "): oneMKL already uses its best kernels";
        }
        return null;
    }

    /** The CPU's vendor_id from /proc/cpuinfo (GenuineIntel, AuthenticAMD, …), or null where there is none. */
    static String cpuVendor() {
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("vendor_id")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
