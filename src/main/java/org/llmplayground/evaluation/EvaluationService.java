package org.llmplayground.evaluation;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.jobs.JobContext;
import org.llmplayground.core.jobs.JobRecord;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.evaluation.benchmarks.Benchmarks;
import org.llmplayground.evaluation.benchmarks.McItem;
import org.llmplayground.model.LoadedModel;
import org.llmplayground.model.ModelService;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Benchmark runs as jobs: a model (any loaded model that reads text: bundled, trained, imported) on lm-eval's tasks
 * (mmlu_&lt;subject&gt;, hellaswag, truthfulqa_mc1, truthfulqa_mc2), scored by log-likelihood ({@link LogLikelihood}),
 * every item stored in H2 as it is scored, so a run continues where it stopped when started again (its request is
 * kept: POST /api/v1/jobs/{id}/rerun). Results carry lm-eval's metrics and standard errors (sample std / √n).
 */
@Singleton
public class EvaluationService {
    public static final String KIND = "evaluation";
    /** The code a score came from (a run stores it, so a changed scorer is visible next to old scores). */
    public static final String CODE_VERSION = "llm-playground evaluation 1 (lm-eval 0.4 scoring)";
    private final EvaluationStore store;
    private final JobRunner jobs;
    private final ModelService models;

    public EvaluationService(EvaluationStore store, JobRunner jobs, ModelService models) {
        this.store = store;
        this.jobs = jobs;
        this.models = models;
        jobs.rerunnable(KIND, Request.class, this::launch);
    }

    /** What to evaluate; {@code runId} is set when a stopped run is continued. */
    @Serdeable
    public record Request(String model, List<String> tasks, @Nullable Integer numFewshot, @Nullable Integer limit, @Nullable String runId) {
    }

    /** The task names this app runs, lm-evaluation-harness's. */
    public List<String> tasks() {
        List<String> out = new ArrayList<>();
        Benchmarks.mmluSubjects().keySet().forEach(s -> out.add("mmlu_" + s));
        out.addAll(List.of("hellaswag", "truthfulqa_mc1", "truthfulqa_mc2"));
        return out;
    }

    /** The items of a task (few-shot only for MMLU: the others are 0-shot tasks in lm-eval, TruthfulQA with its fixed primer). */
    List<McItem> items(String task, int k, int limit) {
        List<McItem> all;
        if (task.startsWith("mmlu_")) {
            all = Benchmarks.mmlu(task.substring(5), k);
        } else if (task.equals("hellaswag")) {
            all = Benchmarks.hellaswag(limit);
        } else if (task.equals("truthfulqa_mc1") || task.equals("truthfulqa_mc2")) {
            all = Benchmarks.truthfulqa(task.endsWith("2"), limit);
        } else {
            throw BadInputException.notFound("Unknown task '" + task + "': mmlu_<subject> (57 subjects), hellaswag, truthfulqa_mc1 or "
                    + "truthfulqa_mc2 (humaneval is not built yet).");
        }
        return all.subList(0, Math.min(limit, all.size()));
    }

    /** Checks the request, records the run and queues its job; returns the run. */
    public EvaluationStore.Run start(Request r) {
        if (r.model() == null || r.model().isBlank()) {
            throw new BadInputException("Give 'model': the id of a loaded model (GET /api/v1/models).");
        }
        LoadedModel m = models.get(r.model());
        if (!m.info().readsText()) {
            throw new BadInputException(m.info().name() + " reads " + m.info().input() + ", not text: benchmarks are text.");
        }
        if (r.tasks() == null || r.tasks().isEmpty()) {
            throw new BadInputException("Give 'tasks': e.g. [\"mmlu_anatomy\", \"hellaswag\"] (GET /api/v1/evaluation/tasks).");
        }
        if (r.tasks().size() > tasks().size() || new java.util.HashSet<>(r.tasks()).size() != r.tasks().size()) {
            throw new BadInputException("Give each task once (" + r.tasks().size() + " given, " + tasks().size() + " exist).");
        }
        int k = r.numFewshot() == null ? 0 : r.numFewshot();
        if (r.limit() != null && r.limit() < 1) {
            throw new BadInputException("limit must be at least 1 (got " + r.limit() + ").");
        }
        for (String t : r.tasks()) {
            items(t, k, 1); // unknown tasks and bad num_fewshot: refused now, not in the job
        }
        String id = UUID.randomUUID().toString();
        EvaluationStore.Run run = new EvaluationStore.Run(id, null, r.model(), null, List.copyOf(r.tasks()), k, r.limit(), CODE_VERSION,
                "queued", null, Instant.now(), null);
        store.insert(run);
        launch(new Request(r.model(), r.tasks(), k, r.limit(), id));
        return store.find(id).orElseThrow();
    }

