package org.llmplayground.evaluation.ui;

import static org.llmplayground.core.ui.Layouts.row;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.StreamResource;
import io.micronaut.context.annotation.Prototype;
import org.llmplayground.app.ui.MainLayout;
import org.llmplayground.core.BackgroundExecutor;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.chart.Chart;
import org.llmplayground.core.chart.ChartOptions;
import org.llmplayground.core.ui.Async;
import org.llmplayground.core.ui.Explainer;
import org.llmplayground.evaluation.EvaluationService;
import org.llmplayground.evaluation.EvaluationStore;
import org.llmplayground.evaluation.dashboard.Dashboard;
import org.llmplayground.evaluation.dashboard.Leaderboard;
import org.llmplayground.training.TrainingQueries;
import org.llmplayground.training.TrainingRun;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Evaluation lab, second part: the leaderboard (best per column marked, intervals on hover, families, CSV and
 * JSON), a radar of chosen models over chosen metrics, MMLU by subject and category for two runs, a training run's
 * scores across its checkpoints with regressions flagged, and two runs compared with paired tests and a report.
 */
@Route(value = "evaluation/dashboard", layout = MainLayout.class)
@PageTitle("Evaluation dashboard · LLM Playground")
@Prototype
public class DashboardView extends VerticalLayout {
    static final String EXPLANATION = """
            <p>A <b>leaderboard</b> puts every model (each checkpoint is its own row: its weights differ) against every task.
            The star marks the best of a column, but look at the interval when you hover: two scores whose 95 % intervals
            overlap widely are not shown to differ. Only a <b>paired test</b> on the same items says so: McNemar's exact test
            counts the questions one model gets right and the other wrong (b and c); if the models were equal, b would follow
            Binomial(b + c, ½). With b = 10, c = 2, p = 0.039: real at 95 %. Continuous scores use a paired bootstrap.</p>
            <p>A <b>radar</b> shows a model's shape: each axis is a metric scaled so the best model shown reaches the rim
            (lower-is-better metrics such as perplexity are inverted); the tooltip keeps the raw values.</p>
            <p>The <b>history</b> of a training run plots each checkpoint's scores against its step, next to the loss: the
            benchmark should rise as the loss falls. A checkpoint significantly worse than the best before it is a
            <b>regression</b> (overfitting, a learning rate too high, a bad data shard).</p>
            <p>Try: evaluate two models on a few MMLU subjects (limit 20), open the radar, then the categories side by
            side: where does the difference come from?</p>
            """;
    private final Leaderboard leaderboard;
    private final Dashboard dashboard;
    private final EvaluationService evaluation;
    private final TrainingQueries training;
    private final BackgroundExecutor executor;

    private final Select<String> family = new Select<>();
    private final Grid<Leaderboard.Row> board = new Grid<>();
    private final Span boardInfo = new Span();
    private final HorizontalLayout boardDownloads = new HorizontalLayout();
    private final MultiSelectComboBox<String> radarModels = new MultiSelectComboBox<>("Models");
    private final MultiSelectComboBox<String> radarMetrics = new MultiSelectComboBox<>("Metrics");
    private final Chart radar = new Chart();
    private Leaderboard.Board current;

    private final Select<EvaluationStore.Run> catA = new Select<>();
    private final Select<EvaluationStore.Run> catB = new Select<>();
    private final Grid<Map<String, Object>> catGrid = new Grid<>();
    private final Chart catChart = new Chart();
    private final Span catError = new Span();

    private final Select<TrainingRun> trainingRun = new Select<>();
    private final MultiSelectComboBox<String> historyTasks = new MultiSelectComboBox<>("Tasks");
    private final IntegerField historyLimit = new IntegerField("Limit");
    private final Chart historyChart = new Chart();
    private final Span historyInfo = new Span();

    private final Select<EvaluationStore.Run> cmpA = new Select<>();
    private final Select<EvaluationStore.Run> cmpB = new Select<>();
    private final Grid<Map<String, Object>> cmpGrid = new Grid<>();
    private final HorizontalLayout reports = new HorizontalLayout();
    private final Span cmpError = new Span();

