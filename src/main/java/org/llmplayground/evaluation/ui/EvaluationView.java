package org.llmplayground.evaluation.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.micronaut.context.annotation.Prototype;
import org.llmplayground.app.ui.MainLayout;
import org.llmplayground.core.BackgroundExecutor;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.core.ui.Async;
import org.llmplayground.core.ui.Explainer;
import org.llmplayground.core.ui.JobProgress;
import org.llmplayground.evaluation.EvaluationService;
import org.llmplayground.evaluation.EvaluationStore;
import org.llmplayground.evaluation.MetricsService;
import org.llmplayground.generation.GenerationService;
import org.llmplayground.model.LoadedModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The Evaluation lab, first part: run benchmarks (MMLU, HellaSwag, TruthfulQA) on any loaded model as a job, read the
 * scores with their standard errors, open any item (each choice's log-likelihood, the pick, the gold answer; wrong
 * ones only if asked); score pasted texts with BLEU, chrF, ROUGE, METEOR or distinct-n.
 */
@Route(value = "evaluation", layout = MainLayout.class)
@PageTitle("Evaluation · LLM Playground")
@Prototype
public class EvaluationView extends VerticalLayout {
    static final String EXPLANATION = """
            <p><b>Multiple choice by log-likelihood</b> (lm-evaluation-harness): the model never writes an answer. For each
            choice it scores log p(choice | question) = the sum of the log-probabilities of the choice's tokens after the
            prompt, and its pick is the highest. MMLU's choices are " A" to " D": one token each, so one forward pass
            scores all four. <b>acc</b> counts the picks that are right; <b>acc_norm</b> divides each score by the
            choice's length in characters first, so long endings (HellaSwag) are not penalised for having more tokens.
            TruthfulQA <b>MC2</b> is the probability mass the model puts on the true answers.</p>
            <p><b>Text metrics</b> compare a generated text with references. <b>BLEU</b> counts matching word n-grams
            (1–4) with a brevity penalty: precise, but blind to synonyms and word order beyond 4 words. <b>chrF</b>
            counts character n-grams (robust to inflections). <b>ROUGE</b> is recall-oriented (how much of the
            reference the text covers; L = longest common subsequence). <b>METEOR</b> also matches stems and WordNet
            synonyms and penalises fragmented matches. None of them knows whether a text is true.</p>
            <p><b>Why the ± matters</b>: on 100 questions a score of 0.30 has a standard error of about 0.046, so a
            model at 0.27 is not shown to be worse. Try: MMLU abstract algebra on two models, limit 20, and compare
            the intervals; then paste a paraphrase of a reference and see BLEU drop while METEOR holds.</p>
            """;

    private final EvaluationService evaluation;
    private final MetricsService metrics;
    private final JobRunner jobs;
    private final BackgroundExecutor executor;
    private final ComboBox<String> model = new ComboBox<>("Model");
    private final MultiSelectComboBox<String> tasks = new MultiSelectComboBox<>("Tasks");
    private final IntegerField fewshot = new IntegerField("Few-shot (MMLU)");
    private final IntegerField limit = new IntegerField("Limit per task");
    private final Button run = new Button("Run");
    private final Span error = new Span();
    private final JobProgress progress;
    private final Grid<String[]> scores = new Grid<>();
    private final Select<String> itemTask = new Select<>();
    private final Checkbox wrongOnly = new Checkbox("Wrong answers only");
    private final Grid<Map<String, Object>> items = new Grid<>();
    private String runId;
    private Map<String, Object> results;

    private final Select<String> metric = new Select<>();
    private final TextArea predictions = new TextArea("Predictions (one per line)");
    private final TextArea references = new TextArea("References (one line per prediction; several separated by |||)");
    private final Checkbox stemmer = new Checkbox("ROUGE: Porter stemmer");
    private final Span metricResult = new Span();

