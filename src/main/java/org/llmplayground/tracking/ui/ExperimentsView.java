package org.llmplayground.tracking.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.micronaut.context.annotation.Prototype;
import org.llmplayground.app.ui.MainLayout;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.chart.Chart;
import org.llmplayground.core.chart.ChartOptions;
import org.llmplayground.core.ui.Explainer;
import org.llmplayground.tracking.Runs;
import org.llmplayground.tracking.Smoothing;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.llmplayground.core.ui.Layouts.row;

/**
 * The Experiments page: every run of every lab in one table (filter by lab, state, tag, search), one run's record
 * with its charts updating live while it runs, several runs compared (overlaid curves of any metric by step or by
 * time, smoothing, log scale, the config diff, summaries side by side), tags and notes, "run again", CSV export.
 */
@Route(value = "experiments", layout = MainLayout.class)
@PageTitle("Experiments · LLM Playground")
@Prototype
public class ExperimentsView extends VerticalLayout implements com.vaadin.flow.router.BeforeEnterObserver {
    static final String EXPLANATION = """
            <p>Every job of every lab is a <b>run</b>, recorded without any logging code in the labs: the resolved
            config (every default filled in), the seed, the data's hash, the code version (git commit), the
            environment (JVM, DJL and PyTorch, cores, threads), its metrics step by step, CPU and memory every 2 s, and
            what it produced (checkpoints, evaluation results, tokenizers).</p>
            <p>Why: a number you cannot reproduce is an anecdote. With the record, "run again" repeats a run exactly:
            the same config and seed on CPU give the same loss at every step. Comparing runs then says what a change
            did: the <b>config diff</b> lists only the settings that differ, the <b>overlaid curves</b> show the effect.</p>
            <p>Smoothing is W&amp;B's exponential moving average, s<sub>t</sub> = α·s<sub>t−1</sub> + (1 − α)·x<sub>t</sub>,
            debiased by 1 − α<sup>t</sup>. Try: train two runs that differ only in learning rate, select both, compare
            their loss on a log scale, then press "Run again" on one and check the copy's curve lies exactly on it.</p>
            """;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());
    private final Runs runs;
    private final Select<String> lab = new Select<>();
    private final Select<String> state = new Select<>();
    private final TextField tag = new TextField("Tag");
    private final TextField search = new TextField("Search");
    private final Grid<Runs.Run> grid = new Grid<>();
    private final Span status = new Span();
    private final Select<String> metric = new Select<>();
    private final Select<String> xAxis = new Select<>();
    private final NumberField smoothing = new NumberField("Smoothing (0–0.99)");
    private final Checkbox logScale = new Checkbox("Log scale");
    private final Chart chart = new Chart();
    private final Grid<Runs.ConfigRow> diff = new Grid<>();
    private final Pre record = new Pre();
    private final TextField tags = new TextField("Tags (space separated)");
    private final TextArea notes = new TextArea("Notes");
    private final VerticalLayout detail = new VerticalLayout();
    private List<String> shown = List.of();
    private boolean refreshing;
    private ScheduledExecutorService ticker;
    private ScheduledFuture<?> live;

    private final org.llmplayground.tracking.MlflowExport mlflow;

    public ExperimentsView(Runs runs, org.llmplayground.tracking.MlflowExport mlflow) {
        this.runs = runs;
        this.mlflow = mlflow;
        setWidthFull();
        lab.setId("runs-lab");
        lab.setLabel("Lab");
        List<String> labs = new ArrayList<>(List.of("all"));
        labs.addAll(Runs.labs());
        lab.setItems(labs);
        lab.setValue("all");
        state.setId("runs-state");
        state.setLabel("State");
        state.setItems("all", "queued", "running", "paused", "finished", "succeeded", "failed", "stopped", "cancelled", "interrupted");
        state.setValue("all");
        tag.setId("runs-tag");
        search.setId("runs-search");
        for (var f : List.of(tag, search)) {
            f.setValueChangeMode(ValueChangeMode.LAZY);
            f.addValueChangeListener(e -> refresh());
        }
        lab.addValueChangeListener(e -> refresh());
        state.addValueChangeListener(e -> refresh());

        grid.setId("runs-grid");
        grid.setSelectionMode(Grid.SelectionMode.MULTI);
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.addColumn(Runs.Run::name).setHeader("Run").setFlexGrow(3).setSortable(true);
        grid.addColumn(Runs.Run::lab).setHeader("Lab").setSortable(true);
        grid.addColumn(Runs.Run::state).setHeader("State").setSortable(true);
        grid.addColumn(r -> TIME.format(r.createdAt())).setHeader("Created").setSortable(true);
        grid.addColumn(r -> r.durationSeconds() == null ? "" : String.format(Locale.ROOT, "%.1f s", r.durationSeconds())).setHeader("Duration");
        grid.addColumn(r -> String.join(" ", r.tags())).setHeader("Tags");
        grid.addColumn(r -> summary(r.summary())).setHeader("Summary").setFlexGrow(3);
        grid.setHeight("22em");
        grid.addSelectionListener(e -> selectionChanged());

        Button compare = new Button("Compare selected", e -> compare());
        compare.setId("runs-compare");
        compare.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Button again = new Button("Run again", e -> reproduce());
        again.setId("runs-again");
        Button toMlflow = new Button("Export to MLflow", e -> exportToMlflow());
        toMlflow.setId("runs-mlflow");
        toMlflow.setTooltipText(mlflow.enabled() ? "Send the selected run's record to the MLflow server of MLFLOW_TRACKING_URI"
                : "Set MLFLOW_TRACKING_URI to export runs to an MLflow server");
        Anchor csv = new Anchor("/api/v1/runs?format=csv", "Export CSV");
        csv.setId("runs-csv");
        csv.getElement().setAttribute("download", true);
        Anchor json = new Anchor("/api/v1/runs", "JSON");
        json.getElement().setAttribute("target", "_blank");
        status.setId("runs-status");
        status.getStyle().set("white-space", "pre-wrap");

        metric.setId("runs-metric");
        metric.setLabel("Metric");
        metric.addValueChangeListener(e -> draw());
        xAxis.setId("runs-x");
        xAxis.setLabel("x");
        xAxis.setItems("step", "time (s)");
        xAxis.setValue("step");
        xAxis.addValueChangeListener(e -> draw());
        smoothing.setId("runs-smoothing");
        smoothing.setMin(0);
        smoothing.setMax(0.99);
        smoothing.setStep(0.1);
        smoothing.setValue(0.0);
        smoothing.addValueChangeListener(e -> draw());
        logScale.setId("runs-log");
        logScale.addValueChangeListener(e -> draw());
        chart.setId("runs-chart");
        chart.setWidthFull();
        chart.setHeight("320px");
        diff.setId("runs-diff");
        diff.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        diff.setAllRowsVisible(true);
        record.setId("runs-record");
        record.getStyle().set("white-space", "pre-wrap").set("font-size", "var(--lumo-font-size-s)");
        tags.setId("runs-tags");
        notes.setId("runs-notes");
        notes.setWidth("32em");
        Button save = new Button("Save tags and notes", e -> annotate());
        save.setId("runs-save-notes");
        detail.setPadding(false);
        detail.add(row(metric, xAxis, smoothing, logScale), chart, new H3("Config and summary"), diff, row(tags, notes, save), record);
        detail.setVisible(false);
        add(new H1("Experiments"), new Explainer("Experiment tracking and reproducibility", EXPLANATION),
                row(lab, state, tag, search), grid, row(compare, again, toMlflow, csv, json), status, detail);
        refresh();
    }

    /** {@code experiments?run=<id>} (the Training lab's link) opens that run. */
    @Override
    public void beforeEnter(com.vaadin.flow.router.BeforeEnterEvent event) {
        List<String> wanted = event.getLocation().getQueryParameters().getParameters().getOrDefault("run", List.of());
        if (wanted.isEmpty()) {
            return;
        }
        grid.getGenericDataView().getItems().filter(r -> r.id().equals(wanted.get(0))).findFirst().ifPresentOrElse(grid::select, () -> show("No run '" + wanted.get(0) + "' (deleted, or a typo in the link).", true));
    }

    static String summary(Map<String, Object> s) {
        return s.entrySet().stream().filter(e -> !e.getKey().equals("max_steps")).limit(4).map(e -> e.getKey() + " " + (e.getValue() instanceof Double d
                ? String.format(Locale.ROOT, "%.4g", d) : e.getValue())).collect(Collectors.joining(", "));
    }

    private void refresh() {
        Set<Runs.Run> selected = grid.getSelectedItems();
        List<Runs.Run> list = runs.list(all(lab.getValue()), all(state.getValue()), tag.getValue(), search.getValue());
        grid.setItems(list);
        Set<String> ids = selected.stream().map(Runs.Run::id).collect(Collectors.toSet());
        refreshing = true; // keeping the selection is not choosing again: what is shown stays
        try {
            list.stream().filter(r -> ids.contains(r.id())).forEach(grid::select);
        } finally {
            refreshing = false;
        }
    }

    private static String all(String v) {
        return "all".equals(v) ? null : v;
    }

    private List<String> selectedIds() {
        return grid.getSelectedItems().stream().map(Runs.Run::id).toList();
    }

    private void selectionChanged() {
        if (refreshing) {
            return;
        }
        List<String> ids = selectedIds();
        if (ids.size() == 1) {
            open(ids);
        }
    }

    private void compare() {
        List<String> ids = selectedIds();
        if (ids.size() < 2) {
            show("Select two or more runs to compare (tick their boxes).", true);
            return;
        }
        open(ids);
    }

    /** One run (its record, live charts) or several (compared). */
    private void open(List<String> ids) {
        try {
            shown = ids;
            List<Runs.Detail> details = ids.stream().map(runs::get).toList();
            Set<String> names = new LinkedHashSet<>();
            details.forEach(d -> names.addAll(d.metrics()));
            String keep = metric.getValue();
            metric.setItems(names);
            metric.setValue(keep != null && names.contains(keep) ? keep : names.isEmpty() ? null : names.iterator().next());
            diff.removeAllColumns();
            diff.addColumn(Runs.ConfigRow::key).setHeader("Key").setFlexGrow(2);
            List<Runs.ConfigRow> rows;
            if (ids.size() == 1) {
                Runs.Detail d = details.get(0);
                diff.addColumn(r -> r.values().get(0)).setHeader(d.run().name()).setFlexGrow(3);
                rows = new ArrayList<>();
                d.config().forEach((k, v) -> rows.add(new Runs.ConfigRow(k, List.of(String.valueOf(v)), false)));
                d.run().summary().forEach((k, v) -> rows.add(new Runs.ConfigRow("summary." + k, List.of(String.valueOf(v)), false)));
                tags.setValue(String.join(" ", d.run().tags()));
                notes.setValue(d.run().notes());
                record.setText(recordText(d));
                show(d.run().name() + ": " + d.run().state() + (d.message() == null ? "" : " — " + d.message()), false);
            } else {
                Runs.Comparison c = runs.compare(ids);
                for (int i = 0; i < c.runs().size(); i++) {
                    int col = i;
                    diff.addColumn(r -> r.values().get(col)).setHeader(c.runs().get(i).name()).setFlexGrow(2);
                }
                diff.addColumn(r -> r.differs() ? "differs" : "").setHeader("");
                rows = new ArrayList<>(c.config());
                c.summary().forEach(r -> rows.add(new Runs.ConfigRow("summary." + r.key(), r.values(), r.differs())));
                record.setText("");
                long differing = c.config().stream().filter(Runs.ConfigRow::differs).count();
                show("Comparing " + ids.size() + " runs: " + differing + " config key" + (differing == 1 ? "" : "s") + " differ"
                        + (differing == 1 ? "s" : "") + " (listed first).", false);
            }
            diff.setItems(rows);
            detail.setVisible(true);
            draw();
        } catch (BadInputException e) {
            show(e.getMessage(), true);
        }
    }

    static String recordText(Runs.Detail d) {
        StringBuilder b = new StringBuilder();
        b.append("id: ").append(d.run().id()).append('\n');
        if (d.seed() != null) {
            b.append("seed: ").append(d.seed()).append('\n');
        }
        d.hashes().forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
        b.append("code: ").append(d.codeVersion() == null ? "(not recorded: the run predates tracking)" : d.codeVersion()).append('\n');
        d.environment().forEach((k, v) -> b.append("env.").append(k).append(": ").append(v).append('\n'));
        for (Map<String, Object> a : d.artifacts()) {
            b.append("artifact: ").append(a.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "))).append('\n');
        }
        if (!d.wandb().isEmpty()) {
            b.append("W&B: ").append(d.wandb().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
        }
        return b.toString();
    }

    /** The chosen metric of the shown runs, overlaid. */
    private void draw() {
        if (shown.isEmpty() || metric.getValue() == null) {
            return;
        }
        boolean byTime = "time (s)".equals(xAxis.getValue());
        double alpha = smoothing.getValue() == null ? 0 : Math.max(0, Math.min(0.99, smoothing.getValue()));
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        Map<String, String> names = grid.getGenericDataView().getItems().filter(r -> shown.contains(r.id()))
                .collect(Collectors.toMap(Runs.Run::id, Runs.Run::name, (a, b) -> a));
        for (String id : shown) {
            List<Runs.Point> points = runs.metrics(id, List.of(metric.getValue())).getOrDefault(metric.getValue(), List.of());
            List<double[]> xy = points.stream().map(p -> new double[]{byTime ? p.time() : p.step(), p.value()})
                    .filter(p -> !logScale.getValue() || p[1] > 0).toList();
            String name = names.getOrDefault(id, id.substring(0, 8));
            series.put(series.containsKey(name) ? name + " (" + id.substring(0, 8) + ")" : name, alpha > 0 ? Smoothing.ema(xy, alpha) : xy);
        }
        chart.setOption(ChartOptions.xy(byTime ? "seconds" : "step", metric.getValue(), series, logScale.getValue()));
    }

    private void reproduce() {
        List<String> ids = selectedIds();
        if (ids.size() != 1) {
            show("Select one run to run again.", true);
            return;
        }
        try {
            Map<String, Object> r = runs.reproduce(ids.get(0));
            refresh();
            show("Started '" + r.get("name") + "' from the record: same config, same seed.", false);
        } catch (BadInputException e) {
            show(e.getMessage(), true);
        }
    }

    private void exportToMlflow() {
        List<String> ids = selectedIds();
        if (ids.size() != 1) {
            show("Select one run to export to MLflow.", true);
            return;
        }
        try {
            Map<String, Object> r = mlflow.export(ids.get(0));
            show("Exported to MLflow as run " + r.get("mlflow_run_id") + ": " + r.get("params") + " params, " + r.get("metrics")
                    + " metric points (" + r.get("url") + ").", false);
        } catch (BadInputException e) {
            show(e.getMessage(), true);
        }
    }

    private void annotate() {
        if (shown.size() != 1) {
            show("Open one run to tag it.", true);
            return;
        }
        try {
            runs.annotate(shown.get(0), Arrays.stream(tags.getValue().split("\\s+")).filter(s -> !s.isBlank()).toList(), notes.getValue());
            refresh();
            show("Saved.", false);
        } catch (BadInputException e) {
            show(e.getMessage(), true);
        }
    }

    private void show(String text, boolean error) {
        status.setText(text);
        status.setClassName("pg-error", error);
    }

    /** While a shown run is active its chart and the table update every 2 s over server push. */
    @Override
    protected void onAttach(AttachEvent event) {
        UI ui = event.getUI();
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "experiments-live");
            t.setDaemon(true);
            return t;
        });
        live = ticker.scheduleWithFixedDelay(() -> ui.access(() -> {
            if (grid.getGenericDataView().getItems().anyMatch(r -> List.of("queued", "running", "paused").contains(r.state()))) {
                refresh();
                draw();
            }
        }), 2, 2, TimeUnit.SECONDS);
    }

    @Override
    protected void onDetach(DetachEvent event) {
        if (live != null) {
            live.cancel(true);
        }
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }
}