    private JobRecord launch(Request r) {
        EvaluationStore.Run run = store.find(r.runId()).orElseThrow(() -> BadInputException.notFound("No evaluation run '" + r.runId() + "'."));
        String what = r.tasks().size() <= 3 ? String.join(", ", r.tasks())
                : r.tasks().size() + " tasks (" + String.join(", ", r.tasks().subList(0, 2)) + ", …)";
        JobRecord job = jobs.submit(KIND, "Evaluate " + r.model() + " on " + what, KIND, KIND, r, ctx -> execute(r, ctx));
        store.setJob(run.id(), job.id()); // only the job: the job may already have set the state
        return job;
    }

    private String execute(Request r, JobContext ctx) {
        EvaluationStore.Run run = store.find(r.runId()).orElseThrow();
        store.setState(run.id(), "running", null, null);
        try {
            LoadedModel m = models.get(r.model());
            int eot = m.codec() instanceof org.llmplayground.model.TokenizerCodec tc ? tc.endOfText() : 0;
            int limit = r.limit() == null ? Integer.MAX_VALUE : r.limit();
            Map<String, List<McItem>> byTask = new LinkedHashMap<>();
            long total = 0;
            for (String t : r.tasks()) {
                List<McItem> items = items(t, run.numFewshot(), limit);
                byTask.put(t, items);
                total += items.size();
            }
            long done = 0;
            int truncated = 0;
            synchronized (m.lock()) {
                LogLikelihood ll = new LogLikelihood(m.network(), m.parameterStore(), m.manager(), m.codec()::encode, eot,
                        m.config().contextLength());
                for (Map.Entry<String, List<McItem>> e : byTask.entrySet()) {
                    java.util.Set<Integer> have = new java.util.HashSet<>();
                    store.items(run.id(), e.getKey()).forEach(i -> have.add(i.docId()));
                    List<EvaluationStore.Item> batch = new ArrayList<>();
                    for (McItem item : e.getValue()) {
                        ctx.checkCancelled();
                        if (!have.contains(item.docId())) {
                            EvaluationStore.Item scored = score(e.getKey(), item, ll);
                            truncated += scored.truncated() ? 1 : 0;
                            batch.add(scored);
                            if (batch.size() >= 50) {
                                store.addItems(run.id(), batch);
                                batch.clear();
                            }
                        }
                        done++;
                        ctx.progress(done, total, e.getKey() + ": " + (item.docId() + 1) + " of " + e.getValue().size());
                    }
                    store.addItems(run.id(), batch);
                }
            }
            String message = String.format("%,d items scored%s", done, truncated == 0 ? ""
                    : String.format("; %,d contexts cut from the left to fit the model's %d tokens", truncated, m.config().contextLength()));
            store.setState(run.id(), "succeeded", message, Instant.now());
            return run.id();
        } catch (org.llmplayground.core.jobs.JobCancelledException e) {
            store.setState(run.id(), "cancelled", "Cancelled; run its job again to continue", Instant.now());
            throw e;
        } catch (RuntimeException e) {
            store.setState(run.id(), "failed", e.getMessage(), Instant.now());
            throw e;
        }
    }

