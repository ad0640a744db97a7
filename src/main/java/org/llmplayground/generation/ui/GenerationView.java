package org.llmplayground.generation.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.micronaut.context.annotation.Prototype;
import org.llmplayground.app.ui.MainLayout;
import org.llmplayground.core.BackgroundExecutor;
import org.llmplayground.core.chart.Chart;
import org.llmplayground.core.ui.Async;
import org.llmplayground.core.ui.Explainer;
import org.llmplayground.generation.GenerationResult;
import org.llmplayground.generation.GenerationService;
import org.llmplayground.generation.GenerationSettings;
import org.llmplayground.generation.StepTrace;
import org.llmplayground.generation.TokenEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Lab 4: generation. Pick a model and a decoding strategy, generate, and see how each token was chosen: tokens
 * stream in coloured by their probability; clicking one shows the distribution at that step before and after the
 * processors; beam search draws its tree; "Compare strategies" runs the same prompt through several strategies.
 */
@Route(value = "generation", layout = MainLayout.class)
@PageTitle("Generation · LLM Playground")
@Prototype
public class GenerationView extends VerticalLayout implements BeforeEnterObserver {
    static final String EXPLANATION = "<p><b>A model only scores the next token.</b> For a prefix it outputs logits "
            + "z<sub>i</sub>, one per vocabulary entry; softmax turns them into probabilities p<sub>i</sub> = e<sup>z<sub>i</sub></sup> / Σ e<sup>z<sub>j</sub></sup>. "
            + "Generating is a loop: pick a token, append it, ask again. The <i>decoding strategy</i> is how it picks.</p>"
            + "<p>Take the logits [2, 1, 0, −1] for the tokens [the, a, one, my]: softmax gives [0.64, 0.24, 0.09, 0.03].</p>"
            + "<ul><li><b>Greedy</b> always takes the argmax (\"the\"): deterministic, but it loops and repeats itself.</li>"
            + "<li><b>Temperature</b> T divides the logits first: T = 0.5 → [0.86, 0.12, 0.02, 0.00] (sharper), T = 2 → "
            + "[0.46, 0.28, 0.17, 0.10] (flatter). T → 0 is greedy.</li>"
            + "<li><b>Top-k</b> keeps the k best and renormalises: k = 2 → [0.73, 0.27, 0, 0].</li>"
            + "<li><b>Top-p</b> (nucleus) keeps the fewest tokens whose probability reaches p: p = 0.9 keeps [the, a, one] "
            + "(0.64 + 0.24 + 0.09 = 0.97 ≥ 0.9) → [0.67, 0.24, 0.09, 0]. Unlike top-k it adapts: few tokens when the model is "
            + "sure, many when it is not.</li>"
            + "<li><b>Min-p</b> keeps tokens with p ≥ min_p · p<sub>max</sub>: min-p 0.1 drops everything under 0.064.</li>"
            + "<li><b>Penalties</b> look at the text so far: the repetition penalty divides a seen token's positive logit by θ; "
            + "presence and frequency penalties subtract a constant and a per-occurrence amount; no-repeat n-gram forbids "
            + "repeating any n tokens.</li>"
            + "<li><b>Beam search</b> keeps the W best partial texts by total log-probability instead of one, and returns the "
            + "most likely whole text. Good for short, exact outputs; bland for stories.</li></ul>"
            + "<p>The processors run in a fixed order: penalties, temperature, top-k, top-p, min-p. A <b>KV cache</b> keeps "
            + "every earlier token's keys and values, so each new token costs one position instead of re-reading the text.</p>"
            + "<p><b>Try:</b> greedy on the Shakespeare model and watch it repeat; the same with repetition penalty 1.3; "
            + "temperature 1.5 vs 0.3; top-k 1 (= greedy); beam 4 and look at the tree; click a red token to see what else the "
            + "model considered.</p>";
    static final int TRACE = 10;
    static final int TREE_STEPS = 16;

    private final GenerationService service;
    private final BackgroundExecutor executor;
    private final DecodingControls controls;
    private final TextArea prompt = new TextArea("Prompt");
    private final Button generate = new Button("Generate");
    private final Button stopButton = new Button("Stop");
    private final Button compare = new Button("Compare strategies");
    private final Span error = new Span();
    private final Span stats = new Span();
    private final TokenPath path = new TokenPath(this::showStep);
    private final H3 stepTitle = new H3("Step");
    private final Chart stepChart = new Chart();
    private final Div stages = new Div();
    private final H3 treeTitle = new H3("Beam search tree");
    private final Chart tree = new Chart();
    private final Grid<GenerationResult.Hypothesis> hypotheses = new Grid<>();
    private final Div comparison = new Div();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private List<StepTrace> trace = List.of();

