package org.llmplayground.evaluation.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
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
import com.vaadin.flow.server.StreamResource;
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
 * The Evaluation lab, first part: run benchmarks (MMLU, HellaSwag, TruthfulQA, HumanEval, custom ones) on any loaded
 * model as a job, read the scores with their standard errors and intervals, download them as CSV, open any item (the
 * prompt, each choice's log-likelihood, the pick, the gold answer, or the completions and their test results; wrong
 * ones only if asked); score pasted texts with the metrics; a text's perplexity; make a benchmark of one's own.
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
            <p><b>HumanEval and pass@k</b>: the model writes the body of a Python function; the completion runs with the
            problem's unit tests in a sandbox (no network, read-only system, private /tmp, time and memory limits). With
            n samples per problem of which c pass, pass@k = 1 − C(n−c, k) / C(n, k): the chance that at least one of k
            samples passes, estimated without bias (sampling k and checking would be noisier). Greedy decoding gives
            pass@1 only; temperature 0.8 with n = 20 estimates pass@10.</p>
            <p><b>Perplexity</b> = exp(−mean log p(token)): how surprised the model is by a text; <b>bits per byte</b>
            divides by the text's UTF-8 bytes instead, so models with different tokenizers compare fairly.</p>
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
    private final IntegerField fewshot = new IntegerField("Few-shot");
    private final IntegerField limit = new IntegerField("Limit per task");
    private final IntegerField samples = new IntegerField("Samples (generation)");
    private final com.vaadin.flow.component.textfield.NumberField temperature = new com.vaadin.flow.component.textfield.NumberField("Temperature");
    private final com.vaadin.flow.component.html.Pre itemDetail = new com.vaadin.flow.component.html.Pre();
    private final HorizontalLayout downloads = new HorizontalLayout();
    private final TextArea perplexityText = new TextArea("Text");
    private final Span perplexityResult = new Span();
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
        if (!ids.isEmpty()) { // the bundled model whose tokenizer reads the benchmarks' text, when it is there
            model.setValue(ids.contains(org.llmplayground.model.ModelService.GPT2_MINI_MODEL) ? org.llmplayground.model.ModelService.GPT2_MINI_MODEL : ids.get(0));
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
        samples.setId("eval-samples");
        samples.setValue(1);
        samples.setMin(1);
        samples.setMax(200);
        samples.setHelperText("n per problem, for pass@k");
        samples.setWidth("9em");
        temperature.setId("eval-temperature");
        temperature.setValue(0.0);
        temperature.setMin(0);
        temperature.setMax(2);
        temperature.setStep(0.1);
        temperature.setHelperText("0 = greedy");
        temperature.setWidth("8em");
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
        items.addColumn(EvaluationView::summary).setHeader("Log-likelihood per choice · completion · text").setFlexGrow(3);
        items.addColumn(r -> r.get("loglikelihoods") instanceof double[] ll ? String.valueOf(EvaluationService.argmax(ll)) : "")
                .setHeader("Pick").setFlexGrow(0).setWidth("5em");
        items.addColumn(r -> r.containsKey("target") ? r.get("target") : "").setHeader("Gold").setFlexGrow(0).setWidth("5em");
        items.addColumn(r -> score(r) == null ? "" : score(r) == 1.0 ? "✓" : score(r) == 0.0 ? "✗" : String.format("%.2f", score(r)))
                .setHeader("Right").setFlexGrow(0).setWidth("5em");
        items.addItemClickListener(e -> openItem(e.getItem()));
        itemDetail.setId("eval-item-detail");
        itemDetail.getStyle().set("white-space", "pre-wrap").set("max-height", "24em").set("overflow", "auto").set("width", "100%");
        itemDetail.setVisible(false);
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

        perplexityText.setId("eval-ppl-text");
        perplexityText.setWidth("48em");
        perplexityText.setValue("The quick brown fox jumps over the lazy dog. It was the best of times, it was the worst of times.");
        Button ppl = new Button("Perplexity", e -> perplexity());
        ppl.setId("eval-ppl");
        perplexityResult.setId("eval-ppl-result");
        downloads.setId("eval-downloads");
        CustomBenchmarkPanel custom = new CustomBenchmarkPanel(evaluation, name -> {
            java.util.Set<String> chosen = new java.util.LinkedHashSet<>(tasks.getSelectedItems());
            chosen.add(name);
            tasks.setItems(evaluation.tasks());
            tasks.select(chosen);
        });

        HorizontalLayout settings = new HorizontalLayout(model, tasks, fewshot, limit, samples, temperature, run);
        settings.setAlignItems(FlexComponent.Alignment.BASELINE);
        settings.getStyle().set("flex-wrap", "wrap");
        HorizontalLayout itemRow = new HorizontalLayout(itemTask, wrongOnly);
        itemRow.setAlignItems(FlexComponent.Alignment.BASELINE);
        HorizontalLayout texts = new HorizontalLayout(predictions, references);
        HorizontalLayout metricRow = new HorizontalLayout(metric, stemmer, score);
        metricRow.setAlignItems(FlexComponent.Alignment.BASELINE);
        add(new H1("8. Evaluation"), new HorizontalLayout(new com.vaadin.flow.router.RouterLink("Dashboard: leaderboard, radar, history →",
                DashboardView.class), new com.vaadin.flow.router.RouterLink("Human evaluation and LLM-as-judge →", HumanEvaluationView.class)),
                new Explainer("Measuring a model: benchmarks and metrics", EXPLANATION),
                new H3("1. Benchmarks"), settings, error, progress, scores, downloads, itemRow, items, itemDetail,
                new H3("2. Metrics on your texts"), texts, metricRow, metricResult,
                new H3("3. Perplexity of the model on your text"), perplexityText, ppl, perplexityResult,
                new H3("4. Your own benchmark"), custom);
    }

    /** The grid's middle column: choices' log-likelihoods, the first completion and its result, or a text's size. */
    private static String summary(Map<String, Object> r) {
        if (r.get("loglikelihoods") instanceof double[] ll) {
            return format(ll);
        }
        if (r.get("completions") instanceof List<?> c && !c.isEmpty()) {
            Object result = r.get("results") instanceof List<?> res && !res.isEmpty() ? res.get(0) : r.get("scores");
            String first = String.valueOf(c.get(0)).strip();
            return (first.length() > 120 ? first.substring(0, 120) + "…" : first) + "  →  " + result + (c.size() > 1 ? "  (+" + (c.size() - 1) + " more)" : "");
        }
        return r.containsKey("tokens") ? String.format("%s tokens, log-likelihood %.3f", r.get("tokens"), ((Number) r.get("loglikelihood")).doubleValue()) : "";
    }

    /** The item's score in [0, 1] (acc, pass@1 or the metric), null for perplexity texts. */
    private static Double score(Map<String, Object> r) {
        for (String k : List.of("acc", "pass@1", "score")) {
            if (r.get(k) instanceof Number n) {
                return n.doubleValue();
            }
        }
        return null;
    }

    private void openItem(Map<String, Object> row) {
        Map<String, Object> item = evaluation.item(runId, itemTask.getValue(), ((Number) row.get("doc_id")).intValue());
        StringBuilder b = new StringBuilder("Prompt the model read:\n").append(item.get("prompt")).append("\n\n");
        if (item.get("choices") instanceof List<?> choices) {
            double[] ll = (double[]) item.get("loglikelihoods");
            for (int c = 0; c < choices.size(); c++) {
                b.append(c == ((Number) item.get("pick")).intValue() ? "▶ " : "  ").append(c).append(". ").append(choices.get(c))
                        .append(String.format("   log p = %.4f", ll[c])).append(c == ((Number) item.get("target")).intValue() ? "   (gold)" : "").append('\n');
            }
        }
        if (item.get("completions") instanceof List<?> cs) {
            for (int c = 0; c < cs.size(); c++) {
                Object result = item.get("results") instanceof List<?> rs ? rs.get(c) : item.get("scores") instanceof List<?> sc ? sc.get(c) : "";
                b.append("Completion ").append(c + 1).append(" → ").append(result).append(":\n").append(cs.get(c)).append("\n\n");
            }
        }
        if (Boolean.TRUE.equals(item.get("truncated"))) {
            b.append("(the prompt was cut from the left to fit the model's context)\n");
        }
        itemDetail.setText(b.toString());
        itemDetail.setVisible(true);
    }

    private void perplexity() {
        String id = model.getValue();
        String text = perplexityText.getValue();
        Async.run(this, executor, () -> evaluation.perplexity(id, List.of(text)), p -> perplexityResult.setText(String.format(
                "Perplexity %.3f over %,d tokens; %.4f bits per byte (%,d bytes); log-likelihood %.3f.", p.total().perplexity(),
                p.total().tokens(), p.total().bitsPerByte(), p.total().bytes(), p.total().loglikelihood())), perplexityResult::setText);
    }

    private static String format(double[] ll) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < ll.length; i++) {
            b.append(i == 0 ? "" : "  ").append(i).append(": ").append(String.format("%.3f", ll[i]));
        }
        return b.toString();
    }

    private void start() {
        error.setText("");
        try {
            EvaluationStore.Run r = evaluation.start(new EvaluationService.Request(model.getValue(), new ArrayList<>(tasks.getSelectedItems()),
                    fewshot.getValue(), limit.getValue(), null, samples.getValue(), temperature.getValue(), null, null));
            itemDetail.setVisible(false);
            downloads.removeAll();
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
            if (!name.endsWith("_stderr") && !name.endsWith("_ci95") && !name.equals("n") && v instanceof Number num) {
                String value;
                if (m.get(name + "_ci95") instanceof double[] ci) {
                    value = String.format("%.4f ± %.4f (95 %% bootstrap: %.4f–%.4f)", num.doubleValue(), ((Number) m.get(name + "_stderr")).doubleValue(),
                            ci[0], ci[1]);
                } else {
                    value = num instanceof Double d ? String.format("%.4f", d) : String.valueOf(num);
                }
                rows.add(new String[]{task, name, value, String.valueOf(m.get("n"))});
            }
        }));
        String id = runId;
        Anchor csv = new Anchor(new StreamResource("evaluation-" + id + ".csv",
                () -> new java.io.ByteArrayInputStream(evaluation.resultsCsv(id).getBytes(java.nio.charset.StandardCharsets.UTF_8))), "Download CSV");
        csv.getElement().setAttribute("download", true);
        csv.setId("eval-csv");
        Map<String, Object> config = (Map<String, Object>) results.get("config");
        Span hash = new Span("weights SHA-256 " + String.valueOf(config.get("weights_sha256")).substring(0, 12) + "… · " + config.get("code_version"));
        hash.setId("eval-reproducibility");
        downloads.removeAll();
        downloads.add(csv, hash);
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
        items.setItems(rows.stream().filter(r -> !wrongOnly.getValue() || (score(r) != null && score(r) < 1)).toList());
        itemDetail.setVisible(false);
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
