package org.llmplayground.evaluation;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.jobs.JobContext;
import org.llmplayground.core.jobs.JobRecord;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.evaluation.benchmarks.Benchmarks;
import org.llmplayground.evaluation.benchmarks.CustomBenchmarks;
import org.llmplayground.evaluation.humaneval.CodeSandbox;
import org.llmplayground.evaluation.humaneval.HumanEval;
import org.llmplayground.generation.GenerationResult;
import org.llmplayground.generation.GenerationSettings;
import org.llmplayground.generation.Generator;
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
 * (mmlu_&lt;subject&gt;, hellaswag, truthfulqa_mc1, truthfulqa_mc2 scored by log-likelihood ({@link LogLikelihood});
 * humaneval generated and run in the {@link CodeSandbox}) and on custom benchmarks ({@link CustomBenchmarks}), every
 * item stored in H2 as it is scored, so a run continues where it stopped when started again (its request is kept:
 * POST /api/v1/jobs/{id}/rerun). A run records what makes it reproducible (details: task versions, prompt templates,
 * few-shot sampling and seed, decoding settings, the model's source; the weights' SHA-256). Results carry lm-eval's
 * metrics and standard errors (sample std / √n) and seeded bootstrap intervals.
 */
@Singleton
public class EvaluationService {
    public static final String KIND = "evaluation";
    /** The code a score came from (a run stores it, so a changed scorer is visible next to old scores). */
    public static final String CODE_VERSION = "llm-playground evaluation 2 (lm-eval 0.4 scoring)";
    /** Most samples per HumanEval problem (pass@100 needs 100). */
    static final int MAX_SAMPLES = 200;
    /** The seed of sampled generations: sample s of item d uses SEED + 1000·d + s. */
    static final long GENERATION_SEED = 1234;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private final EvaluationStore store;
    private final JobRunner jobs;
    private final ModelService models;
    private final CodeSandbox sandbox;
    private final CustomBenchmarks custom;
    private final MetricsService metrics;
    private final org.llmplayground.corpus.CorpusStore corpora;

    public EvaluationService(EvaluationStore store, JobRunner jobs, ModelService models, CodeSandbox sandbox, CustomBenchmarks custom,
                             MetricsService metrics, org.llmplayground.corpus.CorpusStore corpora) {
        this.corpora = corpora;
        this.store = store;
        this.jobs = jobs;
        this.models = models;
        this.sandbox = sandbox;
        this.custom = custom;
        this.metrics = metrics;
        jobs.rerunnable(KIND, Request.class, this::launch);
    }

    /**
     * What to evaluate; {@code runId} is set when a stopped run is continued. Generation tasks (humaneval, custom
     * generation) use numSamples (n per item, default 1), temperature (0 = greedy, the default) and maxNewTokens;
     * perplexity sets a stride (default: the model's context, lm-eval's disjoint windows).
     */
    @Serdeable
    public record Request(String model, List<String> tasks, @Nullable Integer numFewshot, @Nullable Integer limit, @Nullable String runId,
                          @Nullable Integer numSamples, @Nullable Double temperature, @Nullable Integer maxNewTokens,
                          @Nullable Integer stride) {
    }

    /** How a task is scored. */
    enum Kind { MULTIPLE_CHOICE, HUMANEVAL, GENERATION, PERPLEXITY }

