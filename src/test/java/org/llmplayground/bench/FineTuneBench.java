package org.llmplayground.bench;

import org.llmplayground.model.nn.Lora;
import org.llmplayground.model.nn.Quantized;
import org.llmplayground.model.nn.Transformer;
import org.llmplayground.training.PreparedRun;
import org.llmplayground.training.TestRuns;
import org.llmplayground.training.Trainer;
import org.llmplayground.training.TrainingConfig;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Fine-tuning step speed and peak memory on a GPT-2-small-shaped model (12 layers, 12 heads, 768 wide, vocabulary
 * 50,257, random weights), batch 4 × 128 tokens: the app's training loop ({@link Trainer}) with LoRA r16 α32 on qkv, o,
 * up and down, with full fine-tuning, and with QLoRA (the base's block matrices as q4_0), against the same LoRA step in
 * plain PyTorch eager (src/test/python/bench/lora_gpt2.py, Debian's torch with OpenBLAS). Both on 2 threads with
 * OMP_WAIT_POLICY=PASSIVE; every measurement is its own process (so its peak resident memory is its own), the sides
 * interleaved round by round; each reports the median step of {@code steps} after 2 warm-up steps.
 * <pre>./mvnw -q -Pbench test-compile exec:exec -Dbench=FineTuneBench -Dbench.args="5"</pre>
 * args: rounds (5), [methods, comma-separated: lora,torch,full,qlora].
 */
public final class FineTuneBench {
    static final int B = 4;
    static final int T = 128;
    static final int WARMUP = 2;
    static final int STEPS = Integer.getInteger("steps", 8);

    public static void main(String[] argv) throws Exception {
        String[] args = argv.length == 1 ? argv[0].trim().split("\\s+") : argv;
        if (args.length >= 2 && args[0].equals("child")) {
            child(args[1]);
            return;
        }
        int rounds = args.length > 0 && !args[0].isBlank() ? Integer.parseInt(args[0]) : 5;
        List<String> methods = List.of((args.length > 1 ? args[1] : "lora,torch,full,qlora").split(","));
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (String m : methods) {
                double[] r = m.equals("torch") ? torch() : ours(m);
                results.computeIfAbsent(m, k -> new ArrayList<>()).add(r);
                System.err.printf("round %d %s: %,.0f tokens/s, peak %,.0f MB%n", round + 1, m, r[0], r[1]);
            }
        }
        System.out.println("| method | tokens/s: median (range) | peak resident MB: median | vs PyTorch LoRA |");
        System.out.println("|---|---:|---:|---:|");
        double torch = results.containsKey("torch") ? median(results.get("torch"), 0) : Double.NaN;
        for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
            double tps = median(e.getValue(), 0);
            System.out.printf("| %s | %,.0f (%,.0f–%,.0f) | %,.0f | %.2f× |%n", e.getKey(), tps, min(e.getValue()), max(e.getValue()),
                    median(e.getValue(), 1), tps / torch);
        }
        if (results.containsKey("torch") && results.containsKey("lora")) {
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                ratios.add(results.get("lora").get(i)[0] / results.get("torch").get(i)[0]);
            }
            ratios.sort(null);
            System.out.printf("ours LoRA / PyTorch LoRA per round: median %.2f×, range %.2f–%.2f×%n", ratios.get(rounds / 2),
                    ratios.get(0), ratios.get(rounds - 1));
        }
    }

    /** One measurement of ours in a fresh JVM: {tokens/s, peak resident MB}. */
    static double[] ours(String method) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return measure(new ProcessBuilder(java, "-Dai.djl.offline=true", "-Dsteps=" + STEPS, "-cp", System.getProperty("java.class.path"),
                FineTuneBench.class.getName(), "child", method));
    }

    static double[] torch() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", "src/test/python/bench/lora_gpt2.py");
        pb.environment().put("THREADS", "2");
        pb.environment().put("STEPS", String.valueOf(STEPS));
        pb.environment().put("B", String.valueOf(B));
        pb.environment().put("T", String.valueOf(T));
        return measure(pb);
    }

    static double[] measure(ProcessBuilder pb) throws Exception {
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String last = null;
        StringBuilder all = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String line; (line = r.readLine()) != null; ) {
                last = line;
                all.append(line).append('\n');
            }
        }
        if (p.waitFor() != 0 || last == null || !last.matches("[0-9.]+ [0-9.]+")) {
            throw new IllegalStateException("A measurement failed:\n" + all);
        }
        String[] f = last.trim().split(" ");
        return new double[]{Double.parseDouble(f[0]), Double.parseDouble(f[1])};
    }

    /** Runs WARMUP + STEPS real training steps of one method and prints "tokens/s peakMB". */
    static void child(String method) throws Exception {
        TrainingConfig c = TestRuns.defaultWith(String.format("""
                  batch_size: %d
                  block_size: %d
                  learning_rate: 1e-4
                  min_learning_rate: 1e-5
                  warmup_steps: 0
                  max_steps: %d
                  weight_decay: 0
                  grad_clip: 1.0
                  eval_interval: 100000
                  eval_batches: 1
                  save_interval: 100000
                """, B, T, WARMUP + STEPS));
        TrainingConfig.Model m = c.model();
        m = new TrainingConfig.Model(null, "transformer", 12, 768, 12, 12, 1024, 50257, 4.0, "learned", "gelu", "layer_norm", "pre",
                true, true, 0.0);
        c = new TrainingConfig(c.name(), c.description(), c.seed(), c.data(), m, c.training(), new TrainingConfig.Sampling(100000, "\n", 1.0, 1));
        Path dir = Files.createTempDirectory("finetune-bench");
        try (PreparedRun run = TestRuns.prepare(c, dir)) {
            if (!method.equals("full")) {
                run.attachLora(new Lora.Spec(16, 32, 0, Set.of("qkv", "o", "up", "down"), Set.of()));
                if (method.equals("qlora")) {
                    ((Transformer) run.network()).quantizeBase(Quantized.Scheme.Q4_0);
                }
            }
            Random random = new Random(1337);
            TestRuns.Recorder r = new TestRuns.Recorder();
            Trainer.Outcome outcome = run.trainer(r, r).withBatches((step, micro, x, y) -> {
                for (int i = 0; i < x.length; i++) { // random ids: the speed does not depend on them
                    x[i] = random.nextInt(50257);
                    y[i] = random.nextInt(50257);
                }
            }).withSampler((n, ps, mg, s) -> "").run(0, null);
            if (outcome.failed()) {
                throw new IllegalStateException(outcome.reason());
            }
            double[] millis = r.steps.stream().skip(WARMUP).mapToDouble(Trainer.StepMetrics::stepMillis).sorted().toArray();
            System.out.printf("%.1f %.0f%n", B * T / (millis[millis.length / 2] / 1000), peakResidentMb());
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The process's peak resident set (VmHWM): the JVM, its heap and libtorch's native memory together. */
    static double peakResidentMb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    private static double median(List<double[]> values, int i) {
        double[] v = values.stream().mapToDouble(x -> x[i]).sorted().toArray();
        return v[v.length / 2];
    }

    private static double min(List<double[]> values) {
        return values.stream().mapToDouble(x -> x[0]).min().orElse(Double.NaN);
    }

    private static double max(List<double[]> values) {
        return values.stream().mapToDouble(x -> x[0]).max().orElse(Double.NaN);
    }

    private FineTuneBench() {
    }
}
