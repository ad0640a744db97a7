package org.llmplayground.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Jdbc;
import org.llmplayground.core.jobs.JobRecord;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.training.Checkpoints;
import org.llmplayground.training.Trainer;
import org.llmplayground.training.TrainingConfig;
import org.llmplayground.training.TrainingConfigs;
import org.llmplayground.training.TrainingQueries;
import org.llmplayground.training.TrainingRun;
import org.llmplayground.training.TrainingService;
import org.llmplayground.training.TrainingStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every run of every lab in one place. A run is a training-engine run (pre-training, fine-tuning, reward model, DPO:
 * its record, steps and checkpoints) or any other job (evaluation, data cleaning, tokenizer training, downloads: the
 * job table and the request it kept). Both carry what {@link RunRecorder} saw while they ran (code version,
 * environment, CPU and memory), tags and notes. Runs compare (config diff, summaries side by side, metrics to overlay),
 * export as CSV or JSON, and run again from their record alone.
 */
@Singleton
public class Runs {
    static final int MAX_RUNS = 2000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();
    private final Jdbc jdbc;
    private final JobRunner jobs;
    private final TrainingStore store;
    private final TrainingQueries training;
    private final TrainingService trainingService;
    private final WandbTracking wandb;

    public Runs(javax.sql.DataSource dataSource, io.micronaut.jdbc.DataSourceResolver resolver, JobRunner jobs, TrainingStore store,
                TrainingQueries training, TrainingService trainingService, WandbTracking wandb) {
        this.jdbc = new Jdbc(resolver.resolve(dataSource), "Run tracking");
        this.jobs = jobs;
        this.store = store;
        this.training = training;
        this.trainingService = trainingService;
        this.wandb = wandb;
    }

    /** A row of the runs table. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    public record Run(String id, String lab, String name, String state, Instant createdAt, @Nullable Instant startedAt,
                      @Nullable Instant finishedAt, @Nullable Double durationSeconds, List<String> tags, String notes,
                      Map<String, Object> summary) {
    }

    /** A run in full: its row and its record. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    public record Detail(Run run, Map<String, Object> config, @Nullable Long seed, Map<String, String> hashes, @Nullable String codeVersion,
                         Map<String, Object> environment, List<Map<String, Object>> artifacts, List<String> metrics, boolean reproducible,
                         @Nullable String message, Map<String, Object> wandb) {
    }

    /** One point of a metric: the step (or sample index), seconds since the run started, the value. */
    @Serdeable
    public record Point(double step, double time, double value) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record ConfigRow(String key, List<String> values, boolean differs) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record Comparison(List<Run> runs, List<ConfigRow> config, List<ConfigRow> summary) {
    }

    // ------------------------------------------------------------------------------------------------ the list

    /** Runs, newest first; {@code lab}, {@code state}, {@code tag} filter; {@code q} searches names, notes and tags. */
    public List<Run> list(@Nullable String lab, @Nullable String state, @Nullable String tag, @Nullable String q) {
        Map<String, String[]> notes = notes();
        List<Run> out = new ArrayList<>();
        Set<String> trainingJobs = new LinkedHashSet<>();
        for (TrainingRun r : store.list()) {
            if (r.jobId() != null) {
                trainingJobs.add(r.jobId());
            }
            out.add(row(r, notes.get(r.id())));
        }
        for (JobRecord j : jobs.recent(MAX_RUNS)) {
            if (!j.kind().equals(TrainingService.JOB_KIND) && !trainingJobs.contains(j.id())) {
                out.add(row(j, notes.get(j.id())));
            }
        }
        String query = q == null ? "" : q.strip().toLowerCase(Locale.ROOT);
        return out.stream()
                .filter(r -> lab == null || lab.isBlank() || r.lab().equalsIgnoreCase(lab.strip()))
                .filter(r -> state == null || state.isBlank() || r.state().equalsIgnoreCase(state.strip()))
                .filter(r -> tag == null || tag.isBlank() || r.tags().contains(tag.strip()))
                .filter(r -> query.isEmpty() || (r.name() + " " + r.notes() + " " + r.tags() + " " + r.id()).toLowerCase(Locale.ROOT).contains(query))
                .sorted(Comparator.comparing(Run::createdAt).reversed())
                .limit(MAX_RUNS).toList();
    }

