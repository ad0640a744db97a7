package org.llmplayground.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import org.llmplayground.evaluation.LogLikelihood;
import org.llmplayground.evaluation.benchmarks.Benchmarks;
import org.llmplayground.evaluation.benchmarks.McItem;
import org.llmplayground.model.LoadedModel;
import org.llmplayground.model.ModelPresets;
import org.llmplayground.model.ModelService;
import org.llmplayground.model.TokenizerCodec;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Multiple-choice scoring, questions per second: the app's {@link LogLikelihood#scoreChoices} (MMLU: one pass per
 * question; HellaSwag: the context once into the KV cache, the four endings as one batch) vs lm-eval's request per
 * choice in plain PyTorch eager (src/test/python/bench/mc_per_choice.py), on the same token ids, 2 threads each, the
 * two sides interleaved for {@code rounds} rounds (default 5); median and range. Models: the bundled gpt2-mini (both
 * sides load its weights; the log-likelihoods are compared) and GPT-2 small with random weights.
 * <pre>./mvnw -q -Pbench test-compile exec:exec -Dbench=EvaluationBench</pre>
 * Environment: BENCH_ONLY=gpt2-mini or gpt2-small; MMLU_PER_SUBJECT, HELLASWAG (how many questions).
 */
public final class EvaluationBench {
    private static final int ROUNDS = Integer.getInteger("rounds", 5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private EvaluationBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Object> props = Map.of("playground.home", Files.createTempDirectory("evaluation-bench").toString(), "playground.port", "0");
        String only = System.getenv().getOrDefault("BENCH_ONLY", "");
        try (ApplicationContext ctx = ApplicationContext.run(props)) {
            ModelService models = ctx.getBean(ModelService.class);
            System.out.println("| model | task (questions) | ours q/s (range) | PyTorch per request q/s (range) | forward passes ours / PyTorch | ours / PyTorch |");
            System.out.println("|---|---|---:|---:|---:|---:|");
            if (!only.equals("gpt2-small")) {
                LoadedModel mini = models.get(ModelService.GPT2_MINI_MODEL);
                compare("gpt2-mini (3.4M)", mini, "gpt2-mini", "MMLU 0-shot", mmlu(env("MMLU_PER_SUBJECT", 10)));
                compare("gpt2-mini (3.4M)", mini, "gpt2-mini", "HellaSwag", Benchmarks.hellaswag(env("HELLASWAG", 200)));
            }
            if (!only.equals("gpt2-mini")) {
                LoadedModel small = models.get(models.build(ModelPresets.get("gpt2-small").config(), "gpt2-small (random weights)", 1337).id());
                estimateFullMmlu(small);
                compare("GPT-2 small (124M)", small, "gpt2-small", "MMLU 0-shot", mmlu(env("MMLU_PER_SUBJECT_SMALL", 1)));
                compare("GPT-2 small (124M)", small, "gpt2-small", "HellaSwag", Benchmarks.hellaswag(env("HELLASWAG_SMALL", 20)));
            }
        }
    }

    /**
     * The time full MMLU 0-shot would take: the first question of each subject scored 3 times (median), weighted by
     * the subject's number of questions (prompt lengths differ a lot between subjects: law is long, math short).
     */
    static void estimateFullMmlu(LoadedModel m) {
        TokenizerCodec codec = (TokenizerCodec) m.codec();
        LogLikelihood ll = new LogLikelihood(m.network(), m.parameterStore(), m.manager(), codec::encode, codec.endOfText(), m.config().contextLength());
        double seconds = 0;
        int questions = 0;
        for (String s : Benchmarks.mmluSubjects().keySet()) {
            List<McItem> items = Benchmarks.mmlu(s, 0);
            McItem q = items.get(0);
            double[] t = new double[3];
            for (int r = 0; r < 3; r++) {
                long t0 = System.nanoTime();
                ll.scoreChoices(q.context(), q.continuations());
                t[r] = (System.nanoTime() - t0) / 1e9;
            }
            seconds += median(t) * items.size();
            questions += items.size();
        }
        System.err.printf("full MMLU 0-shot estimate: %,d questions, %.1f min (first question of each subject timed, weighted by subject size)%n",
                questions, seconds / 60);
    }

