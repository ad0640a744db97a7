package org.llmplayground.evaluation.dashboard;

import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.SvgCharts;
import org.llmplayground.evaluation.EvaluationService;
import org.llmplayground.evaluation.EvaluationStore;
import org.llmplayground.evaluation.benchmarks.Benchmarks;
import org.llmplayground.training.Checkpoints;
import org.llmplayground.training.TrainingQueries;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The dashboard's other views: a training run's benchmark history across its checkpoints (with regressions flagged),
 * MMLU per subject and category for one or two runs, and a comparison report (Markdown or HTML, charts as SVG).
 */
@Singleton
public class Dashboard {
    private final EvaluationStore store;
    private final EvaluationService evaluation;
    private final TrainingQueries training;

    public Dashboard(EvaluationStore store, EvaluationService evaluation, TrainingQueries training) {
        this.store = store;
        this.evaluation = evaluation;
        this.training = training;
    }

    private List<EvaluationStore.Score> scores(String runId) {
        List<EvaluationStore.Score> s = store.scores(runId);
        return s.isEmpty() && "succeeded".equals(evaluation.run(runId).state()) ? evaluation.summarize(runId) : s;
    }

    // ------------------------------------------------------------------ history across checkpoints

    /** The model id a training run's checkpoint gets when opened (TrainingQueries.openAsModel): run-&lt;8 chars&gt;-&lt;step&gt;. */
    static Pattern checkpointModel(String trainingRunId) {
        return Pattern.compile(Pattern.quote("run-" + trainingRunId.substring(0, Math.min(8, trainingRunId.length())) + "-") + "(\\d+)");
    }

