package org.llmplayground.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import org.llmplayground.core.MklKernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What {@link MklKernels} changes: the matrix products of the app's workloads timed in two JVMs, one with
 * {@code llm.mkl.intel-kernels=off} (oneMKL's generic path on this AMD CPU) and one with {@code on}, alternating for
 * {@link Fair#ROUNDS} rounds; each shape's ratio (off time / on time, above 1 = on is faster) as median and range.
 * Shapes: y = x·Wᵀ for nanoGPT's CPU recipe (12 × 64 = 768 rows, 128 wide: qkv, up, down projections and a weight
 * gradient), GPT-2 small's prefill of 32 tokens and its one-token decode projections, and its 50,257-row output
 * projection.
 * <pre>./mvnw -q -Pbench test-compile exec:exec -Dbench=MklKernelsBench</pre>
 */
public final class MklKernelsBench {
    /** rows, in, out (y = x (rows × in) · Wᵀ (in × out)), and what it is. */
    record Product(int rows, int in, int out, String what) {
    }

    static final List<Product> PRODUCTS = List.of(
            new Product(768, 128, 384, "nanoGPT recipe: fused qkv"),
            new Product(768, 128, 512, "nanoGPT recipe: feed-forward up"),
            new Product(768, 512, 128, "nanoGPT recipe: feed-forward down"),
            new Product(128, 768, 512, "nanoGPT recipe: a weight gradient (gᵀ·x)"),
            new Product(32, 768, 2304, "GPT-2 prefill (32 tokens): fused qkv"),
            new Product(1, 768, 2304, "GPT-2 decode: fused qkv"),
            new Product(1, 768, 3072, "GPT-2 decode: feed-forward up"),
            new Product(1, 3072, 768, "GPT-2 decode: feed-forward down"),
            new Product(1, 768, 50257, "GPT-2 decode: output projection (vocabulary)"));

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child();
            return;
        }
        System.out.println(Fair.context().replaceAll(" · oneMKL CPU-feature kernels: [^;]*", " · oneMKL CPU-feature kernels: off in one JVM, on in the other"));
        List<double[]> off = new ArrayList<>();
        List<double[]> on = new ArrayList<>();
        for (int r = 0; r < Fair.ROUNDS; r++) {
            off.add(run("off"));
            on.add(run("on"));
            System.err.printf("round %d: off %s on %s (load %s)%n", r, Arrays.toString(off.get(r)), Arrays.toString(on.get(r)), Fair.loadAverage());
        }
        System.out.println();
        System.out.println("| product (rows × in → out) | oneMKL generic: µs | CPU-feature kernels: µs | speed-up: median (range) |");
        System.out.println("|---|---:|---:|---:|");
        for (int i = 0; i < PRODUCTS.size(); i++) {
            int k = i;
            Product p = PRODUCTS.get(i);
            List<Double> a = off.stream().map(x -> x[k]).toList();
            List<Double> b = on.stream().map(x -> x[k]).toList();
            System.out.printf(Locale.ROOT, "| %s (%d × %d → %d) | %,.0f | %,.0f | %s |%n", p.what(), p.rows(), p.in(), p.out(),
                    Fair.median(a), Fair.median(b), Fair.ratio(Fair.ratios(a, b)));
        }
        System.out.println();
        System.out.println("after: load average " + Fair.loadAverage());
    }

    /** A child JVM with the setting, same classpath and environment; its last line is the median µs per product. */
    private static double[] run(String setting) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Dai.djl.offline=true", "-D" + MklKernels.PROPERTY + "=" + setting,
                "-cp", System.getProperty("java.class.path"), MklKernelsBench.class.getName(), "child").redirectErrorStream(true);
        String[] parts = Fair.lastLine(pb).trim().split(" ");
        if (parts.length != PRODUCTS.size() + 1 || !parts[0].equals(setting.equals("on") ? "on" : "off")) {
            throw new IllegalStateException("the child did not run with " + setting + ": " + String.join(" ", parts));
        }
        return Arrays.stream(parts, 1, parts.length).mapToDouble(Double::parseDouble).toArray();
    }

    /** Times each product (median of 7 batches after warm-up) and prints "on|off µs…". */
    private static void child() {
        String state = MklKernels.install();
        StringBuilder line = new StringBuilder(state.startsWith("on") ? "on" : "off");
        try (NDManager m = NDManager.newBaseManager()) {
            for (Product p : PRODUCTS) {
                NDArray x = m.randomNormal(new Shape(p.rows(), p.in()));
                NDArray w = m.randomNormal(new Shape(p.out(), p.in()));
                int reps = p.out() > 10_000 ? 5 : p.rows() == 1 ? 100 : 40;
                double[] batches = new double[7];
                for (int b = -2; b < batches.length; b++) { // two warm-up batches
                    long t0 = System.nanoTime();
                    for (int i = 0; i < reps; i++) {
                        try (NDArray y = Linear.linear(x, w).head()) {
                            y.getFloat(0, 0);
                        }
                    }
                    if (b >= 0) {
                        batches[b] = (System.nanoTime() - t0) / 1e3 / reps;
                    }
                }
                line.append(String.format(Locale.ROOT, " %.1f", Fair.median(batches)));
            }
        }
        System.out.println(line);
    }

    private MklKernelsBench() {
    }
}
