package org.llmplayground.registry.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.micronaut.context.annotation.Prototype;
import org.llmplayground.app.ui.MainLayout;
import org.llmplayground.core.BackgroundExecutor;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.ui.Async;
import org.llmplayground.core.ui.Explainer;
import org.llmplayground.core.chart.Chart;
import org.llmplayground.core.chart.ChartOptions;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.registry.CheckpointBrowser;
import org.llmplayground.registry.HubModels;
import org.llmplayground.registry.ModelCards;
import org.llmplayground.registry.ModelDiff;
import org.llmplayground.registry.ModelRegistry;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static org.llmplayground.core.ui.Layouts.lazyTab;
import static org.llmplayground.core.ui.Layouts.row;

/**
 * The Models page: every model the app knows (bundled, trained, fine-tuned, imported, built, quantized) with its kind,
 * architecture, size and latest scores; search and filter; quantize a model to int8 or 4-bit and read what it cost;
 * delete a model with the space it frees.
 */
@Route(value = "models", layout = MainLayout.class)
@PageTitle("Models · LLM Playground")
@Prototype
public class ModelsView extends VerticalLayout {
    static final String EXPLANATION = """
            <p>Every lab makes or reads models; this page lists them all in one place: where each came from (its
            <b>kind</b> and parent), how big it is on disk and in memory, and its latest benchmark scores.</p>
            <p><b>Quantization</b> stores weights in fewer bits. <b>int8</b>: each row of a matrix gets a scale
            s = max|w| / 127 and each weight becomes q = round(w / s), an integer from −127 to 127, so ŵ = q·s is off by at
            most s/2. A row with max 0.5 has s ≈ 0.0039: every weight within ±0.002. <b>q4_0</b> (llama.cpp): groups of 32
            weights share a scale d = max / −8 and each weight keeps 4 bits (16 levels): 5 bits a weight here with its
            scale, error up to |d|. Matrices are dequantized block by block for each product (the CPU engine has no int8
            matmul), so memory falls but speed does not rise.</p>
            <p>The chart under the list shows one matrix before and after: float32 weights spread over a smooth bell;
            quantized ones sit on a few levels (int8: 255 per row, q4: 16 per group of 32), each within half a step of
            where it was.</p>
            <p>A <b>model card</b> says what a model is for and what it is not: its data (with a hash), its config, its
            losses and scores with their intervals, its limits, and how to train it again. The <b>diff</b> shows where
            training moved the weights: ‖B − A‖ / ‖A‖ per tensor, 0.01 meaning 1 % of the weights' size.</p>
            <p>Try: quantize gpt2-mini to int8 and to q4, open each report and compare the perplexity change with the size
            saved; then run the same MMLU subjects on all three in the Evaluation lab, and diff gpt2-mini against each.</p>
            """;
    private final ModelRegistry registry;
    private final BackgroundExecutor executor;
    private final TextField search = new TextField("Search");
    private final Select<String> kind = new Select<>();
    private final Grid<ModelRegistry.Entry> grid = new Grid<>();
    private final Select<String> format = new Select<>();
    private final Span status = new Span();
    private final Chart histogram = new Chart();
    private CheckpointsPanel checkpointsPanel;