    public DashboardView(Leaderboard leaderboard, Dashboard dashboard, EvaluationService evaluation, TrainingQueries training,
                         BackgroundExecutor executor) {
        this.leaderboard = leaderboard;
        this.dashboard = dashboard;
        this.evaluation = evaluation;
        this.training = training;
        this.executor = executor;
        setWidthFull();
        TabSheet tabs = new TabSheet();
        tabs.setWidthFull();
        tabs.add("Leaderboard", leaderboardTab());
        org.llmplayground.core.ui.Layouts.lazyTab(tabs, "MMLU by category", this::categoriesTab);
        org.llmplayground.core.ui.Layouts.lazyTab(tabs, "History", this::historyTab);
        org.llmplayground.core.ui.Layouts.lazyTab(tabs, "Compare", this::compareTab);
        HorizontalLayout links = new HorizontalLayout(new RouterLink("← Run benchmarks", EvaluationView.class),
                new RouterLink("Human evaluation and LLM-as-judge →", HumanEvaluationView.class));
        add(new H1("8. Evaluation: dashboard"), links, new Explainer("Reading scores: leaderboards, intervals, paired tests", EXPLANATION), tabs);
        refreshBoard();
    }

    private static Span error(String id) {
        Span s = new Span();
        s.setId(id);
        s.addClassName("pg-error");
        return s;
    }

    // ================================================================== leaderboard and radar

