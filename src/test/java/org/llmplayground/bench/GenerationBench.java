package org.llmplayground.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import org.llmplayground.generation.GenerationResult;
import org.llmplayground.generation.GenerationSettings;
import org.llmplayground.generation.Generator;
import org.llmplayground.model.LoadedModel;
import org.llmplayground.model.ModelPresets;
import org.llmplayground.model.ModelService;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Batch-1 decoding with the KV cache on the CPU, ours vs PyTorch eager (src/test/python/bench/decode_kv.py, the same
 * model and loop), greedy and sampling (temperature 0.8, top-p 0.9): time to first token (prefill + first pick),
 * per-token latency after it, and tokens/s over the whole generation. Each round measures the median of 20 runs after
 * warm-up generations on each side (200 for the small model: the JVM needs some 20,000 tokens before the JIT has
 * compiled DJL's call paths; 5 for GPT-2, whose time is matrix products; Python gets the same warm-up). The sides
 * alternate for {@link Fair#ROUNDS} rounds (at least 5) in the same threading environment ({@link Fair}); the table
 * gives the median of each side and the median and range of the per-round ratio. Models: the bundled
 * shakespeare-char (100 new tokens after "ROMEO:\n") and GPT-2 small with random weights (32-token prompt, 64 new
 * tokens). Greedy ids of the Shakespeare model must be identical on both sides, or the bench stops.
 * <pre>./mvnw -q -Pbench test-compile exec:exec -Dbench=GenerationBench</pre>
 * BENCH_ONLY=shakespeare or BENCH_ONLY=gpt2 runs one model; BENCH_STRESS=1 runs it all beside stress-ng --cpu 1.
 */
public final class GenerationBench {
    private static final int RUNS = Integer.getInteger("runs", 20);

    private GenerationBench() {
    }

    public static void main(String[] args) throws Exception {
        org.llmplayground.core.NativeSetup.install(); // the app's native set-up, before the context loads libtorch
        Map<String, Object> props = Map.of("playground.home", Files.createTempDirectory("generation-bench").toString(), "playground.port", "0");
        try (ApplicationContext ctx = ApplicationContext.run(props); AutoCloseable stress = Fair.stress()) {
            ModelService models = ctx.getBean(ModelService.class);
            LoadedModel shakespeare = models.get(ModelService.SHAKESPEARE_MODEL);
            int[] romeo = shakespeare.codec().encode("ROMEO:\n");
            int[] ids32 = new int[32];
            Arrays.setAll(ids32, i -> (i * 7919) % 50257);
            System.out.println(Fair.context());
            System.out.println();
            System.out.println("| model | decoding | measure | ours | PyTorch eager | ours / PyTorch: median (range) |");
            System.out.println("|---|---|---|---:|---:|---:|");
            String only = System.getenv().getOrDefault("BENCH_ONLY", ""); // "shakespeare" or "gpt2" runs one model
            if (!only.equals("gpt2")) {
                int warmup = Integer.getInteger("warmup", 200);
                compare("shakespeare-char (0.8M)", shakespeare, romeo, 100, "shakespeare", warmup, false);
                if (!Boolean.getBoolean("greedy.only")) {
                    compare("shakespeare-char (0.8M)", shakespeare, romeo, 100, "shakespeare", warmup, true);
                }
            }
            if (!only.equals("shakespeare")) {
                LoadedModel gpt2 = models.get(models.build(ModelPresets.get("gpt2-small").config(), "gpt2-small (random weights)", 1337).id());
                List<double[]> greedy = compare("GPT-2 small (124M)", gpt2, ids32, 64, "gpt2", Integer.getInteger("gpt2.warmup", 5), false);
                if (!Boolean.getBoolean("greedy.only")) {
                    compare("GPT-2 small (124M)", gpt2, ids32, 64, "gpt2", Integer.getInteger("gpt2.warmup", 5), true);
                }
                bandwidth(gpt2, greedy);
            }
            System.out.println();
            System.out.println("after: load average " + Fair.loadAverage());
        }
    }

    /**
     * Decoding a 124M model is reading its weights once per token: bytes per token = 4 × (every parameter but the
     * position table, of which one row is read). Achieved bandwidth = bytes per token × tokens/s (per-token latency,
     * prefill excluded), set beside what the machine does in the same run: a STREAM-like read (sum of a 512 MiB float
     * tensor: the access pattern of a matrix-vector product) and add (c ← c + a in place, 3 × 512 MiB moved), libtorch
     * on the same threads.
     */
    static void bandwidth(LoadedModel m, List<double[]> perSide) {
        long floats = 0;
        for (var p : m.network().getParameters()) {
            long n = p.getValue().getArray().getShape().size();
            floats += p.getKey().startsWith("pos_emb") ? p.getValue().getArray().getShape().tail() : n;
        }
        double bytesPerToken = 4.0 * floats;
        double[] read = new double[5];
        double[] add = new double[5];
        try (ai.djl.ndarray.NDManager nd = ai.djl.ndarray.NDManager.newBaseManager()) {
            ai.djl.ndarray.NDArray a = nd.ones(new ai.djl.ndarray.types.Shape(128L << 20));
            ai.djl.ndarray.NDArray c = nd.zeros(new ai.djl.ndarray.types.Shape(128L << 20));
            double bytes = 4.0 * (128L << 20);
            for (int i = 0; i < 6; i++) {
                long t0 = System.nanoTime();
                a.sum().getFloat();
                long t1 = System.nanoTime();
                c.addi(a); // c ← c + a in place: two arrays read, one written, no allocation
                c.getFloat(0);
                long t2 = System.nanoTime();
                if (i > 0) { // the first pass faults the pages in
                    read[i - 1] = bytes / (t1 - t0);
                    add[i - 1] = 3 * bytes / (t2 - t1);
                }
            }
        }
        System.out.println();
        System.out.printf(java.util.Locale.ROOT, "GPT-2 small: %.0f MB of weights read per token. Machine, same run: read %.1f GB/s, add in place %.1f GB/s (median of 5, libtorch, %d threads).%n",
                bytesPerToken / 1e6, median(read), median(add), Fair.THREADS);
        String[] sides = {"ours", "PyTorch eager"};
        for (int i = 0; i < 2; i++) {
            double perToken = perSide.get(i)[1];
            double gbs = bytesPerToken / (perToken / 1000) / 1e9;
            System.out.printf(java.util.Locale.ROOT, "- %s: %.2f ms per token → %.1f GB/s of weights, %.0f %% of the machine's read bandwidth%n",
                    sides[i], perToken, gbs, 100 * gbs / median(read));
        }
    }

    /** Returns the median {ttft, per-token, tokens/s} of ours and of PyTorch (on {@link Fair#THREADS} threads). */
    static List<double[]> compare(String name, LoadedModel m, int[] prompt, int tokens, String pyModel, int warmup, boolean sample) throws Exception {
        List<double[]> ours = new ArrayList<>();
        List<double[]> torch = new ArrayList<>();
        int[] ourIds = null;
        int[] torchIds = null;
        // PyTorch on one thread too where that may be its better setting: ours decodes small models on one core, and
        // with one core busy (BENCH_STRESS=1) a second thread may cost the reference more than it brings
        List<double[]> torch1 = new ArrayList<>();
        boolean alsoOneThread = m.network().config().embeddingSize() <= 256 || Fair.stressed();
        for (int r = 0; r < Fair.ROUNDS; r++) {
            Object[] o = ours(m, prompt, tokens, warmup, sample);
            ours.add((double[]) o[0]);
            ourIds = (int[]) o[1];
            Object[] t = pytorch(pyModel, tokens, warmup, sample, Fair.THREADS);
            torch.add((double[]) t[0]);
            torchIds = (int[]) t[1];
            if (alsoOneThread) {
                torch1.add((double[]) pytorch(pyModel, tokens, warmup, sample, 1)[0]);
            }
            System.err.printf("%s %s round %d: ours %s, pytorch %s, pytorch 1 thread %s (load %s)%n", name, sample ? "top-p" : "greedy", r,
                    Arrays.toString(ours.get(r)), Arrays.toString(torch.get(r)), alsoOneThread ? Arrays.toString(torch1.get(r)) : "-", Fair.loadAverage());
        }
        if (!sample && pyModel.equals("shakespeare") && !Arrays.equals(ourIds, torchIds)) {
            throw new IllegalStateException("Different greedy ids:\nours  " + Arrays.toString(ourIds) + "\ntorch " + Arrays.toString(torchIds));
        }
        String[] labels = {"time to first token (ms)", "per-token latency (ms)", "tokens/s"};
        for (int i = 0; i < 3; i++) {
            int k = i;
            List<Double> o = ours.stream().map(x -> x[k]).toList();
            List<Double> t = torch.stream().map(x -> x[k]).toList();
            // for times the ratio is PyTorch / ours (above 1 = we are faster), for tokens/s ours / PyTorch
            List<Double> ratio = i < 2 ? Fair.ratios(t, o) : Fair.ratios(o, t);
            System.out.printf("| %s | %s | %s | %s | %s | %s |%n", name, sample ? "top-p 0.9, T 0.8" : "greedy", labels[i],
                    fmt(Fair.median(o)), fmt(Fair.median(t)), Fair.ratio(ratio));
            if (alsoOneThread) {
                List<Double> t1 = torch1.stream().map(x -> x[k]).toList();
                System.out.printf("| %s | %s | %s, PyTorch on 1 thread | %s | %s | %s |%n", name, sample ? "top-p 0.9, T 0.8" : "greedy", labels[i],
                        fmt(Fair.median(o)), fmt(Fair.median(t1)), Fair.ratio(i < 2 ? Fair.ratios(t1, o) : Fair.ratios(o, t1)));
            }
        }
        double[][] medians = new double[2][3];
        for (int i = 0; i < 3; i++) {
            int k = i;
            medians[0][i] = Fair.median(ours.stream().map(x -> x[k]).toList());
            medians[1][i] = Fair.median(torch.stream().map(x -> x[k]).toList());
        }
        return List.of(medians[0], medians[1]);
    }

    static String fmt(double v) {
        return v >= 100 ? String.format("%,.0f", v) : String.format("%.2f", v);
    }

    /** {ttft, per-token, tokens/s} medians and the last run's ids. */
    static Object[] ours(LoadedModel m, int[] prompt, int tokens, int warmup, boolean sample) {
        Generator g = new Generator(m.network(), m.parameterStore(), m.manager(), m.lock(), m.codec());
        GenerationSettings s = sample ? new GenerationSettings(GenerationSettings.Strategy.SAMPLE, tokens, 0.8, 0, 0.9, 0, 1.0, 0, 0, 0, 4,
                1.0, true, 1, List.of(), 42L, 0) : GenerationSettings.greedy(tokens);
        for (int i = 0; i < warmup; i++) {
            g.generate(prompt, s, Generator.Listener.NONE, () -> false);
        }
        double[] ttft = new double[RUNS];
        double[] per = new double[RUNS];
        double[] tps = new double[RUNS];
        GenerationResult r = null;
        for (int i = 0; i < RUNS; i++) {
            r = g.generate(prompt, s, Generator.Listener.NONE, () -> false);
            ttft[i] = r.firstTokenMillis();
            per[i] = r.perTokenMillis();
            tps[i] = r.tokensPerSecond();
        }
        return new Object[]{new double[]{median(ttft), median(per), median(tps)}, r.ids()};
    }

    static Object[] pytorch(String model, int tokens, int warmup, boolean sample, int threads) throws Exception {
        String last = Fair.lastLine(Fair.python("src/test/python/bench/decode_kv.py", Map.of("MODEL", model, "NEW", String.valueOf(tokens),
                "RUNS", String.valueOf(RUNS), "WARMUP", String.valueOf(warmup), "SAMPLE", sample ? "1" : "0", "THREADS", String.valueOf(threads))));
        JsonNode j = new ObjectMapper().readTree(last);
        int[] ids = new int[j.get("ids").size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = j.get("ids").get(i).asInt();
        }
        return new Object[]{new double[]{j.get("ttft_ms").asDouble(), j.get("per_token_ms").asDouble(), j.get("tokens_per_second").asDouble()}, ids};
    }

    static double median(double[] v) {
        return Fair.median(v);
    }
}
