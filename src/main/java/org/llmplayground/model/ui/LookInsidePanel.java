package org.llmplayground.model.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import org.llmplayground.core.BackgroundExecutor;
import org.llmplayground.core.chart.Chart;
import org.llmplayground.core.chart.ChartOptions;
import org.llmplayground.core.ui.Async;
import org.llmplayground.model.Inspection;
import org.llmplayground.model.LoadedModel;
import org.llmplayground.model.ModelService;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * "Look inside": one input through a loaded model; attention heatmaps per layer and head (query rows × key columns,
 * tokens as labels), how the residual stream grows through the layers, and the next-token distribution. Switching
 * layer or head redraws from the captured pass; nothing is recomputed.
 */
class LookInsidePanel extends VerticalLayout {
    static final int MEAN_OF_HEADS = -1;
    private static final Map<String, String> EXAMPLE_INPUT = Map.of(
            ModelService.SORT_MODEL, "2 0 1 1 0 2 0 0 1",
            ModelService.STORIES_MODEL, "1 403 261 296 288 348 7 99 511 2 260 403 300 45 0 17");

    private final ModelService models;
    private final BackgroundExecutor executor;
    final ComboBox<LoadedModel.ModelInfo> model = new ComboBox<>("Model");
    final TextField input = new TextField("Input");
    private final Button run = new Button("Look inside");
    final ComboBox<Integer> layer = new ComboBox<>("Layer");
    final ComboBox<Integer> head = new ComboBox<>("Head");
    private final Span error = new Span();
    private final Span timing = new Span();
    private final Chart heatmap = new Chart();
    private final Chart activations = new Chart();
    private final Chart next = new Chart();
    private final ComboBox<String> importable = new ComboBox<>("Import weights from the imports folder");
    private final Button importButton = new Button("Import");
    private final Span importMessage = new Span();
    private Inspection last;
    private boolean updating;

    LookInsidePanel(ModelService models, BackgroundExecutor executor) {
        this.models = models;
        this.executor = executor;
        setPadding(false);
        model.setId("inspect-model");
        model.setItemLabelGenerator(m -> m.name() + " [" + m.id() + "]");
        model.setWidth("26em");
        model.addValueChangeListener(e -> {
            if (e.getValue() != null) {
                input.setHelperText(e.getValue().input());
                input.setValue(EXAMPLE_INPUT.getOrDefault(e.getValue().id(),
                        e.getValue().input().startsWith("Text") ? "The quick brown fox jumps over the lazy dog." : "1 2 3 4 5 6 7 8"));
            }
        });
        input.setId("inspect-input");
        input.setWidth("36em");
        run.setId("inspect-run");
        run.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        run.addClickListener(e -> inspect());
        layer.setId("inspect-layer");
        head.setId("inspect-head");
        head.setItemLabelGenerator(h -> h == MEAN_OF_HEADS ? "mean of heads" : "head " + h);
        layer.setItemLabelGenerator(l -> "layer " + l);
        layer.addValueChangeListener(e -> {
            if (!updating) {
                drawHeatmap();
            }
        });
        head.addValueChangeListener(e -> {
            if (!updating) {
                drawHeatmap();
            }
        });
        error.setId("inspect-error");
        error.addClassName("pg-error");
        timing.setId("inspect-timing");
        timing.addClassName("pg-stats");
        heatmap.setId("inspect-heatmap");
        heatmap.setHeight("520px");
        activations.setId("inspect-activations");
        activations.setHeight("260px");
        next.setId("inspect-next");
        next.setHeight("260px");
        importable.setId("import-weights-name");
        importable.setWidth("26em");
        importable.setHelperText("Copy a Hugging Face folder (config.json + model.safetensors), a llama2.c .bin or a minGPT .json to "
                + models.importsFolder());
        importButton.setId("import-weights");
        importButton.addClickListener(e -> importWeights());
        importMessage.setId("import-weights-message");
        HorizontalLayout importRow = new HorizontalLayout(importable, importButton, importMessage);
        importRow.setAlignItems(FlexComponent.Alignment.BASELINE);
        importRow.setWrap(true);
        HorizontalLayout controls = new HorizontalLayout(model, input, run);
        controls.setAlignItems(FlexComponent.Alignment.BASELINE);
        controls.setWrap(true);
        HorizontalLayout picks = new HorizontalLayout(layer, head, timing);
        picks.setAlignItems(FlexComponent.Alignment.BASELINE);
        add(importRow, controls, error, picks, new H4("Attention (rows: query tokens, columns: the tokens they look at)"), heatmap,
                new H4("The residual stream through the layers"), activations, new H4("Next token after the last position"), next);
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        refreshModels(null);
        importable.setItems(models.importable());
    }