    public GenerationView(GenerationService service, BackgroundExecutor executor) {
        this.service = service;
        this.executor = executor;
        this.controls = new DecodingControls(service.models());
        setWidthFull();
        add(new H1("4. Generation"), new Explainer("How a model picks the next token", EXPLANATION), controls, prompt, buttons(), error,
                stats, path, stepTitle, stepChart, stages, treeTitle, tree, hypotheses, new H3("Strategies side by side"), comparison);
        configure();
    }

    private HorizontalLayout buttons() {
        generate.setId("gen-run");
        generate.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        generate.addClickListener(e -> run());
        stopButton.setId("gen-stop-button");
        stopButton.addThemeVariants(ButtonVariant.LUMO_ERROR);
        stopButton.setEnabled(false);
        stopButton.addClickListener(e -> cancelled.set(true));
        compare.setId("gen-compare");
        compare.addClickListener(e -> compareStrategies());
        return new HorizontalLayout(generate, stopButton, compare);
    }

    private void configure() {
        prompt.setId("gen-prompt");
        prompt.setWidthFull();
        prompt.setValue("ROMEO:\n");
        prompt.setHelperText("The model continues this text.");
        error.setId("gen-error");
        error.getStyle().set("color", "var(--lumo-error-text-color)");
        stats.setId("gen-stats");
        stepChart.setId("gen-step-chart");
        stepChart.setHeight("280px");
        stepChart.setWidthFull();
        stages.setId("gen-stages");
        stages.getStyle().set("font-size", "var(--lumo-font-size-s)");
        tree.setId("gen-beam-tree");
        tree.setHeight("520px");
        tree.setWidthFull();
        hypotheses.setId("gen-hypotheses");
        hypotheses.addColumn(h -> String.format(Locale.ROOT, "%.3f", h.score())).setHeader("Score").setAutoWidth(true).setFlexGrow(0);
        hypotheses.addColumn(h -> String.format(Locale.ROOT, "%.3f", h.logProbability())).setHeader("Σ log p").setAutoWidth(true).setFlexGrow(0);
        hypotheses.addColumn(GenerationResult.Hypothesis::text).setHeader("Hypothesis");
        hypotheses.setAllRowsVisible(true);
        hypotheses.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        comparison.setId("gen-compare-grid");
        comparison.addClassName("pg-compare");
        showBeam(false);
        stepTitle.setVisible(false);
        stepChart.setVisible(false);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        event.getLocation().getQueryParameters().getSingleParameter("model").ifPresent(id -> {
            controls.setModels(service.models());
            controls.selectModel(id);
        });
    }

    private void run() {
        error.setText("");
        GenerationSettings settings;
        GenerationService.Prepared prepared;
        try {
            settings = controls.settings(TRACE);
            prepared = service.prepare(controls.selectedModel().id(), prompt.getValue(), settings);
        } catch (RuntimeException e) {
            error.setText(Async.message(e));
            return;
        }
        boolean beam = settings.strategy() == GenerationSettings.Strategy.BEAM;
        cancelled.set(false);
        running(true);
        path.prompt(prompt.getValue());
        trace = List.of();
        stepTitle.setVisible(false);
        stepChart.setVisible(false);
        stages.setText("");
        showBeam(false);
        stats.setText(beam ? "Searching…" : "Generating…");
        UI ui = UI.getCurrent();
        ConcurrentLinkedQueue<TokenEvent> pending = new ConcurrentLinkedQueue<>();
        AtomicBoolean flushQueued = new AtomicBoolean();
        service.generateAsync(prepared, e -> {
            pending.add(e);
            // coalesce: at most one push queued at a time; it takes every token that arrived meanwhile
            if (flushQueued.compareAndSet(false, true)) {
                ui.access(() -> {
                    flushQueued.set(false);
                    for (TokenEvent t; (t = pending.poll()) != null; ) {
                        if (beam) {
                            stats.setText("Searching… step " + (t.index() + 1));
                        } else if (t.id() >= 0) {
                            path.token(t.index(), t.token(), t.probability());
                        }
                    }
                });
            }
        }, cancelled::get).whenComplete((result, failure) -> ui.access(() -> {
            running(false);
            if (failure != null) {
                error.setText(Async.message(failure));
                stats.setText("");
            } else {
                show(result);
            }
        }));
    }

    private void running(boolean on) {
        generate.setEnabled(!on);
        compare.setEnabled(!on);
        stopButton.setEnabled(on);
    }