    /** One item: each choice's log-likelihood, acc (argmax = gold), acc_norm (HellaSwag: per character), mc2 (TruthfulQA MC2). */
    static EvaluationStore.Item score(String task, McItem item, LogLikelihood ll) {
        List<LogLikelihood.Result> results = ll.scoreChoices(item.context(), item.continuations());
        double[] scores = results.stream().mapToDouble(LogLikelihood.Result::loglikelihood).toArray();
        boolean truncated = results.stream().anyMatch(LogLikelihood.Result::truncated);
        Double accNorm = null;
        Double mc2 = null;
        if (task.equals("hellaswag")) {
            double[] norm = new double[scores.length];
            for (int c = 0; c < scores.length; c++) {
                norm[c] = scores[c] / item.choices().get(c).length();
            }
            accNorm = argmax(norm) == item.gold() ? 1.0 : 0.0;
        }
        if (item.labels() != null) {
            double right = 0;
            double all = 0;
            for (int c = 0; c < scores.length; c++) {
                double p = Math.exp(scores[c]);
                all += p;
                right += item.labels().get(c) == 1 ? p : 0;
            }
            mc2 = right / all;
        }
        return new EvaluationStore.Item(task, item.docId(), item.gold(), scores, argmax(scores) == item.gold() ? 1.0 : 0.0, accNorm, mc2, truncated);
    }

    static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    public EvaluationStore.Run run(String id) {
        return store.find(id).orElseThrow(() -> BadInputException.notFound("No evaluation run '" + id + "'."));
    }

    public List<EvaluationStore.Run> runs() {
        return store.list();
    }

    public EvaluationStore.Run cancel(String id) {
        EvaluationStore.Run r = run(id);
        if (r.jobId() != null) {
            jobs.cancel(r.jobId());
        }
        return run(id);
    }

    /**
     * lm-eval's results shape: per task the metrics, their standard errors (lm-eval's) and 95 % bootstrap intervals
     * ({@code <metric>_ci95}, seeded); with several MMLU subjects also the group "mmlu" (micro average) and its
     * categories (mmlu_stem, mmlu_humanities, mmlu_social_sciences, mmlu_other); per task the samples.
     */
    public Map<String, Object> results(String id) {
        EvaluationStore.Run r = run(id);
        Map<String, Object> results = new LinkedHashMap<>();
        Map<String, Object> samples = new LinkedHashMap<>();
        for (String task : r.tasks()) {
            List<EvaluationStore.Item> items = store.items(id, task);
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("n", items.size());
            if (task.equals("truthfulqa_mc2")) {
                put(metrics, "mc2", items.stream().mapToDouble(i -> i.mc2() == null ? 0 : i.mc2()).toArray());
            } else {
                put(metrics, "acc", items.stream().mapToDouble(EvaluationStore.Item::acc).toArray());
                if (task.equals("hellaswag")) {
                    put(metrics, "acc_norm", items.stream().mapToDouble(i -> i.accNorm() == null ? 0 : i.accNorm()).toArray());
                }
            }
            results.put(task, metrics);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (EvaluationStore.Item i : items) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("doc_id", i.docId());
                row.put("target", i.target());
                row.put("loglikelihoods", i.loglikelihoods());
                row.put("acc", i.acc());
                if (i.accNorm() != null) {
                    row.put("acc_norm", i.accNorm());
                }
                if (i.mc2() != null) {
                    row.put("mc2", i.mc2());
                }
                rows.add(row);
            }
            samples.put(task, rows);
        }
        // lm-eval's MMLU group score: micro-averaged over every question of the subjects run, and per category
        List<String> mmlu = r.tasks().stream().filter(t -> t.startsWith("mmlu_")).toList();
        if (mmlu.size() > 1) {
            Map<String, String[]> subjects = Benchmarks.mmluSubjects();
            Map<String, List<Double>> groups = new LinkedHashMap<>();
            for (String t : mmlu) {
                String category = subjects.get(t.substring(5))[1];
                for (EvaluationStore.Item i : store.items(id, t)) {
                    groups.computeIfAbsent("mmlu", k -> new ArrayList<>()).add(i.acc());
                    groups.computeIfAbsent("mmlu_" + category.toLowerCase(java.util.Locale.ROOT).replace(' ', '_'), k -> new ArrayList<>()).add(i.acc());
                }
            }
            groups.forEach((name, v) -> {
                Map<String, Object> metrics = new LinkedHashMap<>();
                metrics.put("n", v.size());
                put(metrics, "acc", v.stream().mapToDouble(Double::doubleValue).toArray());
                results.put(name, metrics);
            });
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("results", results);
        out.put("samples", samples);
        return out;
    }

    /** One text's perplexity. */
    @Serdeable
    public record TextPerplexity(int tokens, int bytes, double loglikelihood, double perplexity, double bitsPerByte) {
    }

