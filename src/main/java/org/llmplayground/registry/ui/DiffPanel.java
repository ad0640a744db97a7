package org.llmplayground.registry.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import org.llmplayground.core.BackgroundExecutor;
import org.llmplayground.core.chart.Chart;
import org.llmplayground.core.chart.ChartOptions;
import org.llmplayground.core.ui.Async;
import org.llmplayground.registry.ModelDiff;
import org.llmplayground.registry.ModelRegistry;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import static org.llmplayground.core.ui.Layouts.row;

/** Two models side by side: per-tensor relative change as a layer heatmap and a table, config and output differences. */
class DiffPanel extends VerticalLayout {
    private final Select<String> a = new Select<>();
    private final Select<String> b = new Select<>();
    private final Chart heatmap = new Chart();
    private final Grid<ModelDiff.TensorChange> tensors = new Grid<>();
    private final Grid<ModelDiff.ConfigChange> config = new Grid<>();
    private final Grid<ModelDiff.OutputPair> outputs = new Grid<>();
    private final Span status = new Span();

    DiffPanel(ModelRegistry registry, ModelDiff diffs, BackgroundExecutor executor) {
        setPadding(false);
        List<String> ids = registry.list(null, null).stream().map(ModelRegistry.Entry::id).toList();
        a.setId("diff-a");
        a.setLabel("A (base)");
        a.setItems(ids);
        b.setId("diff-b");
        b.setLabel("B");
        b.setItems(ids);
        heatmap.setId("diff-heatmap");
        heatmap.setWidthFull();
        heatmap.setVisible(false);
        tensors.setId("diff-tensors");
        tensors.addThemeVariants(GridVariant.LUMO_COMPACT);
        tensors.addColumn(ModelDiff.TensorChange::name).setHeader("Tensor").setFlexGrow(2);
        tensors.addColumn(t -> java.util.Arrays.toString(t.shape())).setHeader("Shape");
        tensors.addColumn(t -> String.format(Locale.ROOT, "%.3g", t.relative())).setHeader("‖ΔW‖/‖W‖");
        tensors.setHeight("18em");
        config.setId("diff-config");
        config.addThemeVariants(GridVariant.LUMO_COMPACT);
        config.addColumn(ModelDiff.ConfigChange::field).setHeader("Config field");
        config.addColumn(ModelDiff.ConfigChange::a).setHeader("A");
        config.addColumn(ModelDiff.ConfigChange::b).setHeader("B");
        config.setAllRowsVisible(true);
        outputs.setId("diff-outputs");
        outputs.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        outputs.addColumn(ModelDiff.OutputPair::prompt).setHeader("Prompt");
        outputs.addColumn(ModelDiff.OutputPair::a).setHeader("A writes").setFlexGrow(2);
        outputs.addColumn(ModelDiff.OutputPair::b).setHeader("B writes").setFlexGrow(2);
        outputs.addColumn(o -> o.same() ? "same" : "differs").setHeader("");
        outputs.setAllRowsVisible(true);
        status.setId("diff-status");
        Button compare = new Button("Compare", e -> {
            status.setText("Comparing…");
            status.removeClassName("pg-error");
            Async.run(this, executor, () -> diffs.diff(a.getValue(), b.getValue(), null), this::show, m -> {
                status.setText(m);
                status.addClassName("pg-error");
            });
        });
        compare.setId("diff-run");
        compare.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        add(row(a, b, compare), status, heatmap, tensors, new H3("Config differences"), config, new H3("Greedy outputs"), outputs);
    }

    void choose(String first, String second) {
        a.setValue(first);
        b.setValue(second);
    }

    private void show(ModelDiff.Diff d) {
        status.setText(String.format(Locale.ROOT, "Overall ‖B − A‖/‖A‖ = %.4g over %d tensors%s.", d.overall(), d.tensors().size(),
                d.notComparable().isEmpty() ? "" : "; not comparable: " + String.join(", ", d.notComparable())));
        heatmap.setOption(ChartOptions.heatmap(d.heatmap().columns(), d.heatmap().rows(), d.heatmap().cells(), Math.max(1e-12, d.heatmap().max())));
        heatmap.setHeight(Math.max(260, 140 + d.heatmap().rows().size() * 36) + "px");
        heatmap.setVisible(true);
        tensors.setItems(d.tensors().stream().sorted(Comparator.comparingDouble(ModelDiff.TensorChange::relative).reversed()).toList());
        config.setItems(d.config());
        outputs.setItems(d.outputs());
    }
}
