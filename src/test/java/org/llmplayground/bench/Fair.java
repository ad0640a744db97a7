package org.llmplayground.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What makes a comparison with PyTorch fair, in one place for every bench that runs a Python reference:
 * <ul>
 *   <li>the <b>same threading environment</b> on both sides. The JVM's libtorch and Debian's torch read
 *   OMP_WAIT_POLICY, OMP_NUM_THREADS, MKL_* and OPENBLAS_* when they load; the bench profile sets
 *   OMP_WAIT_POLICY=PASSIVE for the JVM (pom.xml), and {@link #python} hands the Python side exactly the JVM's
 *   values (Debian's torch with its default busy-waiting OpenMP collapses to a few hundred tokens/s when another
 *   process wants the cores — an unfair baseline);</li>
 *   <li>the sides <b>interleaved</b> round by round (ours, PyTorch, ours, …) for at least 5 rounds, so a slow minute of
 *   the machine hits both; the ratio is computed per round and reported as median and range;</li>
 *   <li>the <b>context</b> printed with the figures: date, cores, load average before and after, the environment;</li>
 *   <li>optionally the same measurement <b>under contention</b>: with {@code BENCH_STRESS=1} a {@code stress-ng --cpu 1}
 *   runs through the measurement (a learner's laptop is rarely idle).</li>
 * </ul>
 */
final class Fair {
    /** The variables both sides' native libraries read when they load. */
    static final List<String> THREAD_ENV = List.of("OMP_WAIT_POLICY", "OMP_NUM_THREADS", "OMP_PROC_BIND", "KMP_BLOCKTIME",
            "MKL_NUM_THREADS", "MKL_DEBUG_CPU_TYPE", "MKL_CBWR", "MKL_ENABLE_INSTRUCTIONS", "OPENBLAS_NUM_THREADS");
    /** At least 5, except when exploring (-Dbench.explore=true: a quick look, not a figure to publish). */
    static final int ROUNDS = Boolean.getBoolean("bench.explore") ? Integer.getInteger("rounds", 1) : Math.max(5, Integer.getInteger("rounds", 5));
    static final int THREADS = Integer.getInteger("threads", 2);

    static {
        // before any bench loads libtorch: the app's own native set-up (oneMKL's kernels on AMD, glibc's allocator)
        org.llmplayground.core.NativeSetup.install();
    }

    private Fair() {
    }

    /** The threading variables as this JVM sees them (unset ones left out). */
    static Map<String, String> threadEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String k : THREAD_ENV) {
            String v = System.getenv(k);
            if (v != null) {
                env.put(k, v);
            }
        }
        return env;
    }

    /** One line of context to print above a table. */
    static String context() {
        return String.format(Locale.ROOT, "%s · %d cores · load average %s · %d threads a side · %s · JVM %s%s", Instant.now(),
                Runtime.getRuntime().availableProcessors(), loadAverage(), THREADS, threadEnv().isEmpty() ? "no threading variables set" : threadEnv(),
                System.getProperty("java.version"), stressed() ? " · under stress-ng --cpu 1" : "")
                + " · " + org.llmplayground.core.NativeSetup.state();
    }

    /** The 1-minute load average, from /proc/loadavg ("?" elsewhere). */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /**
     * A Python reference process with the JVM's threading environment: every variable of {@link #THREAD_ENV} set here
     * is set there, and one not set here is removed there (so a shell's leftover does not differ between the sides).
     */
    static ProcessBuilder python(String script, Map<String, String> extra) {
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", script).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        THREAD_ENV.forEach(env::remove);
        env.putAll(threadEnv());
        env.put("THREADS", String.valueOf(THREADS));
        env.putAll(extra);
        return pb;
    }

    /** Runs {@code pb} and returns its last line of output (the reference scripts print their result last). */
    static String lastLine(ProcessBuilder pb) throws IOException, InterruptedException {
        List<String> lines = lines(pb);
        return lines.get(lines.size() - 1);
    }

    /** Runs {@code pb} and returns its lines of output (at least one), or fails with all of it. */
    static List<String> lines(ProcessBuilder pb) throws IOException, InterruptedException {
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String line; (line = in.readLine()) != null; ) {
                lines.add(line);
            }
        }
        if (p.waitFor() != 0 || lines.isEmpty()) {
            throw new IllegalStateException(pb.command() + " failed:\n" + String.join("\n", lines));
        }
        return lines;
    }

    static boolean stressed() {
        return "1".equals(System.getenv("BENCH_STRESS"));
    }

    /** With BENCH_STRESS=1, a stress-ng --cpu 1 for the duration (close it to stop it); else nothing. */
    static AutoCloseable stress() throws IOException {
        if (!stressed()) {
            return () -> {
            };
        }
        Process p = new ProcessBuilder("stress-ng", "--cpu", "1", "--quiet").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return () -> {
            p.destroy();
            p.waitFor();
        };
    }

    /** Per-round ratios as "**1.23×** (1.10–1.31×)": the median in bold, then the range. */
    static String ratio(List<Double> perRound) {
        double[] v = perRound.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format(Locale.ROOT, "**%.2f×** (%.2f–%.2f×)", median(v), v[0], v[v.length - 1]);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The p-th percentile (0–100) by nearest rank. */
    static double percentile(double[] values, double p) {
        double[] v = values.clone();
        Arrays.sort(v);
        int rank = (int) Math.ceil(p / 100 * v.length);
        return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
    }

    /** Ratios of two per-round lists, element by element: a[i] / b[i]. */
    static List<Double> ratios(List<Double> a, List<Double> b) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            out.add(a.get(i) / b.get(i));
        }
        return out;
    }
}