    private void importWeights() {
        String name = importable.getValue();
        if (name == null) {
            importMessage.setText("Choose something from the imports folder first.");
            return;
        }
        importButton.setEnabled(false);
        importMessage.setText("Importing " + name + "…");
        Async.run(this, executor, () -> models.importWeights(name), info -> {
            importButton.setEnabled(true);
            importMessage.setText(String.format(Locale.ROOT, "Imported %s: %,d parameters (%s).", info.id(), info.parameters(), info.source()));
            refreshModels(info.id());
        }, message -> {
            importButton.setEnabled(true);
            importMessage.setText(message);
        });
    }

    /** Reloads the model list and selects {@code id} (or keeps the selection). */
    void refreshModels(String id) {
        List<LoadedModel.ModelInfo> all = models.models();
        String keep = id != null ? id : model.getValue() != null ? model.getValue().id() : ModelService.SORT_MODEL;
        model.setItems(all);
        model.setValue(all.stream().filter(m -> m.id().equals(keep)).findFirst().orElse(all.get(0)));
    }

    private void inspect() {
        if (model.getValue() == null) {
            error.setText("Choose a model.");
            return;
        }
        String id = model.getValue().id();
        String text = input.getValue();
        run.setEnabled(false);
        Async.run(this, executor, () -> models.inspect(id, text, 10), this::show, message -> {
            run.setEnabled(true);
            error.setText(message);
        });
    }

    private void show(Inspection result) {
        run.setEnabled(true);
        error.setText("");
        last = result;
        timing.setText(String.format(Locale.ROOT, "%d tokens · forward pass and capture %.1f ms", result.ids().length, result.millis()));
        int layers = result.attention().length;
        List<Integer> heads = new ArrayList<>();
        heads.add(MEAN_OF_HEADS);
        if (layers > 0) {
            IntStream.range(0, result.attention()[0].length).forEach(heads::add);
        }
        Integer keepLayer = layer.getValue();
        Integer keepHead = head.getValue();
        updating = true; // one heatmap draw below, not one per picker change
        try {
            layer.setItems(IntStream.range(0, layers).boxed().toList());
            head.setItems(heads);
            layer.setValue(keepLayer != null && keepLayer < layers ? keepLayer : layers > 0 ? 0 : null);
            head.setValue(keepHead != null && heads.contains(keepHead) ? keepHead : MEAN_OF_HEADS);
        } finally {
            updating = false;
        }
        drawHeatmap();
        drawActivations(result);
        drawNext(result);
    }

    private void drawHeatmap() {
        if (last == null || layer.getValue() == null || head.getValue() == null || last.attention().length == 0) {
            return;
        }
        float[][] m = matrix(last.attention()[layer.getValue()], head.getValue());
        List<double[]> cells = new ArrayList<>();
        double max = 0;
        for (int q = 0; q < m.length; q++) {
            for (int k = 0; k <= q; k++) { // keys after the query are masked: nothing to draw
                cells.add(new double[]{k, q, Math.round(m[q][k] * 1000) / 1000.0});
                if (q > 0 || m.length == 1) { // row 0 is always a lone 1.0; leave it out of the colour scale
                    max = Math.max(max, m[q][k]);
                }
            }
        }
        List<String> labels = numbered(last.tokens());
        heatmap.setHeight(ChartOptions.heatmapHeight(labels.size()) + "px");
        heatmap.setOption(ChartOptions.heatmap(labels, labels, cells, Math.max(0.01, max)));
    }

    /** One head's matrix, or the mean over heads. */
    static float[][] matrix(float[][][] layerWeights, int head) {
        if (head != MEAN_OF_HEADS) {
            return layerWeights[head];
        }
        int t = layerWeights[0].length;
        float[][] mean = new float[t][t];
        for (float[][] h : layerWeights) {
            for (int q = 0; q < t; q++) {
                for (int k = 0; k < t; k++) {
                    mean[q][k] += h[q][k] / layerWeights.length;
                }
            }
        }
        return mean;
    }

    /** "3:the" style labels, so that repeated tokens stay apart on the axes. */
    static List<String> numbered(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            out.add(i + ":" + tokens.get(i).replace("\n", "↵"));
        }
        return out;
    }

    private void drawActivations(Inspection r) {
        List<String> names = r.activations().stream().map(a -> a.layer() < 0 ? "embed" : "block " + a.layer()).toList();
        Map<String, List<? extends Number>> series = new LinkedHashMap<>();
        series.put("‖x‖ (mean over positions)", r.activations().stream().map(a -> round(a.residualNorm())).toList());
        series.put("std", r.activations().stream().map(a -> round(a.std())).toList());
        series.put("mean", r.activations().stream().map(a -> round(a.mean())).toList());
        activations.setOption(ChartOptions.lines("Layer", "Value", names, series));
    }

    private void drawNext(Inspection r) {
        next.setOption(ChartOptions.bars("Token", "Probability", r.next().stream().map(n -> n.label().replace("\n", "↵")).toList(),
                r.next().stream().map(n -> round(n.probability())).toList()));
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