    /** Redraws the path from the final result (exactly its tokens) and selects the last step. */
    private void show(GenerationResult r) {
        path.prompt(prompt.getValue());
        for (int i = 0; i < r.ids().length; i++) {
            path.token(i, r.tokens().get(i), r.probabilities()[i]);
        }
        trace = r.trace();
        stats.setText(String.format(Locale.ROOT, "%s · %d tokens · %s · first token %.0f ms · %.1f ms/token · %.0f tokens/s%s%s",
                r.label(), r.ids().length, finish(r), r.firstTokenMillis(), r.perTokenMillis(), r.tokensPerSecond(),
                r.beam() == null ? " · seed " + r.seed() : "",
                r.windowShifts() > 0 ? " · context full " + r.windowShifts() + "× (oldest tokens dropped)" : ""));
        if (r.beam() != null) {
            showBeam(true);
            tree.setOption(GenerationCharts.beamTree(r.beam().tree(), TREE_STEPS));
            hypotheses.setItems(r.beam().hypotheses());
        } else if (!trace.isEmpty()) {
            showStep(trace.size() - 1);
        }
    }

    private static String finish(GenerationResult r) {
        return switch (r.finishReason()) {
            case LENGTH -> "reached max tokens";
            case STOP -> "stopped (stop sequence or end of text)";
            case CANCELLED -> "stopped by you";
        };
    }

    private void showStep(int index) {
        if (index < 0 || index >= trace.size()) {
            return;
        }
        StepTrace t = trace.get(index);
        stepTitle.setText(String.format(Locale.ROOT, "Step %d: chose %s (p = %.3f)", index + 1, t.chosenToken(), t.chosenProbability()));
        stepTitle.setVisible(true);
        stepChart.setVisible(true);
        Map<String, Object> option = GenerationCharts.step(t);
        int bars = ((List<?>) ((Map<?, ?>) option.get("yAxis")).get("data")).size();
        stepChart.setHeight(Math.max(200, 90 + 24 * bars) + "px"); // 24 px a bar: every token label on its own line
        stepChart.setOption(option);
        stages.removeAll();
        for (StepTrace.Stage s : t.stages()) {
            StringBuilder b = new StringBuilder();
            s.top().stream().limit(5).forEach(c -> b.append(String.format(Locale.ROOT, "%s %.3f   ", c.token(), c.probability())));
            Div line = new Div(new Span(s.name() + " (" + s.kept() + " tokens left): "), new Span(b.toString()));
            line.getStyle().set("white-space", "pre");
            stages.add(line);
        }
    }

    private void showBeam(boolean on) {
        treeTitle.setVisible(on);
        tree.setVisible(on);
        hypotheses.setVisible(on);
    }

    /**
     * The form's own settings, then the same settings with another strategy: greedy, beam 4, top-k 40 and top-p 0.9.
     * Max tokens, seed, temperature, penalties and stop sequences are the form's in every row, so the rows differ
     * only in how the next token is chosen.
     */
    static List<GenerationSettings> comparisons(GenerationSettings base) {
        GenerationSettings b = base.seed() == null ? base.withSeed(1L) : base;
        GenerationSettings sample = b.withStrategy(GenerationSettings.Strategy.SAMPLE);
        List<GenerationSettings> list = new ArrayList<>();
        list.add(b);
        list.add(b.withStrategy(GenerationSettings.Strategy.GREEDY));
        list.add(b.withStrategy(GenerationSettings.Strategy.BEAM).withBeam(4, b.lengthPenalty(), true, 1));
        list.add(sample.withSampling(b.temperature(), 40, 1, 0));
        list.add(sample.withSampling(b.temperature(), 0, 0.9, 0));
        return list.stream().distinct().toList();
    }

    private void compareStrategies() {
        error.setText("");
        List<GenerationSettings> list;
        String modelId;
        try {
            list = comparisons(controls.settings());
            modelId = controls.selectedModel().id();
        } catch (RuntimeException e) {
            error.setText(Async.message(e));
            return;
        }
        running(true);
        stats.setText("Comparing " + list.size() + " strategies…");
        String text = prompt.getValue();
        Async.run(this, executor, () -> service.compare(modelId, text, list, e -> {
        }, cancelled::get), results -> {
            running(false);
            stats.setText("Compared " + results.size() + " strategies (the first row is your settings).");
            showComparison(results);
        }, message -> {
            running(false);
            error.setText(message);
        });
    }

    /** One card per strategy with the whole text (line breaks kept), its time and speed. */
    private void showComparison(List<GenerationResult> results) {
        comparison.removeAll();
        for (int i = 0; i < results.size(); i++) {
            GenerationResult r = results.get(i);
            Span head = new Span(String.format(Locale.ROOT, "%s%s · %d tokens · %.0f ms · %.0f tokens/s", i == 0 ? "yours: " : "", r.label(),
                    r.ids().length, r.totalMillis(), r.tokensPerSecond()));
            head.addClassName("pg-compare-head");
            Pre body = new Pre(r.text());
            body.addClassName("pg-compare-text");
            Div card = new Div(head, body);
            card.addClassName("pg-compare-card");
            comparison.add(card);
        }
    }
}