    public ModelsView(ModelRegistry registry, BackgroundExecutor executor, HubModels hub, ModelCards cards, ModelDiff diffs,
                      CheckpointBrowser checkpoints, JobRunner jobs) {
        this.registry = registry;
        this.executor = executor;
        setWidthFull();
        search.setId("models-search");
        search.setValueChangeMode(ValueChangeMode.LAZY);
        search.addValueChangeListener(e -> refresh());
        kind.setId("models-kind");
        kind.setLabel("Kind");
        kind.setItems("all", "bundled", "trained", "fine-tuned", "imported", "downloaded", "built", "quantized");
        kind.setValue("all");
        kind.addValueChangeListener(e -> refresh());
        grid.setId("models-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.addColumn(ModelRegistry.Entry::id).setHeader("Model").setSortable(true).setFlexGrow(2);
        grid.addColumn(ModelRegistry.Entry::kind).setHeader("Kind").setSortable(true);
        grid.addColumn(ModelRegistry.Entry::architecture).setHeader("Architecture");
        grid.addColumn(e -> String.format(Locale.ROOT, "%,d", e.parameters())).setHeader("Parameters").setComparator(ModelRegistry.Entry::parameters);
        grid.addColumn(e -> mb(e.sizeBytes())).setHeader("On disk").setComparator(ModelRegistry.Entry::sizeBytes);
        grid.addColumn(e -> mb(e.memoryBytes())).setHeader("In memory").setComparator(ModelRegistry.Entry::memoryBytes);
        grid.addColumn(e -> e.parent() == null ? "" : e.parent()).setHeader("Parent");
        grid.addColumn(e -> e.scores().entrySet().stream().limit(3).map(s -> s.getKey() + " " + String.format(Locale.ROOT, "%.3f", s.getValue()))
                .collect(Collectors.joining(", "))).setHeader("Latest scores").setFlexGrow(2);
        grid.setAllRowsVisible(true);
        format.setId("models-format");
        format.setLabel("Quantize to");
        format.setItems("int8", "q4");
        format.setValue("int8");
        Button quantize = new Button("Quantize selected", e -> quantize());
        quantize.setId("models-quantize");
        quantize.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Button report = new Button("Report (quantized vs original)", e -> report());
        report.setId("models-report");
        Button delete = new Button("Delete selected", e -> delete());
        delete.setId("models-delete");
        delete.addThemeVariants(ButtonVariant.LUMO_ERROR);
        status.setId("models-status");
        status.getStyle().set("white-space", "pre-wrap");
        histogram.setId("models-histogram");
        histogram.setWidthFull();
        histogram.setHeight("300px");
        histogram.setVisible(false);
        VerticalLayout all = new VerticalLayout(row(search, kind), grid, row(format, quantize, report, delete), status, histogram);
        all.setPadding(false);
        TabSheet tabs = new TabSheet();
        tabs.setId("models-tabs");
        tabs.setWidthFull();
        tabs.add("All models", all);
        lazyTab(tabs, "Card and export", () -> {
            CardPanel c = new CardPanel(registry, cards);
            ModelRegistry.Entry e = grid.asSingleSelect().getValue();
            c.select(e == null ? org.llmplayground.model.ModelService.GPT2_MINI_MODEL : e.id());
            return c;
        });
        lazyTab(tabs, "Checkpoints", () -> checkpointsPanel = new CheckpointsPanel(checkpoints, this::refresh));
        lazyTab(tabs, "Diff", () -> {
            DiffPanel d = new DiffPanel(registry, diffs, executor);
            ModelRegistry.Entry e = grid.asSingleSelect().getValue();
            if (e != null && e.parent() != null && registry.list(null, null).stream().anyMatch(x -> x.id().equals(e.parent()))) {
                d.choose(e.parent(), e.id());
            }
            return d;
        });
        lazyTab(tabs, "Download from the Hub", () -> new HubPanel(hub, jobs, executor, this::refresh));
        add(new H1("Models"), new Explainer("The model registry, cards, diffs and quantization", EXPLANATION), tabs);
        refresh();
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.2f MB", bytes / 1e6);
    }

    private void refresh() {
        if (checkpointsPanel != null) {
            checkpointsPanel.refresh();
        }
        grid.setItems(registry.list("all".equals(kind.getValue()) ? null : kind.getValue(), search.getValue()));
    }

    private ModelRegistry.Entry selected() {
        ModelRegistry.Entry e = grid.asSingleSelect().getValue();
        if (e == null) {
            show("Select a model in the list first.", true);
        }
        return e;
    }

    private void show(String text, boolean error) {
        status.setText(text);
        if (error) {
            status.addClassName("pg-error");
        } else {
            status.removeClassName("pg-error");
        }
    }

    private void quantize() {
        ModelRegistry.Entry e = selected();
        if (e == null) {
            return;
        }
        String f = format.getValue();
        show("Quantizing " + e.id() + " to " + f + "…", false);
        Async.run(this, executor, () -> registry.quantize(e.id(), f), q -> {
            refresh();
            grid.select(q);
            show(String.format(Locale.ROOT, "%s: %s on disk (was %s), %s in memory (was %s).", q.id(), mb(q.sizeBytes()), mb(e.sizeBytes()),
                    mb(q.memoryBytes()), mb(e.memoryBytes())), false);
            showHistogram(q.id());
        }, m -> show(m, true));
    }

    @SuppressWarnings("unchecked")
    private void report() {
        ModelRegistry.Entry e = selected();
        if (e == null) {
            return;
        }
        show("Measuring " + e.id() + " against its original…", false);
        Async.run(this, executor, () -> registry.quantizationReport(e.id()), r -> {
            StringBuilder b = new StringBuilder(r.get("model") + " (" + r.get("format") + ") vs " + r.get("original") + ":\n");
            for (String k : List.of("size_bytes", "memory_bytes", "tokens_per_second", "perplexity")) {
                if (r.get(k) instanceof Map<?, ?> m) {
                    b.append(String.format(Locale.ROOT, "  %s: %.4g → %.4g (%+.1f %%)%n", k, ((Number) m.get("original")).doubleValue(),
                            ((Number) m.get("quantized")).doubleValue(), 100 * ((Number) m.get("change")).doubleValue()));
                }
            }
            ((Map<String, Object>) r.get("benchmarks")).forEach((k, v) -> {
                Map<?, ?> m = (Map<?, ?>) v;
                b.append(String.format(Locale.ROOT, "  %s: %.4f → %.4f (%+.1f %%)%n", k, ((Number) m.get("original")).doubleValue(),
                        ((Number) m.get("quantized")).doubleValue(), 100 * ((Number) m.get("change")).doubleValue()));
            });
            show(b.toString(), false);
            showHistogram(e.id());
        }, m -> show(m, true));
    }

    /** One matrix before and after quantization, on shared bins. */
    private void showHistogram(String quantized) {
        Async.run(this, executor, () -> registry.weightHistogram(quantized), h -> {
            Map<String, List<? extends Number>> series = new java.util.LinkedHashMap<>();
            series.put("float32 (" + h.get("distinct_before") + " distinct values)", java.util.Arrays.stream((long[]) h.get("before")).boxed().toList());
            series.put(h.get("model") + " (" + h.get("distinct_after") + " distinct values)", java.util.Arrays.stream((long[]) h.get("after")).boxed().toList());
            @SuppressWarnings("unchecked")
            List<String> bins = (List<String>) h.get("bins");
            histogram.setOption(ChartOptions.lines(h.get("tensor") + " weight", "weights", bins, series));
            histogram.setVisible(true);
        }, m -> show(m, true));
    }

    private void delete() {
        ModelRegistry.Entry e = selected();
        if (e == null) {
            return;
        }
        try {
            long freed = registry.delete(e.id());
            refresh();
            show("Deleted " + e.id() + (freed > 0 ? "; " + mb(freed) + " freed on disk." : "."), false);
        } catch (BadInputException ex) {
            show(ex.getMessage(), true);
        }
    }
}