    private Component leaderboardTab() {
        family.setId("dash-family");
        family.setLabel("Task family");
        family.setItems(Leaderboard.FAMILIES);
        family.setValue("all");
        family.addValueChangeListener(e -> refreshBoard());
        Button refresh = new Button("Refresh", e -> refreshBoard());
        refresh.setId("dash-refresh");
        board.setId("dash-leaderboard");
        board.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_COLUMN_BORDERS);
        board.setHeight("420px"); // rows drawn as they scroll into view: 60 models load as fast as 6
        boardInfo.setId("dash-board-info");
        boardDownloads.setId("dash-downloads");
        radarModels.setId("dash-radar-models");
        radarModels.setWidth("24em");
        radarMetrics.setId("dash-radar-metrics");
        radarMetrics.setWidth("28em");
        Button draw = new Button("Draw radar", e -> drawRadar());
        draw.setId("dash-radar-draw");
        radar.setId("dash-radar");
        radar.setHeight("380px");
        VerticalLayout tab = new VerticalLayout(row(family, refresh, boardDownloads), boardInfo, board, new H3("Radar"),
                row(radarModels, radarMetrics, draw), radar);
        tab.setPadding(false);
        return tab;
    }

    private void refreshBoard() {
        try {
            current = leaderboard.board(family.getValue(), null, null);
        } catch (BadInputException e) {
            boardInfo.setText(e.getMessage());
            return;
        }
        board.removeAllColumns();
        board.addColumn(r -> r.model() + (r.weightsSha256() == null ? "" : " · " + r.weightsSha256().substring(0, Math.min(8, r.weightsSha256().length()))))
                .setHeader("Model · weights").setFrozen(true).setAutoWidth(true).setSortable(true).setComparator(Leaderboard.Row::model);
        for (Leaderboard.Column c : current.columns()) {
            Comparator<Leaderboard.Row> byValue = Comparator.comparing(r -> r.scores().containsKey(c.name()) ? r.scores().get(c.name()).value() : null,
                    Comparator.nullsFirst(Comparator.naturalOrder()));
            board.addColumn(r -> cellText(r, c)).setHeader(c.name() + (c.higherIsBetter() ? " ↑" : " ↓")).setKey(c.name())
                    .setWidth(Math.max(7, c.name().length() * 0.62 + 3) + "em").setFlexGrow(0)
                    .setSortable(true).setComparator(byValue).setTooltipGenerator(r -> tooltip(r, c));
        }
        board.setItems(current.rows());
        boardInfo.setText(String.format("%d models · %d columns · loaded in %.0f ms. ★ best of a column (↑ higher is better, ↓ lower); "
                + "hover a score for its interval; click a header to sort.", current.rows().size(), current.columns().size(), current.millis()));
        boardDownloads.removeAll();
        String fam = current.family();
        boardDownloads.add(download("CSV", "leaderboard-" + fam + ".csv", () -> Leaderboard.csv(leaderboard.board(fam, null, null))),
                download("JSON", "leaderboard-" + fam + ".json", () -> json(Leaderboard.json(leaderboard.board(fam, null, null)))));
        List<String> models = current.rows().stream().map(Leaderboard.Row::key).toList();
        radarModels.setItems(models);
        radarModels.setItemLabelGenerator(k -> k.endsWith("@") ? k.substring(0, k.length() - 1) : k.substring(0, k.indexOf('@')) + " · "
                + k.substring(k.indexOf('@') + 1, Math.min(k.length(), k.indexOf('@') + 9)));
        radarModels.setValue(new java.util.LinkedHashSet<>(models.subList(0, Math.min(4, models.size()))));
        List<String> metrics = current.columns().stream().map(Leaderboard.Column::name).toList();
        radarMetrics.setItems(metrics);
        radarMetrics.setValue(new java.util.LinkedHashSet<>(metrics.subList(0, Math.min(6, metrics.size()))));
    }

    static String cellText(Leaderboard.Row r, Leaderboard.Column c) {
        Leaderboard.Cell cell = r.scores().get(c.name());
        if (cell == null) {
            return "";
        }
        return (r.best().contains(c.name()) ? "★ " : "") + fmt(cell.value());
    }

    static String tooltip(Leaderboard.Row r, Leaderboard.Column c) {
        Leaderboard.Cell cell = r.scores().get(c.name());
        if (cell == null) {
            return "not evaluated";
        }
        return c.name() + " = " + fmt(cell.value()) + (cell.stderr() == null ? "" : " ± " + fmt(cell.stderr()) + " (stderr)")
                + (cell.ci95() == null ? "" : ", 95 % interval [" + fmt(cell.ci95()[0]) + ", " + fmt(cell.ci95()[1]) + "]") + ", n = " + cell.n()
                + (cell.run() == null ? " (human judgments)" : ", run " + cell.run().substring(0, 8));
    }

    static String fmt(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.3f", v);
    }

    private Anchor download(String label, String file, java.util.function.Supplier<String> content) {
        Anchor a = new Anchor(new StreamResource(file, () -> new ByteArrayInputStream(content.get().getBytes(StandardCharsets.UTF_8))), label);
        a.getElement().setAttribute("download", true);
        a.setId("dash-download-" + label.toLowerCase(Locale.ROOT));
        return a;
    }

    private static String json(Object value) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The radar: per metric, each model's value divided by the best shown (higher-is-better) or the best divided by it
     * (lower-is-better), so the best reaches 1; a model without the metric sits at 0.
     */
    void drawRadar() {
        if (current == null || radarModels.getValue().isEmpty() || radarMetrics.getValue().size() < 3) {
            boardInfo.setText("Choose at least one model and three metrics for a radar.");
            return;
        }
        List<String> axes = current.columns().stream().map(Leaderboard.Column::name).filter(radarMetrics.getValue()::contains).toList();
        Map<String, double[]> normalised = new LinkedHashMap<>();
        Map<String, List<String>> raw = new LinkedHashMap<>();
        List<Leaderboard.Row> rows = current.rows().stream().filter(r -> radarModels.getValue().contains(r.key())).toList();
        for (Leaderboard.Row r : rows) {
            double[] v = new double[axes.size()];
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < axes.size(); i++) {
                String axis = axes.get(i);
                Leaderboard.Column c = current.columns().stream().filter(x -> x.name().equals(axis)).findFirst().orElseThrow();
                Leaderboard.Cell cell = r.scores().get(axis);
                double best = rows.stream().filter(x -> x.scores().containsKey(axis)).mapToDouble(x -> x.scores().get(axis).value())
                        .reduce(c.higherIsBetter() ? Double::max : Double::min).orElse(0);
                v[i] = cell == null || best == 0 ? 0 : c.higherIsBetter() ? cell.value() / best : best / cell.value();
                lines.add(axis + ": " + (cell == null ? "—" : fmt(cell.value())));
            }
            String name = r.model() + (r.weightsSha256() == null ? "" : " · " + r.weightsSha256().substring(0, Math.min(8, r.weightsSha256().length())));
            normalised.put(name, v);
            raw.put(name, lines);
        }
        radar.setOption(ChartOptions.radar(axes, normalised, raw));
    }

    // ================================================================== MMLU categories

    private List<EvaluationStore.Run> finishedRuns() {
        return evaluation.runs().stream().filter(r -> "succeeded".equals(r.state())).toList();
    }

    static String runLabel(EvaluationStore.Run r) {
        return r.model() + " · " + (r.tasks().size() <= 2 ? String.join(", ", r.tasks()) : r.tasks().size() + " tasks") + " · "
                + r.id().substring(0, 8);
    }

    private Component categoriesTab() {
        List<EvaluationStore.Run> mmlu = finishedRuns().stream().filter(r -> r.tasks().stream().anyMatch(t -> t.startsWith("mmlu_"))).toList();
        for (Select<EvaluationStore.Run> s : List.of(catA, catB)) {
            s.setItems(mmlu);
            s.setItemLabelGenerator(r -> r == null ? "none" : runLabel(r));
            s.setWidth("28em");
        }
        catA.setId("dash-cat-a");
        catA.setLabel("Run A");
        catB.setId("dash-cat-b");
        catB.setLabel("Run B (optional)");
        catB.setEmptySelectionAllowed(true);
        catB.setEmptySelectionCaption("none");
        if (!mmlu.isEmpty()) {
            catA.setValue(mmlu.get(0));
        }
        if (mmlu.size() > 1) {
            catB.setValue(mmlu.get(1));
        }
        Button show = new Button("Show", e -> showCategories());
        show.setId("dash-cat-show");
        show.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        catError.setId("dash-cat-error");
        catError.addClassName("pg-error");
        catGrid.setId("dash-cat-grid");
        catGrid.addThemeVariants(GridVariant.LUMO_COMPACT);
        catGrid.addColumn(r -> r.get("name")).setHeader("Subject").setSortable(true).setComparator(r -> (String) r.get("name")).setFlexGrow(2);
        catGrid.addColumn(r -> r.get("category")).setHeader("Category").setSortable(true).setComparator(r -> (String) r.get("category"));
        catGrid.addColumn(r -> r.get("n")).setHeader("Items");
        for (String k : List.of("a", "b", "difference")) {
            catGrid.addColumn(r -> r.get(k) == null ? "" : fmt(((Number) r.get(k)).doubleValue())).setHeader(k.equals("difference") ? "A − B" : k.toUpperCase())
                    .setSortable(true).setComparator(r -> r.get(k) == null ? Double.NEGATIVE_INFINITY : ((Number) r.get(k)).doubleValue());
        }
        catGrid.setAllRowsVisible(true);
        catChart.setId("dash-cat-chart");
        VerticalLayout tab = new VerticalLayout(row(catA, catB, show), catError, catChart, catGrid);
        tab.setPadding(false);
        return tab;
    }

    void showCategories() {
        catError.setText("");
        if (catA.getValue() == null) {
            catError.setText("Run MMLU subjects first (Evaluation lab), then choose the run.");
            return;
        }
        try {
            Map<String, Object> c = dashboard.categories(catA.getValue().id(), catB.getValue() == null ? null : catB.getValue().id());
            @SuppressWarnings("unchecked") List<Map<String, Object>> subjects = (List<Map<String, Object>>) c.get("subjects");
            @SuppressWarnings("unchecked") List<Map<String, Object>> cats = (List<Map<String, Object>>) c.get("categories");
            catGrid.setItems(subjects);
            Map<String, List<? extends Number>> series = new LinkedHashMap<>();
            series.put("A: " + catA.getValue().model(), cats.stream().map(r -> r.get("a") == null ? 0.0 : ((Number) r.get("a")).doubleValue()).toList());
            if (catB.getValue() != null) {
                series.put("B: " + catB.getValue().model(), cats.stream().map(r -> r.get("b") == null ? 0.0 : ((Number) r.get("b")).doubleValue()).toList());
            }
            catChart.setOption(ChartOptions.groupedBars("Category", "Accuracy", cats.stream().map(r -> String.valueOf(r.get("category"))).toList(), series));
        } catch (BadInputException e) {
            catError.setText(e.getMessage());
        }
    }

    // ================================================================== history

    private Component historyTab() {
        trainingRun.setId("dash-history-run");
        trainingRun.setLabel("Training run");
        trainingRun.setItems(training.runs());
        trainingRun.setItemLabelGenerator(r -> r.name() + " · " + r.id().substring(0, 8));
        trainingRun.setWidth("24em");
        historyTasks.setId("dash-history-tasks");
        historyTasks.setItems(evaluation.tasks());
        historyTasks.setWidth("24em");
        historyLimit.setId("dash-history-limit");
        historyLimit.setValue(20);
        historyLimit.setMin(1);
        Button evaluate = new Button("Evaluate every checkpoint", e -> evaluateCheckpoints());
        evaluate.setId("dash-history-evaluate");
        Button show = new Button("Show history", e -> showHistory());
        show.setId("dash-history-show");
        show.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        historyInfo.setId("dash-history-info");
        historyInfo.getStyle().set("white-space", "pre-wrap");
        historyChart.setId("dash-history-chart");
        historyChart.setHeight("360px");
        VerticalLayout tab = new VerticalLayout(row(trainingRun, historyTasks, historyLimit, evaluate, show), historyInfo, historyChart);
        tab.setPadding(false);
        return tab;
    }

    private void evaluateCheckpoints() {
        if (trainingRun.getValue() == null) {
            historyInfo.setText("Choose a training run.");
            return;
        }
        String id = trainingRun.getValue().id();
        List<String> tasks = new ArrayList<>(historyTasks.getValue());
        Integer limit = historyLimit.getValue();
        historyInfo.setText("Opening the checkpoints and starting their runs…");
        Async.run(this, executor, () -> dashboard.evaluateCheckpoints(id, tasks, limit), runs -> historyInfo.setText(runs.size()
                + " evaluation runs started (one per checkpoint); press Show history when they have finished."), historyInfo::setText);
    }

    @SuppressWarnings("unchecked")
    void showHistory() {
        if (trainingRun.getValue() == null) {
            historyInfo.setText("Choose a training run.");
            return;
        }
        try {
            Map<String, Object> h = dashboard.history(trainingRun.getValue().id());
            Map<String, Map<Integer, Double>> series = (Map<String, Map<Integer, Double>>) h.get("series");
            List<Object> chartSeries = new ArrayList<>();
            series.forEach((name, points) -> chartSeries.add(Map.of("type", "line", "name", name, "yAxisIndex", 0, "showSymbol", true,
                    "data", points.entrySet().stream().map(p -> List.of(p.getKey(), p.getValue())).toList())));
            chartSeries.add(Map.of("type", "line", "name", "training loss", "yAxisIndex", 1, "showSymbol", false, "lineStyle", Map.of("type", "dashed"),
                    "data", h.get("loss")));
            Map<String, Object> option = new LinkedHashMap<>();
            option.put("tooltip", Map.of("trigger", "axis"));
            option.put("legend", Map.of("top", 0, "type", "scroll"));
            option.put("grid", Map.of("left", 16, "right", 24, "top", 56, "bottom", 36, "containLabel", true));
            option.put("xAxis", Map.of("type", "value", "name", "step", "nameLocation", "middle", "nameGap", 24));
            option.put("yAxis", List.of(Map.of("type", "value", "name", "score"), Map.of("type", "value", "name", "loss")));
            option.put("series", chartSeries);
            historyChart.setOption(option);
            List<Map<String, Object>> regressions = (List<Map<String, Object>>) h.get("regressions");
            historyInfo.setText(((List<?>) h.get("steps")).isEmpty() ? "No checkpoint of this run is evaluated yet: choose tasks and press "
                    + "Evaluate every checkpoint." : regressions.isEmpty() ? "Checkpoints evaluated at steps " + h.get("steps") + ". No regression: no "
                    + "checkpoint is significantly worse than the best before it." : "Regressions:\n" + String.join("\n", regressions.stream()
                    .map(r -> String.format(Locale.ROOT, "⚠ step %s: %s = %s, below step %s's %s (p = %.3g, %s)", r.get("step"), r.get("column"),
                            fmt(((Number) r.get("value")).doubleValue()), r.get("best_step"), fmt(((Number) r.get("best_value")).doubleValue()),
                            ((Number) r.get("p_value")).doubleValue(), r.get("test"))).toList()));
        } catch (BadInputException e) {
            historyInfo.setText(e.getMessage());
        }
    }

    // ================================================================== compare

    private Component compareTab() {
        List<EvaluationStore.Run> runs = finishedRuns();
        for (Select<EvaluationStore.Run> s : List.of(cmpA, cmpB)) {
            s.setItems(runs);
            s.setItemLabelGenerator(DashboardView::runLabel);
            s.setWidth("28em");
        }
        cmpA.setId("dash-cmp-a");
        cmpA.setLabel("Run A");
        cmpB.setId("dash-cmp-b");
        cmpB.setLabel("Run B");
        if (runs.size() > 1) {
            cmpA.setValue(runs.get(0));
            cmpB.setValue(runs.get(1));
        }
        Button compare = new Button("Compare", e -> compare());
        compare.setId("dash-cmp-go");
        compare.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        cmpError.setId("dash-cmp-error");
        cmpError.addClassName("pg-error");
        cmpGrid.setId("dash-cmp-grid");
        cmpGrid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        cmpGrid.addColumn(r -> r.get("task")).setHeader("Task").setFlexGrow(2);
        cmpGrid.addColumn(r -> r.get("metric")).setHeader("Metric");
        cmpGrid.addColumn(r -> num(r.get("a"))).setHeader("A");
        cmpGrid.addColumn(r -> num(r.get("b"))).setHeader("B");
        cmpGrid.addColumn(r -> r.get("difference") == null ? "" : String.format(Locale.ROOT, "%+.3f", ((Number) r.get("difference")).doubleValue()))
                .setHeader("A − B");
        cmpGrid.addColumn(r -> r.get("p_value") == null ? "" : String.format(Locale.ROOT, "%.3g", ((Number) r.get("p_value")).doubleValue())).setHeader("p");
        cmpGrid.addColumn(r -> r.get("significant") == null ? String.valueOf(r.getOrDefault("note", "")) : Boolean.TRUE.equals(r.get("significant"))
                ? "real at 95 %" : "not shown").setHeader("Difference").setFlexGrow(2);
        cmpGrid.setAllRowsVisible(true);
        reports.setId("dash-reports");
        VerticalLayout tab = new VerticalLayout(row(cmpA, cmpB, compare), cmpError, cmpGrid, reports);
        tab.setPadding(false);
        return tab;
    }

    private static String num(Object v) {
        return v instanceof Number n ? fmt(n.doubleValue()) : "";
    }

    @SuppressWarnings("unchecked")
    void compare() {
        cmpError.setText("");
        reports.removeAll();
        if (cmpA.getValue() == null || cmpB.getValue() == null) {
            cmpError.setText("Choose two finished runs.");
            return;
        }
        String a = cmpA.getValue().id();
        String b = cmpB.getValue().id();
        try {
            Map<String, Object> c = evaluation.compare(a, b);
            List<Map<String, Object>> rows = new ArrayList<>();
            ((Map<String, Object>) c.get("tasks")).forEach((task, r) -> {
                Map<String, Object> row = new LinkedHashMap<>((Map<String, Object>) r);
                row.put("task", task);
                rows.add(row);
            });
            cmpGrid.setItems(rows);
            Anchor html = new Anchor(new StreamResource("evaluation-report.html", () -> new ByteArrayInputStream(dashboard.report(a, b, "html"))),
                    "Report (HTML)");
            html.setId("dash-report-html");
            html.getElement().setAttribute("download", true);
            Anchor md = new Anchor(new StreamResource("evaluation-report.zip", () -> new ByteArrayInputStream(dashboard.report(a, b, "md"))),
                    "Report (Markdown + SVG charts, .zip)");
            md.setId("dash-report-md");
            md.getElement().setAttribute("download", true);
            reports.add(html, md);
        } catch (BadInputException e) {
            cmpError.setText(e.getMessage());
        }
    }
}