    /** A task as one run runs it: how it is scored, its version and prompt template, few-shot sampling, the custom benchmark's version and metric. */
    record TaskSpec(String name, Kind kind, String version, String template, String fewshot, @Nullable Integer customVersion,
                    @Nullable String metric) {
        Map<String, Object> describe() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("kind", kind.name().toLowerCase(java.util.Locale.ROOT));
            d.put("version", version);
            d.put("prompt_template", template);
            d.put("fewshot", fewshot);
            if (customVersion != null) {
                d.put("benchmark_version", customVersion);
            }
            if (metric != null) {
                d.put("metric", metric);
            }
            return d;
        }
    }

    /** The task names this app runs: lm-evaluation-harness's, then the custom benchmarks'. */
    public List<String> tasks() {
        List<String> out = new ArrayList<>(builtIns());
        custom.latestAll().forEach(b -> out.add(b.name()));
        return out;
    }

    private static List<String> builtIns() {
        List<String> out = new ArrayList<>();
        Benchmarks.mmluSubjects().keySet().forEach(s -> out.add("mmlu_" + s));
        out.addAll(List.of("hellaswag", "truthfulqa_mc1", "truthfulqa_mc2", "humaneval"));
        return out;
    }

    /** The custom benchmarks, every version. */
    public List<CustomBenchmarks.Benchmark> benchmarks() {
        return custom.list();
    }

    /** Stores a custom benchmark (the next version of its name). */
    public CustomBenchmarks.Benchmark createBenchmark(String name, String kind, @Nullable String metric, @Nullable String description, String jsonl) {
        return custom.create(name, kind, metric, description, jsonl, new java.util.HashSet<>(builtIns()), MetricsService.ANSWER_METRICS);
    }

    /** The corpora a perplexity benchmark can be made of (bundled, uploaded, Data lab splits). */
    public List<String> corpora() {
        return corpora.list().stream().map(org.llmplayground.corpus.CorpusInfo::id).toList();
    }

    /** Most characters of a corpus a perplexity benchmark takes. */
    public static final int MAX_CORPUS_CHARS = 2_000_000;

    /**
     * A perplexity benchmark made of a corpus (bundled, uploaded, or a Data lab split): its first {@code maxChars}
     * characters cut into texts of at most {@link CustomBenchmarks#CHUNK} characters at line ends.
     */
    public CustomBenchmarks.Benchmark createBenchmarkFromCorpus(String name, String corpusId, int maxChars) {
        if (maxChars < 1 || maxChars > MAX_CORPUS_CHARS) {
            throw new BadInputException(String.format("max_chars must be between 1 and %,d (got %,d).", MAX_CORPUS_CHARS, maxChars));
        }
        String text;
        try (java.io.Reader in = new java.io.InputStreamReader(corpora.open(corpusId), java.nio.charset.StandardCharsets.UTF_8)) {
            char[] buf = new char[maxChars];
            int n = 0;
            for (int got; n < maxChars && (got = in.read(buf, n, maxChars - n)) > 0; ) {
                n += got;
            }
            text = new String(buf, 0, n);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        StringBuilder jsonl = new StringBuilder();
        for (String chunk : CustomBenchmarks.chunks(text)) {
            jsonl.append(json(Map.of("text", chunk))).append('\n');
        }
        return custom.create(name, "perplexity", null, "the first " + String.format("%,d", text.length()) + " characters of corpus " + corpusId,
                jsonl.toString(), new java.util.HashSet<>(builtIns()), MetricsService.ANSWER_METRICS);
    }

    /** The task's spec now: built-ins fixed, custom ones at their latest version (or the one {@code details} recorded). */
    TaskSpec spec(String task, @Nullable Map<String, Object> details) {
        if (task.startsWith("mmlu_") && Benchmarks.mmluSubjects().containsKey(task.substring(5))) {
            return new TaskSpec(task, Kind.MULTIPLE_CHOICE, "1.0", "The following are multiple choice questions (with answers) about "
                    + "{subject}.\n\n{question}\nA. {A}\nB. {B}\nC. {C}\nD. {D}\nAnswer:  →  \" A\" … \" D\"", "first_n of the dev split", null, null);
        }
        if (task.startsWith("mmlu_")) {
            Benchmarks.mmlu(task.substring(5), 0); // names the subjects there are
        }
        switch (task) {
            case "hellaswag" -> {
                return new TaskSpec(task, Kind.MULTIPLE_CHOICE, "1.0", "preprocess({activity_label}: {ctx})  →  \" \" + preprocess(ending)",
                        "none (0-shot)", null, null);
            }
            case "truthfulqa_mc1", "truthfulqa_mc2" -> {
                return new TaskSpec(task, Kind.MULTIPLE_CHOICE, "2.0", "{6-shot QA primer}\n\nQ: {question}\nA:  →  \" \" + answer",
                        "the fixed QA primer", null, null);
            }
            case "humaneval" -> {
                return new TaskSpec(task, Kind.HUMANEVAL, HumanEval.VERSION, "{prompt}  →  completion until " + HumanEval.STOPS.stream()
                        .map(s -> s.replace("\n", "\\n")).toList() + "; run: prompt + completion + test + check(entry_point)", "none (0-shot)", null, null);
            }
            default -> {
            }
        }
        Integer recorded = null;
        if (details != null && details.get("tasks") instanceof Map<?, ?> t && t.get(task) instanceof Map<?, ?> d
                && d.get("benchmark_version") instanceof Number v) {
            recorded = v.intValue();
        }
        CustomBenchmarks.Benchmark b = (recorded == null ? custom.latest(task) : custom.find(task, recorded)).orElseThrow(() ->
                BadInputException.notFound("Unknown task '" + task + "': mmlu_<subject> (57 subjects), hellaswag, truthfulqa_mc1, "
                        + "truthfulqa_mc2, humaneval or a custom benchmark (GET /api/v1/evaluation/tasks)."));
        Kind kind = switch (b.kind()) {
            case "multiple_choice" -> Kind.MULTIPLE_CHOICE;
            case "generation" -> Kind.GENERATION;
            default -> Kind.PERPLEXITY;
        };
        String template = switch (kind) {
            case MULTIPLE_CHOICE -> CustomBenchmarks.TEMPLATE + "  →  \" \" + choice";
            case GENERATION -> CustomBenchmarks.TEMPLATE + "  →  answer until a blank line, scored by " + b.metric();
            default -> "the text, every token predicted (lm-eval's loglikelihood_rolling)";
        };
        return new TaskSpec(task, kind, b.name() + " v" + b.version(), template, kind == Kind.PERPLEXITY ? "none"
                : "seeded random (seed " + CustomBenchmarks.FEWSHOT_SEED + " + item) from the few-shot lines, else the other items", b.version(), b.metric());
    }

    /** The multiple-choice items of a task (few-shot for MMLU and custom benchmarks: the others are 0-shot in lm-eval, TruthfulQA with its fixed primer). */
    List<McItem> items(String task, int k, int limit) {
        return mcItems(spec(task, null), k, limit);
    }

    private List<McItem> mcItems(TaskSpec spec, int k, int limit) {
        String task = spec.name();
        List<McItem> all;
        if (task.startsWith("mmlu_") && spec.customVersion() == null) {
            all = Benchmarks.mmlu(task.substring(5), k);
        } else if (task.equals("hellaswag")) {
            all = Benchmarks.hellaswag(limit);
        } else if (task.equals("truthfulqa_mc1") || task.equals("truthfulqa_mc2")) {
            all = Benchmarks.truthfulqa(task.endsWith("2"), limit);
        } else {
            all = CustomBenchmarks.multipleChoice(custom.items(task, spec.customVersion()), k);
        }
        return all.subList(0, Math.min(limit, all.size()));
    }

    /** One generation item: the prompt the model continues, its references (custom) or its problem (HumanEval). */
    record GenItem(int docId, String prompt, List<String> references, @Nullable HumanEval.Problem problem) {
    }

    private List<GenItem> genItems(TaskSpec spec, int k, int limit) {
        List<GenItem> out = new ArrayList<>();
        if (spec.kind() == Kind.HUMANEVAL) {
            for (HumanEval.Problem p : HumanEval.problems()) {
                out.add(new GenItem(p.index(), p.prompt(), List.of(p.canonicalSolution()), p));
            }
        } else {
            List<CustomBenchmarks.Item> all = custom.items(spec.name(), spec.customVersion());
            List<CustomBenchmarks.Item> tests = all.stream().filter(i -> !i.fewshot()).toList();
            for (int d = 0; d < tests.size(); d++) {
                out.add(new GenItem(d, CustomBenchmarks.generationPrompt(all, d, k), tests.get(d).references(), null));
            }
        }
        return out.subList(0, Math.min(limit, out.size()));
    }

    private List<String> texts(TaskSpec spec, int limit) {
        List<String> all = custom.items(spec.name(), spec.customVersion()).stream().map(CustomBenchmarks.Item::text).toList();
        return all.subList(0, Math.min(limit, all.size()));
    }

    private int count(TaskSpec spec, int k, int limit) {
        return switch (spec.kind()) {
            case MULTIPLE_CHOICE -> mcItems(spec, k, limit).size();
            case HUMANEVAL, GENERATION -> genItems(spec, k, limit).size();
            case PERPLEXITY -> texts(spec, limit).size();
        };
    }

    /** Checks the request, records the run with its reproducibility details and queues its job; returns the run. */
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
        if (r.tasks().size() > 200 || new java.util.HashSet<>(r.tasks()).size() != r.tasks().size()) {
            throw new BadInputException("Give each task once, at most 200 (" + r.tasks().size() + " given).");
        }
        int k = r.numFewshot() == null ? 0 : r.numFewshot();
        if (k < 0 || k > 25) {
            throw new BadInputException("num_fewshot must be between 0 and 25 (got " + k + ").");
        }
        if (r.limit() != null && r.limit() < 1) {
            throw new BadInputException("limit must be at least 1 (got " + r.limit() + ").");
        }
        int n = r.numSamples() == null ? 1 : r.numSamples();
        if (n < 1 || n > MAX_SAMPLES) {
            throw new BadInputException("num_samples must be between 1 and " + MAX_SAMPLES + " (got " + n + ").");
        }
        double temperature = r.temperature() == null ? 0 : r.temperature();
        if (!(temperature >= 0 && temperature <= 2)) {
            throw new BadInputException("temperature must be between 0 (greedy) and 2 (got " + r.temperature() + ").");
        }
        Map<String, Object> taskDetails = new LinkedHashMap<>();
        boolean generates = false;
        for (String t : r.tasks()) {
            TaskSpec spec = spec(t, null); // unknown tasks: refused now, not in the job
            if (spec.kind() == Kind.HUMANEVAL) {
                CodeSandbox.Availability a = sandbox.check();
                if (!a.canRun()) {
                    throw new BadInputException(a.reason());
                }
            }
            if (spec.kind() == Kind.MULTIPLE_CHOICE) {
                mcItems(spec, k, 1); // a bad num_fewshot for the task: refused now
            }
            if (spec.kind() == Kind.GENERATION && k > 0) {
                genItems(spec, k, 1);
            }
            generates |= spec.kind() == Kind.HUMANEVAL || spec.kind() == Kind.GENERATION;
            taskDetails.put(t, spec.describe());
        }
        int maxNew = r.maxNewTokens() == null ? (r.tasks().contains("humaneval") ? 512 : 64) : r.maxNewTokens();
        if (maxNew < 1 || maxNew > GenerationSettings.MAX_NEW_TOKENS) {
            throw new BadInputException("max_new_tokens must be between 1 and " + GenerationSettings.MAX_NEW_TOKENS + " (got " + maxNew + ").");
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("model", Map.of("id", m.info().id(), "name", m.info().name(), "source", m.info().source()));
        details.put("tasks", taskDetails);
        if (generates) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("num_samples", n);
            g.put("strategy", temperature == 0 ? "greedy" : "sampling");
            g.put("temperature", temperature);
            g.put("max_new_tokens", maxNew);
            g.put("seed", temperature == 0 ? null : GENERATION_SEED + " + 1000·item + sample");
            g.put("sandbox", r.tasks().contains("humaneval") ? sandbox.check().reason() : null);
            details.put("generation", g);
        }
        if (r.stride() != null && (r.stride() < 1 || r.stride() > m.config().contextLength())) {
            throw new BadInputException("stride must be between 1 and the model's context, " + m.config().contextLength() + " (got " + r.stride() + ").");
        }
        if (taskDetails.values().stream().anyMatch(d -> "perplexity".equals(((Map<?, ?>) d).get("kind")))) {
            int stride = r.stride() == null ? m.config().contextLength() : r.stride();
            details.put("perplexity", Map.of("stride", stride, "window", m.config().contextLength(),
                    "method", stride == m.config().contextLength() ? "lm-eval's loglikelihood_rolling (disjoint windows)"
                            : "sliding windows: each scores " + stride + " new tokens after up to " + m.config().contextLength() + " tokens"));
        }
        String id = UUID.randomUUID().toString();
        EvaluationStore.Run run = new EvaluationStore.Run(id, null, r.model(), null, List.copyOf(r.tasks()), k, r.limit(), CODE_VERSION,
                "queued", null, Instant.now(), null, details);
        store.insert(run);
        launch(new Request(r.model(), r.tasks(), k, r.limit(), id, n, temperature, maxNew, r.stride()));
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
        try (ModelService.Lease lease = models.use(r.model(), "evaluation '" + ctx.jobId() + "'")) {
            LoadedModel m = models.get(r.model());
            ctx.progress(0, "Hashing the weights");
            String hash = m.weightsHash();
            if (run.weightsHash() != null && !run.weightsHash().equals(hash)) {
                throw new BadInputException("The weights of " + r.model() + " changed since this run started (SHA-256 " + run.weightsHash()
                        .substring(0, 12) + "… then, " + hash.substring(0, 12) + "… now): its items would mix two models. Start a new run.");
            }
            store.setWeightsHash(run.id(), hash);
            int eot = m.codec() instanceof org.llmplayground.model.TokenizerCodec tc ? tc.endOfText() : 0;
            int limit = r.limit() == null ? Integer.MAX_VALUE : r.limit();
            Map<String, TaskSpec> specs = new LinkedHashMap<>();
            long total = 0;
            for (String t : r.tasks()) {
                TaskSpec spec = spec(t, run.details());
                specs.put(t, spec);
                total += count(spec, run.numFewshot(), limit);
            }
            long[] done = {0};
            int truncated = 0;
            long started = System.nanoTime();
            LogLikelihood ll = new LogLikelihood(m.network(), m.parameterStore(), m.manager(), m.codec()::encode, eot, m.config().contextLength());
            for (TaskSpec spec : specs.values()) {
                java.util.Set<Integer> have = new java.util.HashSet<>();
                store.items(run.id(), spec.name()).forEach(i -> have.add(i.docId()));
                truncated += switch (spec.kind()) {
                    case MULTIPLE_CHOICE -> runChoices(run.id(), spec, mcItems(spec, run.numFewshot(), limit), have, ll, m, ctx, done, total);
                    case HUMANEVAL, GENERATION -> runGenerations(run.id(), spec, genItems(spec, run.numFewshot(), limit), have, r, m, ctx, done, total);
                    case PERPLEXITY -> runTexts(run.id(), spec, texts(spec, limit), have, ll,
                            r.stride() == null ? m.config().contextLength() : r.stride(), m, ctx, done, total);
                };
            }
            String message = String.format("%,d items scored%s", done[0], truncated == 0 ? ""
                    : String.format("; %,d contexts cut from the left to fit the model's %d tokens", truncated, m.config().contextLength()));
            if (ll.requests() > 0) { // what the shared-prefix scoring saved
                message += String.format(" (%.1f s; %,d forward passes for %,d choice requests, lm-eval runs one per request)",
                        (System.nanoTime() - started) / 1e9, ll.passes(), ll.requests());
            }
            summarize(run.id());
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

    private int runChoices(String runId, TaskSpec spec, List<McItem> items, java.util.Set<Integer> have, LogLikelihood ll, LoadedModel m,
                           JobContext ctx, long[] done, long total) {
        int truncated = 0;
        List<EvaluationStore.Item> batch = new ArrayList<>();
        synchronized (m.lock()) {
            for (McItem item : items) {
                ctx.checkCancelled();
                if (!have.contains(item.docId())) {
                    EvaluationStore.Item scored = score(spec.name(), item, ll);
                    truncated += scored.truncated() ? 1 : 0;
                    batch.add(scored);
                    if (batch.size() >= 50) {
                        store.addItems(runId, batch);
                        batch.clear();
                    }
                }
                done[0]++;
                ctx.progress(done[0], total, spec.name() + ": " + (item.docId() + 1) + " of " + items.size());
            }
        }
        store.addItems(runId, batch);
        return truncated;
    }

    /**
     * Generation tasks: n completions per item (greedy, or sampled with a seed per item and sample), each cut at the
     * task's stops; HumanEval runs every completion with the tests in the sandbox (score = passed / n), a custom
     * benchmark scores the stripped answer with its metric (score = the mean over samples). Prompts longer than the
     * context keep their end. The model's lock is taken per decoding step (by the generator), never while code runs.
     */
    private int runGenerations(String runId, TaskSpec spec, List<GenItem> items, java.util.Set<Integer> have, Request r, LoadedModel m,
                               JobContext ctx, long[] done, long total) {
        int n = r.numSamples() == null ? 1 : r.numSamples();
        double temperature = r.temperature() == null ? 0 : r.temperature();
        int maxNew = r.maxNewTokens() == null ? 64 : r.maxNewTokens();
        List<String> stops = spec.kind() == Kind.HUMANEVAL ? HumanEval.STOPS : List.of("\n\n", "\nQuestion:");
        Generator generator = new Generator(m.network(), m.parameterStore(), m.manager(), m.lock(), m.codec());
        int context = m.config().contextLength();
        int truncated = 0;
        for (GenItem item : items) {
            ctx.checkCancelled();
            if (!have.contains(item.docId())) {
                int[] ids = m.codec().encode(item.prompt());
                boolean cut = ids.length >= context;
                if (cut) { // keep the prompt's end and room for one token (the generator slides its window after that)
                    ids = java.util.Arrays.copyOfRange(ids, ids.length - context + 1, ids.length);
                    truncated++;
                }
                List<String> completions = new ArrayList<>();
                List<String> outcomes = new ArrayList<>();
                List<Double> scores = new ArrayList<>();
                int tokens = 0;
                double decodeMillis = 0;
                List<Double> firstToken = new ArrayList<>();
                for (int s = 0; s < n; s++) {
                    GenerationSettings settings = (temperature == 0 ? GenerationSettings.greedy(maxNew)
                            : GenerationSettings.defaults().withMaxNewTokens(maxNew).withSampling(temperature, 0, 1.0, 0)
                            .withSeed(GENERATION_SEED + 1000L * item.docId() + s)).withStop(stops.subList(0, Math.min(stops.size(), GenerationSettings.MAX_STOPS)));
                    GenerationResult g = generator.generate(ids, settings, Generator.Listener.NONE, ctx::isCancelled);
                    ctx.checkCancelled();
                    String completion = spec.kind() == Kind.HUMANEVAL ? HumanEval.cut(g.text()) : HumanEval.cut(g.text(), stops);
                    completions.add(completion);
                    tokens += g.ids().length;
                    decodeMillis += g.totalMillis();
                    firstToken.add(g.firstTokenMillis());
                    if (spec.kind() == Kind.HUMANEVAL) {
                        CodeSandbox.Outcome o = sandbox.run(item.problem().program(completion));
                        outcomes.add(o.result());
                        scores.add(o.passed() ? 1.0 : 0.0);
                    } else {
                        scores.add(metrics.answerScore(spec.metric(), completion.strip(), item.references()));
                    }
                }
                Map<String, Object> detail = new LinkedHashMap<>();
                if (item.problem() != null) {
                    detail.put("task_id", item.problem().taskId());
                }
                detail.put("completions", completions);
                if (!outcomes.isEmpty()) {
                    detail.put("results", outcomes);
                    detail.put("passed", (int) scores.stream().filter(v -> v == 1.0).count());
                } else {
                    detail.put("scores", scores);
                    detail.put("references", item.references());
                }
                detail.put("n", n);
                detail.put("generated_tokens", tokens);
                detail.put("generation_ms", decodeMillis);
                detail.put("first_token_ms", firstToken.stream().mapToDouble(Double::doubleValue).average().orElse(0));
                detail.put("rss_mb", residentMegabytes());
                double score = scores.stream().mapToDouble(Double::doubleValue).average().orElse(0);
                store.addItems(runId, List.of(new EvaluationStore.Item(spec.name(), item.docId(), 0, new double[0], score, null, null, cut,
                        json(detail))));
            }
            done[0]++;
            ctx.progress(done[0], total, spec.name() + ": " + (item.docId() + 1) + " of " + items.size());
        }
        return truncated;
    }

    /**
     * The app's resident memory now (VmRSS of /proc/self/status, MiB; 0 where there is no /proc): recorded after each
     * generated item, its maximum is the run's memory figure (the whole process: model, KV caches, the JVM).
     */
    static double residentMegabytes() {
        return org.llmplayground.core.ProcessMemory.residentMb().orElse(0);
    }

    private int runTexts(String runId, TaskSpec spec, List<String> texts, java.util.Set<Integer> have, LogLikelihood ll, int stride, LoadedModel m,
                         JobContext ctx, long[] done, long total) {
        for (int d = 0; d < texts.size(); d++) {
            ctx.checkCancelled();
            if (!have.contains(d)) {
                LogLikelihood.Rolling rolling;
                synchronized (m.lock()) {
                    rolling = ll.rolling(texts.get(d), stride);
                }
                Map<String, Object> detail = new LinkedHashMap<>();
                detail.put("tokens", rolling.tokens());
                detail.put("bytes", texts.get(d).getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
                store.addItems(runId, List.of(new EvaluationStore.Item(spec.name(), d, 0, new double[]{rolling.loglikelihood()}, 0, null, null,
                        false, json(detail))));
            }
            done[0]++;
            ctx.progress(done[0], total, spec.name() + ": " + (d + 1) + " of " + texts.size());
        }
        return 0;
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(@Nullable String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, Map.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
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
        return new EvaluationStore.Item(task, item.docId(), item.gold(), scores, argmax(scores) == item.gold() ? 1.0 : 0.0, accNorm, mc2,
                truncated, null);
    }

    public static int argmax(double[] v) {
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
     * categories (mmlu_stem, mmlu_humanities, mmlu_social_sciences, mmlu_other); per task the samples. Generation
     * tasks report pass@k (HumanEval, k = 1, 10, 100 up to n) or their metric, and the generation speed (tokens/s,
     * mean first-token latency); perplexity sets the token-weighted perplexity and bits per byte.
     */
    public Map<String, Object> results(String id) {
        EvaluationStore.Run r = run(id);
        Map<String, Object> results = new LinkedHashMap<>();
        Map<String, Object> samples = new LinkedHashMap<>();
        for (String task : r.tasks()) {
            List<EvaluationStore.Item> items = store.items(id, task);
            Kind kind = kindOf(r, task);
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("n", items.size());
            List<Map<String, Object>> rows = new ArrayList<>();
            switch (kind) {
                case HUMANEVAL, GENERATION -> {
                    List<Map<String, Object>> details = items.stream().map(i -> parse(i.detail())).toList();
                    if (kind == Kind.HUMANEVAL) {
                        int n = details.stream().mapToInt(d -> ((Number) d.get("n")).intValue()).min().orElse(1);
                        for (int k : new int[]{1, 10, 100}) {
                            if (k <= n) {
                                put(metrics, "pass@" + k, details.stream().mapToDouble(d -> HumanEval.passAtK(((Number) d.get("n")).intValue(),
                                        ((Number) d.get("passed")).intValue(), k)).toArray());
                            }
                        }
                    } else {
                        put(metrics, metricOf(r, task), items.stream().mapToDouble(EvaluationStore.Item::acc).toArray());
                    }
                    long tokens = details.stream().mapToLong(d -> ((Number) d.get("generated_tokens")).longValue()).sum();
                    double ms = details.stream().mapToDouble(d -> ((Number) d.get("generation_ms")).doubleValue()).sum();
                    metrics.put("tokens_per_second", ms == 0 ? 0 : tokens / (ms / 1000));
                    metrics.put("first_token_ms", details.stream().mapToDouble(d -> ((Number) d.get("first_token_ms")).doubleValue()).average().orElse(0));
                    metrics.put("peak_rss_mb", details.stream().mapToDouble(d -> d.get("rss_mb") instanceof Number v ? v.doubleValue() : 0).max().orElse(0));
                    for (int i = 0; i < items.size(); i++) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("doc_id", items.get(i).docId());
                        row.putAll(details.get(i));
                        row.put(kind == Kind.HUMANEVAL ? "pass@1" : "score", items.get(i).acc());
                        row.put("truncated", items.get(i).truncated());
                        rows.add(row);
                    }
                }
                case PERPLEXITY -> {
                    double ll = 0;
                    long tokens = 0;
                    long bytes = 0;
                    for (EvaluationStore.Item i : items) {
                        Map<String, Object> d = parse(i.detail());
                        ll += i.loglikelihoods()[0];
                        tokens += ((Number) d.get("tokens")).longValue();
                        bytes += ((Number) d.get("bytes")).longValue();
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("doc_id", i.docId());
                        row.put("loglikelihood", i.loglikelihoods()[0]);
                        row.putAll(d);
                        rows.add(row);
                    }
                    metrics.put("perplexity", tokens == 0 ? 0 : Math.exp(-ll / tokens));
                    metrics.put("bits_per_byte", bytes == 0 ? 0 : -ll / (Math.log(2) * bytes));
                    metrics.put("tokens", tokens);
                }
                default -> {
                    if (task.equals("truthfulqa_mc2")) {
                        put(metrics, "mc2", items.stream().mapToDouble(i -> i.mc2() == null ? 0 : i.mc2()).toArray());
                    } else {
                        put(metrics, "acc", items.stream().mapToDouble(EvaluationStore.Item::acc).toArray());
                        if (task.equals("hellaswag")) {
                            put(metrics, "acc_norm", items.stream().mapToDouble(i -> i.accNorm() == null ? 0 : i.accNorm()).toArray());
                        }
                    }
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
                }
            }
            results.put(task, metrics);
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
        out.put("config", reproducibility(r));
        return out;
    }

    /** Metrics a leaderboard ranks by (speed and token counts are not scores). */
    private static final java.util.Set<String> NOT_SCORES = java.util.Set.of("n", "tokens", "tokens_per_second", "first_token_ms", "peak_rss_mb");

    /**
     * Stores a run's headline scores (each task's metrics with stderr and 95 % interval, MMLU's group and categories):
     * written once when the run ends, so the leaderboard reads one table instead of re-scoring every run.
     */
    public List<EvaluationStore.Score> summarize(String id) {
        Map<?, ?> results = (Map<?, ?>) results(id).get("results");
        List<EvaluationStore.Score> scores = new ArrayList<>();
        results.forEach((task, m) -> {
            Map<?, ?> metrics = (Map<?, ?>) m;
            int n = ((Number) metrics.get("n")).intValue();
            metrics.forEach((name, v) -> {
                String metric = String.valueOf(name);
                if (v instanceof Number value && !metric.endsWith("_stderr") && !NOT_SCORES.contains(metric)) {
                    double[] ci = metrics.get(metric + "_ci95") instanceof double[] c ? c : null;
                    scores.add(new EvaluationStore.Score(id, String.valueOf(task), metric, value.doubleValue(),
                            metrics.get(metric + "_stderr") instanceof Number se ? se.doubleValue() : null, ci == null ? null : ci[0],
                            ci == null ? null : ci[1], n));
                }
            });
        });
        store.setScores(id, scores);
        return scores;
    }

    /** What a run's numbers depend on: model, weights hash, tasks' versions and templates, few-shot, decoding, code. */
    private static Map<String, Object> reproducibility(EvaluationStore.Run r) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("model", r.model());
        c.put("weights_sha256", r.weightsHash());
        c.put("num_fewshot", r.numFewshot());
        c.put("limit", r.limit());
        c.put("code_version", r.codeVersion());
        c.put("bootstrap", BOOTSTRAP + " resamples, seed 1234");
        c.putAll(r.details());
        return c;
    }

    /**
     * Two runs on the same items, task by task: each shared task's scores, their difference, and whether it is real at
     * 95 % ({@link Significance}: McNemar's exact test for acc and acc_norm, a seeded paired bootstrap for MC2 and
     * generation scores). Refused when a shared task was run at different versions, few-shot counts or on different
     * items. Perplexity sets are listed without a test (a per-text log-likelihood has no paired right/wrong).
     */
    public Map<String, Object> compare(String idA, String idB) {
        EvaluationStore.Run a = run(idA);
        EvaluationStore.Run b = run(idB);
        List<String> shared = a.tasks().stream().filter(b.tasks()::contains).toList();
        if (shared.isEmpty()) {
            throw new BadInputException("Runs " + idA + " (" + String.join(", ", a.tasks()) + ") and " + idB + " (" + String.join(", ", b.tasks())
                    + ") share no task.");
        }
        if (a.numFewshot() != b.numFewshot()) {
            throw new BadInputException("Run " + idA + " is " + a.numFewshot() + "-shot and run " + idB + " " + b.numFewshot()
                    + "-shot: their prompts differ, so their items are not the same questions.");
        }
        Map<String, Object> tasks = new LinkedHashMap<>();
        for (String task : shared) {
            Object va = describeVersion(a, task);
            Object vb = describeVersion(b, task);
            if (!va.equals(vb)) {
                throw new BadInputException("Task " + task + " was run at " + va + " in " + idA + " and at " + vb + " in " + idB
                        + ": compare runs of the same task version.");
            }
            List<EvaluationStore.Item> ia = store.items(idA, task);
            List<EvaluationStore.Item> ib = store.items(idB, task);
            if (!ia.stream().map(EvaluationStore.Item::docId).toList().equals(ib.stream().map(EvaluationStore.Item::docId).toList())) {
                throw new BadInputException("Task " + task + ": run " + idA + " scored " + ia.size() + " items and run " + idB + " " + ib.size()
                        + (ia.size() == ib.size() ? " but not the same ones" : "") + ": compare runs on the same items (the same limit, both finished).");
            }
            Kind kind = kindOf(a, task);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("n", ia.size());
            switch (kind) {
                case PERPLEXITY -> row.put("note", "a perplexity set: no paired test");
                case MULTIPLE_CHOICE -> {
                    if (task.equals("truthfulqa_mc2")) {
                        row.putAll(test("mc2", values(ia, EvaluationStore.Item::mc2), values(ib, EvaluationStore.Item::mc2), false));
                    } else {
                        row.putAll(test("acc", values(ia, EvaluationStore.Item::acc), values(ib, EvaluationStore.Item::acc), true));
                        if (task.equals("hellaswag")) {
                            row.put("acc_norm", test("acc_norm", values(ia, EvaluationStore.Item::accNorm), values(ib, EvaluationStore.Item::accNorm), true));
                        }
                    }
                }
                default -> row.putAll(test(kind == Kind.HUMANEVAL ? "pass@1" : metricOf(a, task), values(ia, EvaluationStore.Item::acc),
                        values(ib, EvaluationStore.Item::acc), false));
            }
            tasks.put(task, row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("a", Map.of("id", idA, "model", a.model(), "weights_sha256", String.valueOf(a.weightsHash())));
        out.put("b", Map.of("id", idB, "model", b.model(), "weights_sha256", String.valueOf(b.weightsHash())));
        out.put("tasks", tasks);
        return out;
    }

    private static Object describeVersion(EvaluationStore.Run r, String task) {
        if (r.details().get("tasks") instanceof Map<?, ?> t && t.get(task) instanceof Map<?, ?> d) {
            return d.get("version") + (d.get("benchmark_version") == null ? "" : " (benchmark version " + d.get("benchmark_version") + ")");
        }
        return "an unrecorded version";
    }

    private static double[] values(List<EvaluationStore.Item> items, java.util.function.Function<EvaluationStore.Item, Double> f) {
        return items.stream().mapToDouble(i -> f.apply(i) == null ? 0 : f.apply(i)).toArray();
    }

    private static Map<String, Object> test(String metric, double[] a, double[] b, boolean binary) {
        Significance.Result r = binary ? Significance.mcnemar(a, b) : Significance.pairedBootstrap(a, b, 1234);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("metric", metric);
        row.put("a", java.util.Arrays.stream(a).average().orElse(0));
        row.put("b", java.util.Arrays.stream(b).average().orElse(0));
        row.put("difference", java.util.Arrays.stream(a).average().orElse(0) - java.util.Arrays.stream(b).average().orElse(0));
        row.put("test", r.test());
        row.put("p_value", r.pValue());
        row.put("significant", r.significant());
        if (binary) {
            row.put("a_right_b_wrong", r.discordantAWins());
            row.put("a_wrong_b_right", r.discordantBWins());
        } else {
            row.put("difference_ci95", r.interval());
        }
        return row;
    }

    /** How a run scored a task (from its recorded details; the built-ins by name). */
    private Kind kindOf(EvaluationStore.Run r, String task) {
        if (r.details().get("tasks") instanceof Map<?, ?> t && t.get(task) instanceof Map<?, ?> d && d.get("kind") instanceof String k) {
            return Kind.valueOf(k.toUpperCase(java.util.Locale.ROOT));
        }
        return task.equals("humaneval") ? Kind.HUMANEVAL : Kind.MULTIPLE_CHOICE;
    }

    private static String metricOf(EvaluationStore.Run r, String task) {
        if (r.details().get("tasks") instanceof Map<?, ?> t && t.get(task) instanceof Map<?, ?> d && d.get("metric") instanceof String m) {
            return m;
        }
        return "score";
    }

    /**
     * One item opened: the prompt the model read (rebuilt from the task at the run's version), the choices with their
     * log-likelihoods, the model's pick and the gold answer; for generation tasks the completions and their results.
     */
    public Map<String, Object> item(String id, String task, int docId) {
        EvaluationStore.Run r = run(id);
        if (!r.tasks().contains(task)) {
            throw BadInputException.notFound("Run " + id + " has no task '" + task + "'.");
        }
        EvaluationStore.Item item = store.items(id, task).stream().filter(i -> i.docId() == docId).findFirst()
                .orElseThrow(() -> BadInputException.notFound("Item " + docId + " of " + task + " is not scored in run " + id + "."));
        TaskSpec spec = spec(task, r.details());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("task", task);
        out.put("doc_id", docId);
        switch (spec.kind()) {
            case MULTIPLE_CHOICE -> {
                McItem mc = mcItems(spec, r.numFewshot(), docId + 1).get(docId);
                out.put("prompt", mc.context());
                out.put("choices", mc.choices());
                out.put("continuations", mc.continuations());
                out.put("loglikelihoods", item.loglikelihoods());
                out.put("pick", argmax(item.loglikelihoods()));
                out.put("target", item.target());
                out.put("acc", item.acc());
            }
            case HUMANEVAL, GENERATION -> {
                out.put("prompt", genItems(spec, r.numFewshot(), docId + 1).get(docId).prompt());
                out.putAll(parse(item.detail()));
                out.put("score", item.acc());
            }
            case PERPLEXITY -> {
                out.put("prompt", texts(spec, docId + 1).get(docId));
                out.put("loglikelihood", item.loglikelihoods()[0]);
                out.putAll(parse(item.detail()));
            }
        }
        out.put("truncated", item.truncated());
        return out;
    }

    /**
     * The results as one CSV table: first the scores (doc_id empty: task, metric, value, stderr, the 95 % interval),
     * then every item (task, doc_id, metric, value, target, pick). RFC 4180 quoting.
     */
    public String resultsCsv(String id) {
        Map<String, Object> all = results(id);
        StringBuilder b = new StringBuilder("task,doc_id,metric,value,stderr,ci95_low,ci95_high,target,pick\n");
        ((Map<?, ?>) all.get("results")).forEach((task, m) -> ((Map<?, ?>) m).forEach((metric, v) -> {
            String name = String.valueOf(metric);
            if (v instanceof Number num && !name.endsWith("_stderr") && !name.equals("n")) {
                Map<?, ?> mm = (Map<?, ?>) m;
                double[] ci = mm.get(name + "_ci95") instanceof double[] c ? c : null;
                b.append(csvField(task)).append(",,").append(csvField(name)).append(',').append(num).append(',')
                        .append(mm.get(name + "_stderr") == null ? "" : mm.get(name + "_stderr")).append(',')
                        .append(ci == null ? "" : ci[0]).append(',').append(ci == null ? "" : ci[1]).append(",,\n");
            }
        }));
        ((Map<?, ?>) all.get("samples")).forEach((task, rows) -> {
            for (Object o : (List<?>) rows) {
                Map<?, ?> row = (Map<?, ?>) o;
                String metric = row.containsKey("acc") ? "acc" : row.containsKey("pass@1") ? "pass@1" : row.containsKey("score") ? "score" : "loglikelihood";
                Object pick = row.get("loglikelihoods") instanceof double[] ll ? argmax(ll) : "";
                b.append(csvField(task)).append(',').append(row.get("doc_id")).append(',').append(metric).append(',').append(row.get(metric))
                        .append(",,,,").append(row.containsKey("target") ? row.get("target") : "").append(',').append(pick).append('\n');
                if (row.get("mc2") != null) {
                    b.append(csvField(task)).append(',').append(row.get("doc_id")).append(",mc2,").append(row.get("mc2")).append(",,,,,\n");
                }
            }
        });
        return b.toString();
    }

    /** A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break; quotes doubled. */
    public static String csvField(Object v) {
        String s = String.valueOf(v);
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
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
        return perplexity(modelId, texts, null);
    }

    /** The same with a sliding-window stride (null: the model's context, lm-eval's disjoint windows). */
    public Perplexity perplexity(String modelId, List<String> texts, @Nullable Integer stride) {
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
                LogLikelihood.Rolling r = scorer.rolling(t, stride == null ? m.config().contextLength() : stride);
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
    public static double[] bootstrap(double[] v, long seed) {
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