    /**
     * A training run's benchmark scores by checkpoint step (the latest finished evaluation of each checkpoint), its
     * loss curve and validation loss at the checkpoints, and the regressions: a checkpoint whose score is lower than
     * the best earlier checkpoint's by a difference the paired test calls real (p &lt; 0.05 on the same items).
     */
    public Map<String, Object> history(String trainingRunId) {
        var run = training.run(trainingRunId);
        Pattern model = checkpointModel(run.id());
        TreeMap<Integer, EvaluationStore.Run> byStep = new TreeMap<>();
        for (EvaluationStore.Run r : store.list()) { // newest first: keep each step's latest finished run
            Matcher m = model.matcher(r.model());
            if (m.matches() && "succeeded".equals(r.state())) {
                byStep.putIfAbsent(Integer.parseInt(m.group(1)), r);
            }
        }
        Map<String, Map<Integer, Double>> series = new TreeMap<>();
        Map<String, Map<Integer, String>> runOf = new TreeMap<>();
        byStep.forEach((step, r) -> scores(r.id()).forEach(s -> {
            if (!s.task().startsWith("mmlu_") || Leaderboard.MMLU_GROUPS.contains(s.task())) {
                series.computeIfAbsent(s.task() + "/" + s.metric(), k -> new TreeMap<>()).put(step, s.value());
                runOf.computeIfAbsent(s.task() + "/" + s.metric(), k -> new TreeMap<>()).put(step, r.id());
            }
        }));
        List<Map<String, Object>> regressions = new ArrayList<>();
        series.forEach((column, points) -> {
            String task = column.substring(0, column.indexOf('/'));
            String metric = column.substring(column.indexOf('/') + 1);
            if (metric.equals("perplexity") || metric.equals("bits_per_byte")) {
                return; // no paired test for perplexity (and MMLU's groups have none: compare() tests the subjects run)
            }
            Integer bestStep = null;
            for (Map.Entry<Integer, Double> p : points.entrySet()) {
                if (bestStep != null && p.getValue() < points.get(bestStep)) {
                    Map<String, Object> test = pairedTest(runOf.get(column).get(bestStep), runOf.get(column).get(p.getKey()), task, metric);
                    if (test != null && Boolean.TRUE.equals(test.get("significant"))) {
                        Map<String, Object> reg = new LinkedHashMap<>();
                        reg.put("step", p.getKey());
                        reg.put("column", column);
                        reg.put("value", p.getValue());
                        reg.put("best_step", bestStep);
                        reg.put("best_value", points.get(bestStep));
                        reg.put("p_value", test.get("p_value"));
                        reg.put("test", test.get("test"));
                        regressions.add(reg);
                    }
                }
                if (bestStep == null || p.getValue() > points.get(bestStep)) {
                    bestStep = p.getKey();
                }
            }
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("training_run", Map.of("id", run.id(), "name", run.name()));
        out.put("steps", new ArrayList<>(byStep.keySet()));
        out.put("runs", byStep.entrySet().stream().map(e -> Map.of("step", e.getKey(), "run", e.getValue().id(), "model", e.getValue().model())).toList());
        out.put("series", series);
        List<Map<String, Object>> checkpoints = new ArrayList<>();
        for (Checkpoints.Saved s : training.checkpoints(run.id())) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("step", s.step());
            c.put("val_loss", s.valLoss());
            c.put("evaluated", byStep.containsKey(s.step()));
            checkpoints.add(c);
        }
        out.put("checkpoints", checkpoints);
        out.put("loss", training.history(run.id(), 200).steps().stream().map(s -> List.of(s.step(), s.loss())).toList());
        out.put("regressions", regressions);
        return out;
    }

    /** compare()'s test of one task's metric between two runs (null when the runs cannot be paired). */
    private Map<String, Object> pairedTest(String earlier, String later, String task, String metric) {
        try {
            Map<?, ?> tasks = (Map<?, ?>) evaluation.compare(earlier, later).get("tasks");
            if (tasks.get(task) instanceof Map<?, ?> row) {
                Object m = row.get(metric) instanceof Map<?, ?> nested ? nested : row; // hellaswag's acc_norm is nested
                @SuppressWarnings("unchecked") Map<String, Object> t = (Map<String, Object>) m;
                return metric.equals(t.get("metric")) ? t : null;
            }
        } catch (BadInputException e) {
            return null; // different items or versions: no paired test, no flag
        }
        return null;
    }

    /** Evaluates every checkpoint of a training run not yet evaluated on {@code tasks}: opens each as a model and starts its run. */
    public List<EvaluationStore.Run> evaluateCheckpoints(String trainingRunId, List<String> tasks, @Nullable Integer limit) {
        var run = training.run(trainingRunId);
        List<Checkpoints.Saved> saved = training.checkpoints(run.id());
        if (saved.isEmpty()) {
            throw BadInputException.conflict("Training run '" + run.name() + "' has no checkpoints yet.");
        }
        List<EvaluationStore.Run> started = new ArrayList<>();
        for (Checkpoints.Saved s : saved) {
            String model = training.openAsModel(run.id(), s.step()).id();
            started.add(evaluation.start(new EvaluationService.Request(model, tasks, 0, limit, null, null, null, null, null)));
        }
        return started;
    }

    // ------------------------------------------------------------------ MMLU per subject and category

    /** MMLU per subject (57) and per category (4, and the whole) for run a, and beside it run b when given. */
    public Map<String, Object> categories(String a, @Nullable String b) {
        Map<String, EvaluationStore.Score> sa = mmlu(a);
        Map<String, EvaluationStore.Score> sb = b == null || b.isBlank() ? null : mmlu(b);
        if (sa.isEmpty()) {
            throw new BadInputException("Run " + a + " has no MMLU subject: run mmlu_<subject> tasks (GET /api/v1/evaluation/tasks).");
        }
        List<Map<String, Object>> subjects = new ArrayList<>();
        Map<String, String[]> mapping = Benchmarks.mmluSubjects();
        mapping.forEach((subject, nameAndCategory) -> {
            EvaluationStore.Score x = sa.get("mmlu_" + subject);
            EvaluationStore.Score y = sb == null ? null : sb.get("mmlu_" + subject);
            if (x != null || y != null) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("subject", subject);
                row.put("name", nameAndCategory[0]);
                row.put("category", nameAndCategory[1]);
                row.put("n", x != null ? x.n() : y.n());
                row.put("a", x == null ? null : x.value());
                if (sb != null) {
                    row.put("b", y == null ? null : y.value());
                    row.put("difference", x == null || y == null ? null : x.value() - y.value());
                }
                subjects.add(row);
            }
        });
        List<Map<String, Object>> categories = new ArrayList<>();
        for (String group : List.of("mmlu_stem", "mmlu_humanities", "mmlu_social_sciences", "mmlu_other", "mmlu")) {
            EvaluationStore.Score x = sa.get(group);
            EvaluationStore.Score y = sb == null ? null : sb.get(group);
            if (x != null || y != null) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("category", group);
                row.put("n", x != null ? x.n() : y.n());
                row.put("a", x == null ? null : x.value());
                row.put("a_ci95", x == null || x.ciLow() == null ? null : new double[]{x.ciLow(), x.ciHigh()});
                if (sb != null) {
                    row.put("b", y == null ? null : y.value());
                    row.put("b_ci95", y == null || y.ciLow() == null ? null : new double[]{y.ciLow(), y.ciHigh()});
                }
                categories.add(row);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("a", runInfo(a));
        if (sb != null) {
            out.put("b", runInfo(b));
        }
        out.put("subjects", subjects);
        out.put("categories", categories);
        return out;
    }

    private Map<String, Object> runInfo(String id) {
        EvaluationStore.Run r = evaluation.run(id);
        return Map.of("id", r.id(), "model", r.model());
    }

    /** A run's MMLU acc scores by task (subjects and groups). */
    private Map<String, EvaluationStore.Score> mmlu(String run) {
        Map<String, EvaluationStore.Score> out = new LinkedHashMap<>();
        scores(run).stream().filter(s -> s.task().startsWith("mmlu") && s.metric().equals("acc")).forEach(s -> out.put(s.task(), s));
        return out;
    }

    // ------------------------------------------------------------------ report

    /** A comparison report of two runs: "html" (one page, charts inline) or "md" (a zip: report.md and the charts as .svg). */
    public byte[] report(String a, String b, String format) {
        String f = format == null ? "html" : format.strip().toLowerCase(Locale.ROOT);
        if (!f.equals("html") && !f.equals("md")) {
            throw new BadInputException("A report's format is html or md (got '" + format + "').");
        }
        Map<String, Object> cmp = evaluation.compare(a, b);
        Map<?, ?> tasks = (Map<?, ?>) cmp.get("tasks");
        String modelA = (String) ((Map<?, ?>) cmp.get("a")).get("model");
        String modelB = (String) ((Map<?, ?>) cmp.get("b")).get("model");
        List<String> names = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        tasks.forEach((task, r) -> {
            Map<?, ?> row = (Map<?, ?>) r;
            if (row.get("metric") != null) {
                names.add(task + "/" + row.get("metric"));
                values.add(new double[]{((Number) row.get("a")).doubleValue(), ((Number) row.get("b")).doubleValue()});
                rows.add(List.of(String.valueOf(task), String.valueOf(row.get("metric")), SvgCharts.format(((Number) row.get("a")).doubleValue()),
                        SvgCharts.format(((Number) row.get("b")).doubleValue()), String.format(Locale.ROOT, "%+.3f", ((Number) row.get("difference")).doubleValue()),
                        String.format(Locale.ROOT, "%.4g", ((Number) row.get("p_value")).doubleValue()),
                        Boolean.TRUE.equals(row.get("significant")) ? "yes" : "no", String.valueOf(row.get("test"))));
            }
        });
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("A: " + modelA, values.stream().mapToDouble(v -> v[0]).toArray());
        series.put("B: " + modelB, values.stream().mapToDouble(v -> v[1]).toArray());
        double max = Math.max(1, values.stream().flatMapToDouble(java.util.Arrays::stream).max().orElse(1));
        Map<String, String> charts = new LinkedHashMap<>();
        charts.put("scores.svg", SvgCharts.groupedBars("Scores: A vs B", names, series, max));
        List<List<String>> categoryRows = new ArrayList<>();
        try {
            Map<String, Object> cats = categories(a, b);
            List<String> cNames = new ArrayList<>();
            List<double[]> cValues = new ArrayList<>();
            for (Object o : (List<?>) cats.get("categories")) {
                Map<?, ?> row = (Map<?, ?>) o;
                double va = row.get("a") == null ? Double.NaN : ((Number) row.get("a")).doubleValue();
                double vb = row.get("b") == null ? Double.NaN : ((Number) row.get("b")).doubleValue();
                cNames.add(String.valueOf(row.get("category")));
                cValues.add(new double[]{va, vb});
                categoryRows.add(List.of(String.valueOf(row.get("category")), String.valueOf(row.get("n")), SvgCharts.format(va), SvgCharts.format(vb)));
            }
            Map<String, double[]> cSeries = new LinkedHashMap<>();
            cSeries.put("A: " + modelA, cValues.stream().mapToDouble(v -> v[0]).toArray());
            cSeries.put("B: " + modelB, cValues.stream().mapToDouble(v -> v[1]).toArray());
            charts.put("mmlu-categories.svg", SvgCharts.groupedBars("MMLU by category (accuracy)", cNames, cSeries, 1));
        } catch (BadInputException e) {
            // no MMLU in these runs: no category section
        }
        List<String> header = List.of("task", "metric", "A", "B", "A − B", "p-value", "real at 95 %", "test");
        String title = "Evaluation report: " + modelA + " vs " + modelB;
        String intro = String.format("A = %s (run %s, weights %s); B = %s (run %s, weights %s). Same items, same task versions. A difference is "
                        + "real at 95 %% when the paired test's p-value is below 0.05 (McNemar's exact test for right/wrong scores, a seeded "
                        + "paired bootstrap for continuous ones).", modelA, a, shortHash(cmp, "a"), modelB, b, shortHash(cmp, "b"));
        if (f.equals("html")) {
            StringBuilder h = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>").append(html(title))
                    .append("</title><style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}"
                            + "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}</style></head><body><h1>").append(html(title))
                    .append("</h1><p>").append(html(intro)).append("</p>");
            h.append(htmlTable(header, rows)).append(charts.get("scores.svg"));
            if (!categoryRows.isEmpty()) {
                h.append("<h2>MMLU by category</h2>").append(htmlTable(List.of("category", "n", "A", "B"), categoryRows))
                        .append(charts.get("mmlu-categories.svg"));
            }
            return h.append("</body></html>").toString().getBytes(StandardCharsets.UTF_8);
        }
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n").append(intro).append("\n\n");
        md.append(mdTable(header, rows)).append("\n![Scores](scores.svg)\n");
        if (!categoryRows.isEmpty()) {
            md.append("\n## MMLU by category\n\n").append(mdTable(List.of("category", "n", "A", "B"), categoryRows))
                    .append("\n![MMLU by category](mmlu-categories.svg)\n");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("report.md"));
            zip.write(md.toString().getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, String> c : charts.entrySet()) {
                zip.putNextEntry(new ZipEntry(c.getKey()));
                zip.write(c.getValue().getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static String shortHash(Map<String, Object> cmp, String side) {
        String h = String.valueOf(((Map<?, ?>) cmp.get(side)).get("weights_sha256"));
        return h.length() > 12 ? h.substring(0, 12) + "…" : h;
    }

    private static String html(String s) {
        return SvgCharts.escape(s);
    }

    private static String htmlTable(List<String> header, List<List<String>> rows) {
        StringBuilder t = new StringBuilder("<table><tr>");
        header.forEach(h -> t.append("<th>").append(html(h)).append("</th>"));
        t.append("</tr>");
        for (List<String> r : rows) {
            t.append("<tr>");
            r.forEach(c -> t.append("<td>").append(html(c)).append("</td>"));
            t.append("</tr>");
        }
        return t.append("</table>").toString();
    }

    private static String mdTable(List<String> header, List<List<String>> rows) {
        StringBuilder t = new StringBuilder("| ").append(String.join(" | ", header)).append(" |\n|");
        header.forEach(h -> t.append(" --- |"));
        t.append('\n');
        rows.forEach(r -> t.append("| ").append(String.join(" | ", r.stream().map(c -> c.replace("|", "\\|")).toList())).append(" |\n"));
        return t.toString();
    }
}
