package org.llmplayground.evaluation.dashboard;

import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.evaluation.EvaluationService;
import org.llmplayground.evaluation.EvaluationStore;
import org.llmplayground.evaluation.human.HumanEvaluation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The leaderboard: one row per model and weights (a checkpoint is its own row: its weights differ), one column per
 * task and metric ("mmlu/acc", "hellaswag/acc_norm", "human/win_rate"), each cell the latest finished run's score with
 * its standard error and 95 % interval, the best of each column marked (highest, or lowest for perplexity and bits
 * per byte). It reads the scores a run stored when it finished (one query for every run), so 60 runs with the whole
 * of MMLU load in milliseconds (docs/benchmarks.md); human judgments add their own columns (win rate, mean rating).
 */
@Singleton
public class Leaderboard {
    /** Task families a leaderboard can be narrowed to. */
    public static final List<String> FAMILIES = List.of("all", "mmlu", "hellaswag", "truthfulqa", "humaneval", "custom", "human");
    /** MMLU's group and category columns: shown in "all"; the 57 subjects only in "mmlu". */
    static final Set<String> MMLU_GROUPS = Set.of("mmlu", "mmlu_stem", "mmlu_humanities", "mmlu_social_sciences", "mmlu_other");
    private static final Set<String> LOWER_IS_BETTER = Set.of("perplexity", "bits_per_byte");

    private final EvaluationStore store;
    private final EvaluationService evaluation;
    private final HumanEvaluation human;

    public Leaderboard(EvaluationStore store, EvaluationService evaluation, HumanEvaluation human) {
        this.store = store;
        this.evaluation = evaluation;
        this.human = human;
    }

    /** A column: task/metric, its family, which way is better, the row holding the best value. */
    public record Column(String name, String task, String metric, String family, boolean higherIsBetter, @Nullable String best) {
    }

    /** A cell: the score, lm-eval's standard error, the 95 % interval, the items, the run it came from (null: human). */
    public record Cell(double value, @Nullable Double stderr, @Nullable double[] ci95, int n, @Nullable String run) {
    }

    /** A row: a model at given weights (null for a model only people judged) with its runs and cells. */
    public record Row(String key, String model, @Nullable String weightsSha256, List<String> runs, Map<String, Cell> scores, List<String> best) {
    }

    public record Board(List<Column> columns, List<Row> rows, String family, double millis) {
    }

    public static String family(String task) {
        if (task.startsWith("mmlu")) {
            return "mmlu";
        }
        if (task.startsWith("truthfulqa")) {
            return "truthfulqa";
        }
        if (task.equals("hellaswag") || task.equals("humaneval") || task.equals("human")) {
            return task;
        }
        return "custom";
    }