    /** Texts' perplexities and the token-weighted whole: exp(−Σ log p / Σ tokens); bits per byte = −Σ log p / (ln 2 · Σ bytes). */
    @Serdeable
    public record Perplexity(String model, TextPerplexity total, List<TextPerplexity> texts) {
    }

    static final int MAX_PERPLEXITY_TEXTS = 100;
    static final int MAX_PERPLEXITY_CHARS = 200_000;

    /**
     * lm-eval's loglikelihood_rolling for each text (every token predicted once, the first after end-of-text, windows
     * of the model's context), as perplexity and bits per byte (UTF-8 bytes: comparable across tokenizers).
     */
    public Perplexity perplexity(String modelId, List<String> texts) {
        if (texts == null || texts.isEmpty()) {
            throw new BadInputException("Give 'texts': at least one text.");
        }
        if (texts.size() > MAX_PERPLEXITY_TEXTS || texts.stream().mapToLong(t -> t == null ? 0 : t.length()).sum() > MAX_PERPLEXITY_CHARS) {
            throw new BadInputException(String.format("At most %d texts and %,d characters in all per request.", MAX_PERPLEXITY_TEXTS,
                    MAX_PERPLEXITY_CHARS));
        }
        if (texts.stream().anyMatch(t -> t == null || t.isEmpty())) {
            throw new BadInputException("A text is empty: perplexity needs at least one token.");
        }
        LoadedModel m = models.get(modelId);
        if (!m.info().readsText()) {
            throw new BadInputException(m.info().name() + " reads " + m.info().input() + ", not text.");
        }
        int eot = m.codec() instanceof org.llmplayground.model.TokenizerCodec tc ? tc.endOfText() : 0;
        List<TextPerplexity> out = new ArrayList<>();
        double ll = 0;
        int tokens = 0;
        int bytes = 0;
        synchronized (m.lock()) {
            LogLikelihood scorer = new LogLikelihood(m.network(), m.parameterStore(), m.manager(), m.codec()::encode, eot, m.config().contextLength());
            for (String t : texts) {
                LogLikelihood.Rolling r = scorer.rolling(t);
                int b = t.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                out.add(new TextPerplexity(r.tokens(), b, r.loglikelihood(), r.perplexity(), -r.loglikelihood() / (Math.log(2) * b)));
                ll += r.loglikelihood();
                tokens += r.tokens();
                bytes += b;
            }
        }
        return new Perplexity(modelId, new TextPerplexity(tokens, bytes, ll, Math.exp(-ll / tokens), -ll / (Math.log(2) * bytes)), out);
    }

    /** Resamples drawn for a bootstrap interval. */
    static final int BOOTSTRAP = 1000;

    /**
     * The 95 % bootstrap interval of a mean: {@value #BOOTSTRAP} resamples of the items with replacement (seeded, so a
     * run's interval is the same every time), the 2.5th and 97.5th percentiles of their means.
     */
    static double[] bootstrap(double[] v, long seed) {
        if (v.length == 0) {
            return new double[]{0, 0};
        }
        java.util.Random random = new java.util.Random(seed);
        double[] means = new double[BOOTSTRAP];
        for (int b = 0; b < BOOTSTRAP; b++) {
            double sum = 0;
            for (int i = 0; i < v.length; i++) {
                sum += v[random.nextInt(v.length)];
            }
            means[b] = sum / v.length;
        }
        java.util.Arrays.sort(means);
        return new double[]{means[(int) Math.floor(0.025 * (BOOTSTRAP - 1))], means[(int) Math.ceil(0.975 * (BOOTSTRAP - 1))]};
    }

    /** The mean and lm-eval's standard error: sample standard deviation (n − 1) / √n. */
    private static void put(Map<String, Object> metrics, String name, double[] v) {
        int n = v.length;
        double mean = java.util.Arrays.stream(v).average().orElse(0);
        double var = 0;
        for (double x : v) {
            var += (x - mean) * (x - mean);
        }
        metrics.put(name, mean);
        metrics.put(name + "_stderr", n > 1 ? Math.sqrt(var / (n - 1)) / Math.sqrt(n) : 0.0);
        double[] ci = bootstrap(v, 1234);
        metrics.put(name + "_ci95", ci);
    }
}