    /** The labs runs come from, for the filter. */
    public static List<String> labs() {
        return List.of("pre-training", "fine-tuning", "reward model", "dpo", "evaluation", "data", "tokenizer", "models", "other");
    }

    static String lab(TrainingConfig c) {
        return c.dpo() != null ? "dpo" : c.reward() != null ? "reward model" : c.finetune() != null ? "fine-tuning" : "pre-training";
    }

    static String lab(String jobKind) {
        return switch (jobKind) {
            case "evaluation", "judge", "human-evaluation" -> "evaluation";
            case "data-clean", "data-split", "data-download", "data-pipeline" -> "data";
            case "tokenizer-training" -> "tokenizer";
            case "model-download" -> "models";
            default -> "other";
        };
    }

    private Run row(TrainingRun r, String @Nullable [] note) {
        TrainingConfig c = config(r);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("step", r.step());
        summary.put("max_steps", r.maxSteps());
        store.latestMetric(r.id()).ifPresent(m -> summary.put("loss", m.loss()));
        if (r.bestValLoss() != null) {
            summary.put("best_val_loss", r.bestValLoss());
        }
        if (r.parameters() != null) {
            summary.put("parameters", r.parameters());
        }
        return new Run(r.id(), c == null ? "pre-training" : lab(c), r.name(), r.state().name().toLowerCase(Locale.ROOT), r.createdAt(),
                r.startedAt(), r.finishedAt(), seconds(r.startedAt(), r.finishedAt()), tags(note), note == null ? "" : note[1], summary);
    }