    /** The leaderboard of {@code family} (null or "all": every family, MMLU as its group and categories), sorted by {@code sort}. */
    public Board board(@Nullable String family, @Nullable String sort, @Nullable String order) {
        long started = System.nanoTime();
        String fam = family == null || family.isBlank() ? "all" : family.strip().toLowerCase(Locale.ROOT);
        if (!FAMILIES.contains(fam)) {
            throw new BadInputException("family is one of " + String.join(", ", FAMILIES) + " (got '" + family + "').");
        }
        Map<String, List<EvaluationStore.Score>> byRun = new LinkedHashMap<>();
        store.scores().forEach(s -> byRun.computeIfAbsent(s.runId(), k -> new ArrayList<>()).add(s));
        Map<String, Row> rows = new LinkedHashMap<>();
        Map<String, Column> columns = new java.util.TreeMap<>();
        for (EvaluationStore.Run r : store.list()) { // newest first: the first score a row gets for a column is the latest
            if (!"succeeded".equals(r.state())) {
                continue;
            }
            List<EvaluationStore.Score> scores = byRun.get(r.id());
            if (scores == null) {
                scores = evaluation.summarize(r.id()); // a run from before scores were stored: once
            }
            String key = r.model() + "@" + (r.weightsHash() == null ? "" : r.weightsHash());
            Row row = rows.computeIfAbsent(key, k -> new Row(k, r.model(), r.weightsHash(), new ArrayList<>(), new LinkedHashMap<>(), new ArrayList<>()));
            boolean used = false;
            for (EvaluationStore.Score s : scores) {
                if (!shown(fam, s.task())) {
                    continue;
                }
                String name = s.task() + "/" + s.metric();
                columns.computeIfAbsent(name, n -> new Column(n, s.task(), s.metric(), family(s.task()), !LOWER_IS_BETTER.contains(s.metric()), null));
                if (!row.scores().containsKey(name)) {
                    row.scores().put(name, new Cell(s.value(), s.stderr(), s.ciLow() == null ? null : new double[]{s.ciLow(), s.ciHigh()}, s.n(), r.id()));
                    used = true;
                }
            }
            if (used) {
                row.runs().add(r.id());
            }
        }
        if (fam.equals("all") || fam.equals("human")) {
            for (HumanEvaluation.Score s : human.allScores()) {
                String name = "human/" + s.measure();
                columns.computeIfAbsent(name, n -> new Column(n, "human", s.measure(), "human", true, null));
                Row row = rows.values().stream().filter(r -> r.model().equals(s.model())).findFirst().orElseGet(() -> {
                    Row added = new Row(s.model() + "@", s.model(), null, new ArrayList<>(), new LinkedHashMap<>(), new ArrayList<>());
                    rows.put(added.key(), added);
                    return added;
                });
                row.scores().put(name, new Cell(s.value(), null, s.ci95(), s.n(), null));
            }
        }
        List<Row> list = new ArrayList<>(rows.values().stream().filter(r -> !r.scores().isEmpty()).toList());
        List<Column> marked = new ArrayList<>();
        for (Column c : columns.values()) {
            Comparator<Row> better = Comparator.comparingDouble(r -> r.scores().get(c.name()).value());
            Row best = list.stream().filter(r -> r.scores().containsKey(c.name())).max(c.higherIsBetter() ? better : better.reversed()).orElse(null);
            if (best != null) {
                double v = best.scores().get(c.name()).value();
                list.stream().filter(r -> r.scores().containsKey(c.name()) && r.scores().get(c.name()).value() == v).forEach(r -> r.best().add(c.name()));
            }
            marked.add(new Column(c.name(), c.task(), c.metric(), c.family(), c.higherIsBetter(), best == null ? null : best.key()));
        }
        if (sort != null && !sort.isBlank()) {
            Column c = marked.stream().filter(x -> x.name().equals(sort.strip())).findFirst().orElseThrow(() -> new BadInputException(
                    "No column '" + sort + "' in the " + fam + " leaderboard; its columns: " + String.join(", ", columns.keySet()) + "."));
            boolean descending = order == null || order.isBlank() ? c.higherIsBetter() : switch (order.strip().toLowerCase(Locale.ROOT)) {
                case "desc" -> true;
                case "asc" -> false;
                default -> throw new BadInputException("order is asc or desc (got '" + order + "').");
            };
            Comparator<Row> byValue = Comparator.comparingDouble(r -> r.scores().get(c.name()).value());
            List<Row> with = new ArrayList<>(list.stream().filter(r -> r.scores().containsKey(c.name())).sorted(descending ? byValue.reversed() : byValue).toList());
            list.stream().filter(r -> !r.scores().containsKey(c.name())).forEach(with::add); // no score: last
            list = with;
        }
        return new Board(marked, list, fam, (System.nanoTime() - started) / 1e6);
    }

    private static boolean shown(String fam, String task) {
        String f = family(task);
        if (fam.equals("all")) {
            return !f.equals("mmlu") || MMLU_GROUPS.contains(task);
        }
        return f.equals(fam);
    }

    /** The board as JSON-ready maps (cells with their intervals; the best of each column named). */
    public static Map<String, Object> json(Board b) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("family", b.family());
        out.put("columns", b.columns().stream().map(c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("task", c.task());
            m.put("metric", c.metric());
            m.put("family", c.family());
            m.put("higher_is_better", c.higherIsBetter());
            m.put("best", c.best());
            return m;
        }).toList());
        out.put("rows", b.rows().stream().map(r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", r.model());
            m.put("weights_sha256", r.weightsSha256());
            m.put("runs", r.runs());
            Map<String, Object> cells = new LinkedHashMap<>();
            r.scores().forEach((k, c) -> {
                Map<String, Object> cell = new LinkedHashMap<>();
                cell.put("value", c.value());
                cell.put("stderr", c.stderr());
                cell.put("ci95", c.ci95());
                cell.put("n", c.n());
                cell.put("run", c.run());
                cells.put(k, cell);
            });
            m.put("scores", cells);
            m.put("best", r.best());
            return m;
        }).toList());
        out.put("millis", b.millis());
        return out;
    }

    /**
     * The board as CSV: model, weights_sha256, then per column its value and 95 % interval ("col", "col ci95_low",
     * "col ci95_high"); an empty cell where a model has no score. RFC 4180 quoting.
     */
    public static String csv(Board b) {
        StringBuilder out = new StringBuilder("model,weights_sha256");
        for (Column c : b.columns()) {
            out.append(',').append(EvaluationService.csvField(c.name())).append(',').append(EvaluationService.csvField(c.name() + " ci95_low")).append(',').append(EvaluationService.csvField(c.name() + " ci95_high"));
        }
        out.append('\n');
        for (Row r : b.rows()) {
            out.append(EvaluationService.csvField(r.model())).append(',').append(r.weightsSha256() == null ? "" : r.weightsSha256());
            for (Column c : b.columns()) {
                Cell cell = r.scores().get(c.name());
                out.append(',').append(cell == null ? "" : String.valueOf(cell.value()));
                out.append(',').append(cell == null || cell.ci95() == null ? "" : String.valueOf(cell.ci95()[0]));
                out.append(',').append(cell == null || cell.ci95() == null ? "" : String.valueOf(cell.ci95()[1]));
            }
            out.append('\n');
        }
        return out.toString();
    }
}
