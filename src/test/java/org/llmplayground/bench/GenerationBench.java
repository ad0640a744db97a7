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

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;

/**
 * Batch-1 greedy decoding with the KV cache on the CPU, ours vs PyTorch eager (src/test/python/bench/decode_kv.py,
 * the same model and loop), in one session: time to first token (prefill + first pick), per-token latency after it,
 * and tokens/s over the whole generation. Medians of 20 runs after warm-up generations (200 for the small model: the
 * JVM needs some 20,000 tokens before the JIT has compiled DJL's call paths, and per-op overhead is all that matters
 * there; 5 for GPT-2, whose time is matrix products). Python gets the same warm-up. The sides alternate for 3 rounds.
 * Models: the bundled shakespeare-char (100 new tokens after "ROMEO:\n") and GPT-2 small with random weights (32-token
 * prompt, 64 new tokens). Also checks that both sides generate the same ids for the Shakespeare model.
 * <pre>./mvnw -q -Pbench test-compile exec:exec -Dbench=GenerationBench</pre>
 * (BENCH_ONLY=shakespeare or BENCH_ONLY=gpt2 in the environment runs one model.)
 */
public final class GenerationBench {
    private static final int ROUNDS = Integer.getInteger("rounds", 3);
    private static final int RUNS = 20;

    private GenerationBench() {
    }

    record Figures(double ttft, double perToken, double tokensPerSecond) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Object> props = Map.of("playground.home", Files.createTempDirectory("generation-bench").toString(), "playground.port", "0");
        try (ApplicationContext ctx = ApplicationContext.run(props)) {
            ModelService models = ctx.getBean(ModelService.class);
            LoadedModel shakespeare = models.get(ModelService.SHAKESPEARE_MODEL);
            LoadedModel gpt2 = models.get(models.build(ModelPresets.get("gpt2-small").config(), "gpt2-small (random weights)", 1337).id());
            int[] romeo = shakespeare.codec().encode("ROMEO:\n");
            int[] ids32 = new int[32];
            Arrays.setAll(ids32, i -> (i * 7919) % 50257);
            System.out.println("| model | measure | ours | PyTorch eager | ours / PyTorch |");
            System.out.println("|---|---|---:|---:|---:|");
            String only = System.getenv().getOrDefault("BENCH_ONLY", ""); // "shakespeare" or "gpt2" runs one model
            if (!only.equals("gpt2")) {
                compare("shakespeare-char (0.8M)", shakespeare, romeo, 100, "shakespeare", 200);
            }
            if (!only.equals("shakespeare")) {
                compare("GPT-2 small (124M)", gpt2, ids32, 64, "gpt2", 5);
            }
        }
    }

    static void compare(String name, LoadedModel m, int[] prompt, int tokens, String pyModel, int warmup) throws Exception {
        double[][] ours = new double[ROUNDS][];
        double[][] torch = new double[ROUNDS][];
        int[] ourIds = null;
        int[] torchIds = null;
        for (int r = 0; r < ROUNDS; r++) {
            Object[] o = ours(m, prompt, tokens, warmup);
            ours[r] = (double[]) o[0];
            ourIds = (int[]) o[1];
            Object[] t = pytorch(pyModel, tokens, warmup);
            torch[r] = (double[]) t[0];
            torchIds = (int[]) t[1];
            System.err.printf("%s round %d: ours %s, pytorch %s%n", name, r, Arrays.toString(ours[r]), Arrays.toString(torch[r]));
        }
        if (pyModel.equals("shakespeare") && !Arrays.equals(ourIds, torchIds)) {
            throw new IllegalStateException("Different greedy ids:\nours  " + Arrays.toString(ourIds) + "\ntorch " + Arrays.toString(torchIds));
        }
        String[] labels = {"time to first token (ms)", "per-token latency (ms)", "tokens/s"};
        for (int i = 0; i < 3; i++) {
            int k = i;
            double o = median(Arrays.stream(ours).mapToDouble(x -> x[k]).toArray());
            double t = median(Arrays.stream(torch).mapToDouble(x -> x[k]).toArray());
            // for times the ratio is PyTorch / ours (above 1 = we are faster), for tokens/s ours / PyTorch
            double ratio = i < 2 ? t / o : o / t;
            System.out.printf("| %s | %s | %s | %s | **%.2f×** |%n", name, labels[i], fmt(o), fmt(t), ratio);
        }
    }

    static String fmt(double v) {
        return v >= 100 ? String.format("%,.0f", v) : String.format("%.2f", v);
    }

    /** {ttft, per-token, tokens/s} medians and the last run's ids. */
    static Object[] ours(LoadedModel m, int[] prompt, int tokens, int warmup) {
        Generator g = new Generator(m.network(), m.parameterStore(), m.manager(), m.lock(), m.codec());
        GenerationSettings s = GenerationSettings.greedy(tokens);
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

    static Object[] pytorch(String model, int tokens, int warmup) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", "src/test/python/bench/decode_kv.py").redirectErrorStream(true);
        pb.environment().put("THREADS", "2");
        pb.environment().put("MODEL", model);
        pb.environment().put("NEW", String.valueOf(tokens));
        pb.environment().put("RUNS", String.valueOf(RUNS));
        pb.environment().put("WARMUP", String.valueOf(warmup));
        Process p = pb.start();
        String last = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String line; (line = in.readLine()) != null; ) {
                last = line;
            }
        }
        if (p.waitFor() != 0 || last == null || !last.startsWith("{")) {
            throw new IllegalStateException("decode_kv.py failed: " + last);
        }
        JsonNode j = new ObjectMapper().readTree(last);
        int[] ids = new int[j.get("ids").size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = j.get("ids").get(i).asInt();
        }
        return new Object[]{new double[]{j.get("ttft_ms").asDouble(), j.get("per_token_ms").asDouble(), j.get("tokens_per_second").asDouble()}, ids};
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