    static int env(String name, int fallback) {
        return Integer.parseInt(System.getenv().getOrDefault(name, String.valueOf(fallback)));
    }

    /** The first n questions of every MMLU subject, 0-shot. */
    static List<McItem> mmlu(int perSubject) {
        List<McItem> out = new ArrayList<>();
        for (String s : Benchmarks.mmluSubjects().keySet()) {
            List<McItem> items = Benchmarks.mmlu(s, 0);
            out.addAll(items.subList(0, Math.min(perSubject, items.size())));
        }
        return out;
    }

    static void compare(String name, LoadedModel m, String pyModel, String task, List<McItem> items) throws Exception {
        TokenizerCodec codec = (TokenizerCodec) m.codec();
        LogLikelihood ll = new LogLikelihood(m.network(), m.parameterStore(), m.manager(), codec::encode, codec.endOfText(), m.config().contextLength());
        Path requests = Files.createTempFile("mc-requests", ".json");
        var root = JSON.createObjectNode();
        var qs = root.putArray("questions");
        int passes = 0;
        int requestCount = 0;
        for (McItem item : items) {
            var q = qs.addObject();
            var conts = q.putArray("continuations");
            for (String c : item.continuations()) {
                LogLikelihood.Encoded e = ll.encodePair(item.context(), c);
                if (!q.has("context")) {
                    var ctxIds = q.putArray("context");
                    Arrays.stream(e.context()).forEach(ctxIds::add);
                }
                var ids = conts.addArray();
                Arrays.stream(e.continuation()).forEach(ids::add);
                requestCount++;
            }
            passes += ll.passes(item.context(), item.continuations());
        }
        JSON.writeValue(requests.toFile(), root);
        double[] ours = new double[ROUNDS];
        double[] torch = new double[ROUNDS];
        double maxDiff = 0;
        for (int r = 0; r < ROUNDS; r++) {
            for (McItem item : items.subList(0, Math.min(20, items.size()))) { // warm-up, as the Python side gets
                ll.scoreChoices(item.context(), item.continuations());
            }
            long t0 = System.nanoTime();
            List<double[]> ourLls = new ArrayList<>();
            for (McItem item : items) {
                ourLls.add(ll.scoreChoices(item.context(), item.continuations()).stream().mapToDouble(LogLikelihood.Result::loglikelihood).toArray());
            }
            ours[r] = items.size() / ((System.nanoTime() - t0) / 1e9);
            JsonNode py = python(pyModel, requests);
            torch[r] = items.size() / py.get("seconds").asDouble();
            if (pyModel.equals("gpt2-mini")) {
                for (int i = 0; i < items.size(); i++) {
                    for (int c = 0; c < ourLls.get(i).length; c++) {
                        maxDiff = Math.max(maxDiff, Math.abs(ourLls.get(i)[c] - py.get("loglikelihoods").get(i).get(c).asDouble()));
                    }
                }
            }
            System.err.printf("%s %s round %d: ours %.1f q/s, pytorch %.1f q/s%n", name, task, r, ours[r], torch[r]);
        }
        Files.delete(requests);
        if (pyModel.equals("gpt2-mini")) {
            System.err.printf("%s %s: largest |log-likelihood difference| ours vs PyTorch %.2e%n", name, task, maxDiff);
            if (maxDiff > 1e-3) {
                throw new IllegalStateException("The two sides disagree by " + maxDiff);
            }
        }
        System.out.printf("| %s | %s (%,d) | %s | %s | %,d / %,d | **%.2f×** |%n", name, task, items.size(), range(ours), range(torch),
                passes, requestCount, median(ours) / median(torch));
    }

    static String range(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return String.format("%.1f (%.1f–%.1f)", median(v), s[0], s[s.length - 1]);
    }

    static JsonNode python(String model, Path requests) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", "src/test/python/bench/mc_per_choice.py").redirectErrorStream(true);
        pb.environment().put("THREADS", "2");
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        pb.environment().put("MODEL", model);
        pb.environment().put("REQUESTS", requests.toString());
        Process p = pb.start();
        String last = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String line; (line = in.readLine()) != null; ) {
                last = line;
            }
        }
        if (p.waitFor() != 0 || last == null || !last.startsWith("{")) {
            throw new IllegalStateException("mc_per_choice.py failed: " + last);
        }
        return JSON.readTree(last);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