    private Run row(JobRecord j, String @Nullable [] note) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("progress", j.progress());
        if (j.result() != null) {
            summary.put("result", j.result());
        }
        if (j.total() > 0) {
            summary.put("items", j.done() + " of " + j.total());
        }
        return new Run(j.id(), lab(j.kind()), j.title(), j.state().name().toLowerCase(Locale.ROOT), j.createdAt(), j.startedAt(),
                j.finishedAt(), seconds(j.startedAt(), j.finishedAt()), tags(note), note == null ? "" : note[1], summary);
    }

    private static @Nullable Double seconds(@Nullable Instant from, @Nullable Instant to) {
        return from == null ? null : Duration.between(from, to == null ? Instant.now() : to).toMillis() / 1000.0;
    }

    private static @Nullable TrainingConfig config(TrainingRun r) {
        try {
            return TrainingConfigs.parse(r.configYaml());
        } catch (RuntimeException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------------------------------------ one run

    public Detail get(String id) {
        String[] note = notes().get(id);
        var trained = store.find(id);
        if (trained.isPresent()) {
            TrainingRun r = trained.get();
            Map<String, Object> hashes = new LinkedHashMap<>();
            List<Map<String, Object>> artifacts = new ArrayList<>();
            for (Checkpoints.Saved s : training.checkpoints(id)) {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("type", "checkpoint");
                a.put("step", s.step());
                a.put("path", s.path());
                a.put("size_bytes", org.llmplayground.core.Workspace.bytesUnder(Path.of(s.path())));
                a.put("model_id", TrainingQueries.checkpointModelId(id, s.step()));
                if (s.valLoss() != null) {
                    a.put("val_loss", s.valLoss());
                }
                artifacts.add(a);
            }
            Map<String, String> h = new LinkedHashMap<>();
            if (r.dataHash() != null) {
                h.put("data_sha256", r.dataHash());
            }
            String[] meta = r.jobId() == null ? null : meta(r.jobId());
            List<String> metrics = new ArrayList<>(List.of("loss", "lr", "grad_norm", "tokens_per_second", "step_ms", "heap_mb", "memory_mb"));
            if (!store.evals(id).isEmpty()) {
                metrics.addAll(List.of("train_loss", "val_loss", "val_perplexity", "val_accuracy"));
            }
            store.measures(id, -1, 1).forEach(m -> metrics.addAll(m.values().keySet()));
            metrics.addAll(List.of("system/cpu", "system/rss_mb"));
            return new Detail(row(r, note), flatten(yamlTree(r.configYaml())), r.seed(), h, meta == null ? null : meta[0],
                    meta == null ? Map.of() : jsonMap(meta[1]), artifacts, metrics, true, r.message(), wandbStatus(id));
        }
        JobRecord j = jobs.get(id); // 404 for neither
        if (j.kind().equals(TrainingService.JOB_KIND)) {
            throw BadInputException.notFound("Job " + id + " is an execution of a training run; open the run itself (its id is on the "
                    + "Training lab's run list).");
        }
        Map<String, Object> config = jobs.request(id).map(Runs::jsonTree).map(Runs::flatten).orElse(new LinkedHashMap<>());
        Long seed = config.get("seed") instanceof Number n ? n.longValue() : null;
        Map<String, String> hashes = new LinkedHashMap<>();
        List<Map<String, Object>> artifacts = new ArrayList<>();
        if (j.result() != null) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("type", switch (j.kind()) {
                case "evaluation" -> "evaluation results";
                case "tokenizer-training" -> "tokenizer";
                case "model-download" -> "model";
                case "judge" -> "judgements";
                default -> "output";
            });
            a.put("value", j.result());
            if (j.kind().equals("evaluation")) {
                a.put("url", "/api/v1/evaluation/runs/" + j.result());
            }
            artifacts.add(a);
        }
        String[] meta = meta(id);
        return new Detail(row(j, note), config, seed, hashes, meta == null ? null : meta[0], meta == null ? Map.of() : jsonMap(meta[1]),
                artifacts, List.of("progress", "system/cpu", "system/rss_mb", "system/heap_mb"), jobs.canReproduce(id), j.message(), Map.of());
    }

    private Map<String, Object> wandbStatus(String runId) {
        Map<String, Object> out = new LinkedHashMap<>(wandb.settings());
        wandb.status(runId).ifPresent(s -> {
            out.put("state", s.state());
            out.put("lines", s.lines());
            out.put("acknowledged", s.acknowledged());
            out.put("behind", s.behind());
            if (s.message() != null) {
                out.put("message", s.message());
            }
        });
        return out;
    }

    private String @Nullable [] meta(String jobId) {
        return jdbc.list("select code_version, environment from run_meta where job_id=?", Jdbc.strings(jobId),
                rs -> new String[]{rs.getString(1), rs.getString(2)}).stream().findFirst().orElse(null);
    }

    // ------------------------------------------------------------------------------------------------ metrics

    /**
     * A run's metrics by name. Training runs: every step's loss, lr, grad_norm, tokens_per_second, step_ms, heap_mb,
     * memory_mb; each evaluation's train_loss, val_loss, val_perplexity, val_accuracy; an objective's own measures
     * (DPO's rewards/chosen, …); time is the sum of step times so far. Every run: system/cpu (0..1 of all cores),
     * system/heap_mb, system/rss_mb and progress, sampled every 2 s while it ran. {@code names} narrows (all when empty).
     */
    public Map<String, List<Point>> metrics(String id, @Nullable List<String> names) {
        Set<String> wanted = names == null ? Set.of() : new LinkedHashSet<>(names);
        Map<String, List<Point>> out = new LinkedHashMap<>();
        var trained = store.find(id);
        String jobId = id;
        if (trained.isPresent()) {
            jobId = trained.get().jobId();
            TreeMap<Integer, Double> clock = new TreeMap<>();
            double t = 0;
            int after = -1;
            for (List<Trainer.StepMetrics> page; !(page = store.metrics(id, after, 5000)).isEmpty(); after = page.get(page.size() - 1).step()) {
                for (Trainer.StepMetrics m : page) {
                    t += m.stepMillis() / 1000;
                    clock.put(m.step(), t);
                    add(out, wanted, "loss", m.step(), t, m.loss());
                    add(out, wanted, "lr", m.step(), t, m.lr());
                    add(out, wanted, "grad_norm", m.step(), t, m.gradNorm());
                    add(out, wanted, "tokens_per_second", m.step(), t, m.tokensPerSecond());
                    add(out, wanted, "step_ms", m.step(), t, m.stepMillis());
                    add(out, wanted, "heap_mb", m.step(), t, m.heapMb());
                    add(out, wanted, "memory_mb", m.step(), t, m.memoryMb());
                }
            }
            for (Trainer.EvalMetrics e : store.evals(id)) {
                double at = clock.floorEntry(e.step()) == null ? 0 : clock.floorEntry(e.step()).getValue();
                add(out, wanted, "train_loss", e.step(), at, e.trainLoss());
                add(out, wanted, "val_loss", e.step(), at, e.valLoss());
                add(out, wanted, "val_perplexity", e.step(), at, e.valPerplexity());
                add(out, wanted, "val_accuracy", e.step(), at, e.valAccuracy());
            }
            int from = -1;
            for (List<Trainer.Measured> page; !(page = store.measures(id, from, 5000)).isEmpty(); from = page.get(page.size() - 1).step()) {
                for (Trainer.Measured m : page) {
                    double at = clock.floorEntry(m.step()) == null ? 0 : clock.floorEntry(m.step()).getValue();
                    m.values().forEach((k, v) -> add(out, wanted, k, m.step(), at, v));
                }
            }
        } else {
            jobs.get(id);
        }
        if (jobId != null) {
            String job = jobId;
            long[] start = {-1};
            int[] i = {0};
            jdbc.query("select t_ms, cpu, heap_mb, rss_mb, progress from run_system where job_id=? order by t_ms", Jdbc.strings(job), rs -> {
                long tms = rs.getLong(1);
                if (start[0] < 0) {
                    start[0] = tms;
                }
                double at = (tms - start[0]) / 1000.0;
                int n = i[0]++;
                add(out, wanted, "system/cpu", n, at, rs.getDouble(2));
                add(out, wanted, "system/heap_mb", n, at, rs.getDouble(3));
                add(out, wanted, "system/rss_mb", n, at, rs.getDouble(4));
                if (trained.isEmpty()) {
                    add(out, wanted, "progress", n, at, rs.getDouble(5));
                }
            });
        }
        return out;
    }

    private static void add(Map<String, List<Point>> out, Set<String> wanted, String name, double step, double time, double value) {
        if ((wanted.isEmpty() || wanted.contains(name)) && Double.isFinite(value)) {
            out.computeIfAbsent(name, k -> new ArrayList<>()).add(new Point(step, time, value));
        }
    }

    /** A run's metrics as CSV: metric, step, time_s, value. */
    public String metricsCsv(String id) {
        StringBuilder csv = new StringBuilder("metric,step,time_s,value\n");
        metrics(id, null).forEach((name, points) -> points.forEach(p -> csv.append(name).append(',').append(num(p.step())).append(',')
                .append(num(p.time())).append(',').append(num(p.value())).append('\n')));
        return csv.toString();
    }

    // ------------------------------------------------------------------------------------------------ compare, export

    /** Runs side by side: their rows, every config key with each run's value (differs marked), every summary metric. */
    public Comparison compare(List<String> ids) {
        if (ids == null || ids.size() < 2 || ids.size() > 10) {
            throw new BadInputException("Choose 2 to 10 runs to compare (got " + (ids == null ? 0 : ids.size()) + ").");
        }
        List<Detail> details = ids.stream().map(this::get).toList();
        return new Comparison(details.stream().map(Detail::run).toList(),
                table(details.stream().map(Detail::config).toList()),
                table(details.stream().map(d -> d.run().summary()).toList()));
    }

    private static List<ConfigRow> table(List<Map<String, Object>> maps) {
        Set<String> keys = new LinkedHashSet<>();
        maps.forEach(m -> keys.addAll(m.keySet()));
        List<ConfigRow> rows = new ArrayList<>();
        for (String k : keys) {
            List<String> values = maps.stream().map(m -> m.containsKey(k) ? String.valueOf(m.get(k)) : "—").toList();
            rows.add(new ConfigRow(k, values, values.stream().distinct().count() > 1));
        }
        rows.sort(Comparator.comparing((ConfigRow r) -> !r.differs()));
        return rows;
    }

    /** The runs table as CSV (one row per run: id, lab, name, state, times, tags, notes, each summary metric). */
    public String csv(List<Run> runs) {
        Set<String> metrics = new LinkedHashSet<>();
        runs.forEach(r -> metrics.addAll(r.summary().keySet()));
        StringBuilder csv = new StringBuilder("id,lab,name,state,created_at,started_at,finished_at,duration_s,tags,notes");
        metrics.forEach(m -> csv.append(',').append(field(m)));
        csv.append('\n');
        for (Run r : runs) {
            csv.append(String.join(",", r.id(), field(r.lab()), field(r.name()), r.state(), String.valueOf(r.createdAt()),
                    Objects.toString(r.startedAt(), ""), Objects.toString(r.finishedAt(), ""),
                    r.durationSeconds() == null ? "" : num(r.durationSeconds()), field(String.join(" ", r.tags())), field(r.notes())));
            metrics.forEach(m -> csv.append(',').append(r.summary().containsKey(m) ? field(String.valueOf(r.summary().get(m))) : ""));
            csv.append('\n');
        }
        return csv.toString();
    }

    private static String field(String s) {
        return org.llmplayground.evaluation.EvaluationService.csvField(s);
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }

    // ------------------------------------------------------------------------------------------------ act on runs

    /**
     * Runs it again from its record: a training run from its resolved config and seed (a new run), any other job
     * from the request it kept (a new job). Returns {id, lab, name} of the new run.
     */
    public Map<String, Object> reproduce(String id) {
        if (store.find(id).isPresent()) {
            TrainingRun r = trainingService.reproduce(id);
            return Map.of("id", r.id(), "lab", "training", "name", r.name());
        }
        JobRecord j = jobs.get(id);
        if (!jobs.canReproduce(id)) {
            throw BadInputException.conflict("'" + j.title() + "' did not keep the settings it was started with, so it cannot run again "
                    + "from its record; start it from its lab.");
        }
        JobRecord again = jobs.reproduce(id);
        return Map.of("id", again.id(), "lab", lab(again.kind()), "name", again.title());
    }

    /** Sets a run's tags (at most 20, each 1–40 letters, digits, '-', '_', '.') and notes (at most 4,000 characters). */
    public Run annotate(String id, @Nullable List<String> tags, @Nullable String notes) {
        get(id); // 404 for an unknown run
        List<String> t = tags == null ? List.of() : tags.stream().map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
        if (t.size() > 20 || t.stream().anyMatch(s -> !s.matches("[\\w.-]{1,40}"))) {
            throw new BadInputException("Tags: at most 20, each 1 to 40 letters, digits, '-', '_' or '.' (got " + t + ").");
        }
        String n = notes == null ? "" : notes;
        if (n.length() > 4000) {
            throw new BadInputException(String.format("Notes: at most 4,000 characters (got %,d).", n.length()));
        }
        jdbc.update("merge into run_note (run_id, tags, notes) key (run_id) values (?,?,?)", ps -> {
            ps.setString(1, id);
            ps.setString(2, String.join(" ", t));
            ps.setString(3, n);
        });
        return get(id).run();
    }

    private Map<String, String[]> notes() {
        Map<String, String[]> out = new LinkedHashMap<>();
        jdbc.query("select run_id, tags, notes from run_note", ps -> { }, rs -> out.put(rs.getString(1), new String[]{rs.getString(2), rs.getString(3)}));
        return out;
    }

    private static List<String> tags(String @Nullable [] note) {
        return note == null || note[0].isBlank() ? List.of() : List.of(note[0].split(" "));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static JsonNode yamlTree(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static JsonNode jsonTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static Map<String, Object> jsonMap(String json) {
        return JSON.convertValue(jsonTree(json), JSON.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class));
    }

    /** {"training": {"lr": 0.001}, "tags": ["a"]} → {"training.lr": 0.001, "tags": "[a]"}: one key per leaf, for diffs. */
    static Map<String, Object> flatten(JsonNode node) {
        Map<String, Object> out = new LinkedHashMap<>();
        flatten("", node, out);
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, Object> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (node.isNull() || node.isMissingNode()) {
            return;
        } else if (node.isNumber()) {
            out.put(prefix, node.numberValue());
        } else if (node.isBoolean()) {
            out.put(prefix, node.booleanValue());
        } else if (node.isArray()) {
            out.put(prefix, node.toString());
        } else {
            String text = node.asText();
            out.put(prefix, text.length() > 500 ? text.substring(0, 500) + "…" : text);
        }
    }
}