    public EvaluationView(EvaluationService evaluation, MetricsService metrics, GenerationService generation, JobRunner jobs,
                          BackgroundExecutor executor) {
        this.evaluation = evaluation;
        this.metrics = metrics;
        this.jobs = jobs;
        this.executor = executor;
        this.progress = new JobProgress(jobs, "eval").items("items").onFinished(r -> finished());
        setWidthFull();
        model.setId("eval-model");
        List<String> ids = generation.models().stream().filter(LoadedModel.ModelInfo::readsText).map(LoadedModel.ModelInfo::id).toList();
        model.setItems(ids);
        if (!ids.isEmpty()) {
            model.setValue(ids.get(0));
        }
        model.setWidth("16em");
        tasks.setId("eval-tasks");
        tasks.setItems(evaluation.tasks());
        tasks.setWidth("28em");
        tasks.select("mmlu_abstract_algebra");
        fewshot.setId("eval-fewshot");
        fewshot.setValue(0);
        fewshot.setMin(0);
        fewshot.setMax(5);
        limit.setId("eval-limit");
        limit.setValue(20);
        limit.setMin(1);
        limit.setHelperText("empty: every item");
        run.setId("eval-run");
        run.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        run.addClickListener(e -> start());
        error.setId("eval-error");
        error.addClassName("pg-error");
        scores.setId("eval-scores");
        scores.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        scores.addColumn(r -> r[0]).setHeader("Task");
        scores.addColumn(r -> r[1]).setHeader("Metric");
        scores.addColumn(r -> r[2]).setHeader("Score ± standard error (interval)").setFlexGrow(3);
        scores.addColumn(r -> r[3]).setHeader("Items");
        scores.setAllRowsVisible(true);
        itemTask.setId("eval-item-task");
        itemTask.setLabel("Items of");
        itemTask.addValueChangeListener(e -> showItems());
        wrongOnly.setId("eval-wrong-only");
        wrongOnly.addValueChangeListener(e -> showItems());
        items.setId("eval-items");
        items.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        items.addColumn(r -> r.get("doc_id")).setHeader("Item").setFlexGrow(0).setWidth("5em");
        items.addColumn(r -> format((double[]) r.get("loglikelihoods"))).setHeader("Log-likelihood per choice").setFlexGrow(3);
        items.addColumn(r -> pick((double[]) r.get("loglikelihoods")))
                .setHeader("Pick").setFlexGrow(0).setWidth("5em");
        items.addColumn(r -> r.get("target")).setHeader("Gold").setFlexGrow(0).setWidth("5em");
        items.addColumn(r -> ((Number) r.get("acc")).doubleValue() == 1.0 ? "✓" : "✗").setHeader("Right").setFlexGrow(0).setWidth("5em");
        items.setAllRowsVisible(true);

        metric.setId("eval-metric");
        metric.setLabel("Metric");
        metric.setItems(MetricsService.METRICS);
        metric.setValue("bleu");
        predictions.setId("eval-predictions");
        predictions.setWidth("28em");
        predictions.setValue("the cat sat on the mat\na fast brown fox");
        references.setId("eval-references");
        references.setWidth("28em");
        references.setValue("the cat is on the mat ||| there is a cat on the mat\nthe quick brown fox");
        stemmer.setId("eval-stemmer");
        Button score = new Button("Score", e -> scoreTexts());
        score.setId("eval-score");
        metricResult.setId("eval-metric-result");
        metricResult.getStyle().set("white-space", "pre-wrap");

        HorizontalLayout settings = new HorizontalLayout(model, tasks, fewshot, limit, run);
        settings.setAlignItems(FlexComponent.Alignment.BASELINE);
        settings.getStyle().set("flex-wrap", "wrap");
        HorizontalLayout itemRow = new HorizontalLayout(itemTask, wrongOnly);
        itemRow.setAlignItems(FlexComponent.Alignment.BASELINE);
        HorizontalLayout texts = new HorizontalLayout(predictions, references);
        HorizontalLayout metricRow = new HorizontalLayout(metric, stemmer, score);
        metricRow.setAlignItems(FlexComponent.Alignment.BASELINE);
        add(new H1("8. Evaluation"), new Explainer("Measuring a model: benchmarks and metrics", EXPLANATION),
                new H3("1. Benchmarks"), settings, error, progress, scores, itemRow, items,
                new H3("2. Metrics on your texts"), texts, metricRow, metricResult);
    }

    private static String format(double[] ll) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < ll.length; i++) {
            b.append(i == 0 ? "" : "  ").append(i).append(": ").append(String.format("%.3f", ll[i]));
        }
        return b.toString();
    }

    private static int pick(double[] ll) {
        int best = 0;
        for (int i = 1; i < ll.length; i++) {
            if (ll[i] > ll[best]) {
                best = i;
            }
        }
        return best;
    }

    private void start() {
        error.setText("");
        try {
            EvaluationStore.Run r = evaluation.start(new EvaluationService.Request(model.getValue(), new ArrayList<>(tasks.getSelectedItems()),
                    fewshot.getValue(), limit.getValue(), null, null, null, null));
            runId = r.id();
            run.setEnabled(false);
            progress.follow(jobs.get(r.jobId()));
        } catch (BadInputException e) {
            error.setText(e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private void finished() {
        run.setEnabled(true);
        if (runId == null) {
            return;
        }
        results = evaluation.results(runId);
        List<String[]> rows = new ArrayList<>();
        ((Map<String, Map<String, Object>>) results.get("results")).forEach((task, m) -> m.forEach((name, v) -> {
            if (!name.endsWith("_stderr") && !name.endsWith("_ci95") && !name.equals("n")) {
                double[] ci = (double[]) m.get(name + "_ci95");
                rows.add(new String[]{task, name, String.format("%.4f ± %.4f (95 %% bootstrap: %.4f–%.4f)", ((Number) v).doubleValue(),
                        ((Number) m.get(name + "_stderr")).doubleValue(), ci[0], ci[1]), String.valueOf(m.get("n"))});
            }
        }));
        scores.setItems(rows);
        List<String> names = new ArrayList<>(((Map<String, Object>) results.get("samples")).keySet());
        itemTask.setItems(names);
        if (!names.isEmpty()) {
            itemTask.setValue(names.get(0));
        }
    }

    @SuppressWarnings("unchecked")
    private void showItems() {
        if (results == null || itemTask.getValue() == null) {
            return;
        }
        List<Map<String, Object>> rows = (List<Map<String, Object>>) ((Map<String, Object>) results.get("samples")).get(itemTask.getValue());
        items.setItems(rows.stream().filter(r -> !wrongOnly.getValue() || ((Number) r.get("acc")).doubleValue() < 1).toList());
    }

    @SuppressWarnings("unchecked")
    private void scoreTexts() {
        List<String> preds = predictions.getValue().lines().toList();
        List<List<String>> refs = references.getValue().lines().map(l -> Arrays.stream(l.split("\\|\\|\\|")).map(String::strip).toList()).toList();
        String name = metric.getValue();
        Async.run(this, executor, () -> metrics.score(name, preds, name.equals("distinct") ? null : refs, stemmer.getValue()), r -> {
            StringBuilder b = new StringBuilder("Corpus: " + describe((Map<String, Object>) r.get("corpus")));
            List<Map<String, Object>> sentences = (List<Map<String, Object>>) r.get("sentences");
            for (int i = 0; i < sentences.size(); i++) {
                b.append("\n").append(i + 1).append(": ").append(describe(sentences.get(i)));
            }
            metricResult.setText(b.toString());
        }, metricResult::setText);
    }

    @SuppressWarnings("unchecked")
    private static String describe(Map<String, Object> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> {
            if (v instanceof Map<?, ?> inner) {
                b.append(k).append(" F ").append(String.format("%.4f", ((Number) ((Map<String, Object>) inner).get("fmeasure")).doubleValue())).append("  ");
            } else if (v instanceof Double d) {
                b.append(k).append(" ").append(String.format("%.4f", d)).append("  ");
            } else if (v instanceof Integer n && (k.equals("sys_len") || k.equals("ref_len"))) {
                b.append(k).append(" ").append(n).append("  ");
            }
        });
        return b.toString().strip();
    }
}
