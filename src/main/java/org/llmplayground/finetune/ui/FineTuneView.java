package org.llmplayground.finetune.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.CheckboxGroup;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.micronaut.context.annotation.Prototype;
import org.llmplayground.app.ui.MainLayout;
import org.llmplayground.core.BackgroundExecutor;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.chart.Chart;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.core.ui.Async;
import org.llmplayground.core.ui.Explainer;
import org.llmplayground.core.ui.JobProgress;
import org.llmplayground.finetune.FineTuneService;
import org.llmplayground.finetune.SftDatasets;
import org.llmplayground.model.ModelConfig;
import org.llmplayground.model.ParameterCounter;
import org.llmplayground.model.nn.Lora;
import org.llmplayground.training.Trainer;
import org.llmplayground.training.TrainingCharts;
import org.llmplayground.training.TrainingConfig;
import org.llmplayground.training.TrainingEvent;
import org.llmplayground.training.TrainingRun;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Lab 6: supervised fine-tuning. Pick an instruction set and see its examples as the model will read them (the
 * prompt greyed: no loss there; the reply: learned), choose LoRA or full fine-tuning and see what trains before
 * starting, watch the loss fall live, then ask the base model and the fine-tuned one the same held-out questions.
 */
@Route(value = "finetune", layout = MainLayout.class)
@PageTitle("Fine-tuning · LLM Playground")
@Prototype
public class FineTuneView extends VerticalLayout {
    static final String EXPLANATION = """
            <p>A pre-trained model continues text: asked <i>Reverse the word: moth</i>, Shakespeare's model writes more
            Shakespeare. <b>Supervised fine-tuning</b> (SFT) shows it instructions with the answers to give, rendered
            through a chat template, and trains on the answers only: the prompt's tokens get no loss
            (<i>loss masking</i>), so the model learns to answer, not to write instructions.</p>
            <p><b>LoRA</b> freezes every weight W (out × in) and learns a low-rank update beside it:
            <code>y = x·Wᵀ + (α/r)·(x·Aᵀ)·Bᵀ</code>, with A (r × in) and B (out × r). For GPT-2 small's attention input
            (in 768, out 2,304) at r = 8 that is 8·768 + 2,304·8 = 24,576 trained numbers instead of 1,769,472 (1.4 %).
            <b>B starts at zero</b>, so step 0 is exactly the base model; A starts random so B's first gradient is not
            zero. After training, W + (α/r)·B·A can be <b>merged</b> into one standalone model.</p>
            <p><b>QLoRA</b> keeps the frozen W in 8 or 4 bits and widens it on the fly: a quarter or an eighth of the
            memory for the base, at some speed and a small rounding error (coming).</p>
            <p>Try: the demo set with LoRA and the defaults, then <i>Compare</i>: the base model answers almost
            nothing right, the fine-tuned one most. Lower the rank to 2, or adapt only qkv: fewer parameters, slower
            learning.</p>
            """;
    static final String BASE = "shakespeare-char";

    private final FineTuneService service;
    private final JobRunner jobs;
    private final BackgroundExecutor executor;
    private final ComboBox<SftDatasets.Info> dataset = new ComboBox<>("Instruction set");
    private final Select<String> template = new Select<>();
    private final Grid<FineTuneService.Rendered> preview = new Grid<>();
    private final Span previewInfo = new Span();
    private final RadioButtonGroup<String> method = new RadioButtonGroup<>("Method");
    private final IntegerField rank = new IntegerField("Rank r");
    private final NumberField alpha = new NumberField("α");
    private final CheckboxGroup<String> targets = new CheckboxGroup<>("Adapted layers (every block)");
    private final IntegerField steps = new IntegerField("Steps");
    private final Span trainable = new Span();
    private final Button start = new Button("Fine-tune");
    private final Span error = new Span();
    private final JobProgress progress;
    private final Chart loss = new Chart();
    private final Span sample = new Span();
    private final Button compare = new Button("Compare base vs fine-tuned");
    private final Span accuracy = new Span();
    private final Grid<FineTuneService.Example> answers = new Grid<>();
    private final com.vaadin.flow.component.textfield.TextField mergeName = new com.vaadin.flow.component.textfield.TextField("Save as model");
    private final Button merge = new Button("Merge and save");
    private final Span merged = new Span();
    private final List<Trainer.StepMetrics> stepList = new ArrayList<>();
    private final List<Trainer.EvalMetrics> evalList = new ArrayList<>();
    private String runId;

    public FineTuneView(FineTuneService service, JobRunner jobs, BackgroundExecutor executor) {
        this.service = service;
        this.jobs = jobs;
        this.executor = executor;
        this.progress = new JobProgress(jobs, "finetune").items("steps").onPayload(this::onEvent).onFinished(r -> finished());
        setWidthFull();
        error.setId("finetune-error");
        error.addClassName("pg-error");
        add(new H1("6. Fine-tuning"), new Explainer("Teaching a model to follow instructions", EXPLANATION),
                new H3("1. Instructions"), datasetRow(), previewInfo, preview,
                new H3("2. Method"), methodRow(), trainable, start, error, progress, loss, sample,
                new H3("3. Base vs fine-tuned"), compare, accuracy, answers, new H3("4. Keep it"), mergeRow(), merged);
        configurePreview();
        configureAnswers();
        loss.setId("finetune-loss-chart");
        loss.setHeight("300px");
        loss.setVisible(false);
        sample.setId("finetune-sample");
        showPreview();
        countTrainable();
    }

    private HorizontalLayout datasetRow() {
        dataset.setId("finetune-dataset");
        dataset.setItems(service.datasets());
        dataset.setItemLabelGenerator(SftDatasets.Info::title);
        dataset.setWidth("32em");
        dataset.setValue(service.datasets().get(0));
        dataset.addValueChangeListener(e -> showPreview());
        template.setId("finetune-template");
        template.setLabel("Template");
        template.setItems("plain", "alpaca", "chatml", "llama2");
        template.setValue("plain");
        template.setHelperText("the demo's base knows no '#' or '<': plain");
        template.addValueChangeListener(e -> showPreview());
        HorizontalLayout row = new HorizontalLayout(dataset, template);
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        return row;
    }

    private HorizontalLayout methodRow() {
        method.setId("finetune-method");
        method.setItems("LoRA", "Full");
        method.setValue("LoRA");
        rank.setId("finetune-rank");
        rank.setValue(16);
        rank.setMin(1);
        rank.setStepButtonsVisible(true);
        alpha.setId("finetune-alpha");
        alpha.setValue(32.0);
        targets.setId("finetune-targets");
        targets.setItems("qkv", "o", "up", "down");
        targets.setValue(Set.of("qkv", "o", "up", "down"));
        steps.setId("finetune-steps");
        steps.setValue(2500);
        steps.setMin(1);
        steps.setHelperText("2,500 ≈ 6 minutes here");
        trainable.setId("finetune-trainable");
        method.addValueChangeListener(e -> countTrainable());
        targets.addValueChangeListener(e -> countTrainable());
        rank.addValueChangeListener(e -> countTrainable());
        start.setId("finetune-start");
        start.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        start.addClickListener(e -> start());
        HorizontalLayout row = new HorizontalLayout(method, rank, alpha, targets, steps);
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        row.getStyle().set("flex-wrap", "wrap");
        return row;
    }

    /** Merge W + (α/r)·B·A into a standalone model, then a link to talk to it in the Chat playground. */
    private HorizontalLayout mergeRow() {
        mergeName.setId("finetune-merge-name");
        mergeName.setValue("my-fine-tuned");
        merge.setId("finetune-merge");
        merge.setEnabled(false);
        merged.setId("finetune-merged");
        merge.addClickListener(e -> {
            try {
                var info = service.merge(runId, mergeName.getValue().strip());
                merged.removeAll();
                merged.setText("");
                merged.add(new Span("Saved and loaded as model '" + info.id() + "' (" + String.format("%,d", info.parameters())
                        + " parameters, the adapters folded in). "), new com.vaadin.flow.component.html.Anchor("chat", "Open the Chat playground"),
                        new Span(" and pick it, with the plain template."));
            } catch (BadInputException ex) {
                merged.removeAll();
                merged.setText(ex.getMessage());
            }
        });
        HorizontalLayout row = new HorizontalLayout(mergeName, merge);
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        return row;
    }

    private void configurePreview() {
        preview.setId("finetune-preview");
        preview.addThemeVariants(GridVariant.LUMO_WRAP_CELL_CONTENT, GridVariant.LUMO_COMPACT);
        preview.addComponentColumn(r -> {
            Span s = new Span(r.prompt());
            s.addClassName("pg-muted");
            s.getStyle().set("white-space", "pre-wrap");
            return s;
        }).setHeader("Prompt (no loss)").setFlexGrow(3);
        preview.addComponentColumn(r -> {
            Span s = new Span(r.reply());
            s.getStyle().set("font-weight", "600").set("white-space", "pre-wrap");
            return s;
        }).setHeader("Reply (learned)").setFlexGrow(1);
        preview.setAllRowsVisible(true);
        previewInfo.setId("finetune-preview-info");
    }

    private void configureAnswers() {
        compare.setId("finetune-compare");
        compare.setEnabled(false);
        compare.addClickListener(e -> compare());
        accuracy.setId("finetune-accuracy");
        answers.setId("finetune-answers");
        answers.addThemeVariants(GridVariant.LUMO_WRAP_CELL_CONTENT, GridVariant.LUMO_COMPACT);
        answers.addColumn(FineTuneService.Example::task).setHeader("Task").setAutoWidth(true).setFlexGrow(0);
        answers.addColumn(e -> e.prompt().replace("\n", " ⏎ ")).setHeader("Prompt").setFlexGrow(3);
        answers.addColumn(FineTuneService.Example::expected).setHeader("Expected").setFlexGrow(1);
        answers.addColumn(e -> mark(e.base(), e.expected())).setHeader("Base").setFlexGrow(1);
        answers.addColumn(e -> mark(e.tuned(), e.expected())).setHeader("Fine-tuned").setFlexGrow(1);
        answers.setVisible(false);
    }

    private static String mark(String answer, String expected) {
        return (answer.strip().equals(expected.strip()) ? "✓ " : "✗ ") + (answer.isBlank() ? "(nothing)" : answer);
    }

    private void showPreview() {
        SftDatasets.Info set = dataset.getValue();
        if (set == null) {
            return;
        }
        try {
            FineTuneService.Preview p = service.preview(set.id(), template.getValue(), 4);
            preview.setItems(p.examples());
            previewInfo.setText(String.format("%,d train / %,d validation / %,d test examples (%s layout)%s", p.train(), p.val(),
                    p.test(), p.layout(), p.skipped() == 0 ? "" : String.format(" · %,d skipped (%s)", p.skipped(), p.problems().get(0))));
            error.setText("");
        } catch (BadInputException e) {
            error.setText(e.getMessage());
        }
    }

    private Lora.Spec spec() {
        return new Lora.Spec(rank.getValue() == null ? 0 : rank.getValue(), alpha.getValue() == null ? 0 : alpha.getValue(), 0,
                new TreeSet<>(targets.getValue()), Set.of());
    }

    /** What will train, before starting: the LoRA count from the base's shapes, or every weight. */
    private void countTrainable() {
        ModelConfig base = service.baseConfig(BASE);
        long total = ParameterCounter.count(base).total();
        boolean lora = "LoRA".equals(method.getValue());
        rank.setEnabled(lora);
        alpha.setEnabled(lora);
        targets.setEnabled(lora);
        if (!lora) {
            trainable.setText(String.format("Full fine-tuning trains all %,d parameters of %s (and keeps AdamW moments for each).", total, BASE));
            return;
        }
        if (targets.getValue().isEmpty() || rank.getValue() == null || rank.getValue() < 1) {
            trainable.setText("Choose a rank of at least 1 and at least one layer.");
            return;
        }
        long n = Lora.count(base, spec());
        trainable.setText(String.format("LoRA trains %,d of %,d parameters (%.1f %%) of %s; the rest stay frozen.", n, total,
                100.0 * n / total, BASE));
    }

    private void start() {
        error.setText("");
        try {
            TrainingConfig demo = service.demoConfig();
            TrainingConfig.FineTune f = demo.finetune();
            boolean lora = "LoRA".equals(method.getValue());
            TrainingConfig.FineTune chosen = new TrainingConfig.FineTune(dataset.getValue().id(), template.getValue(),
                    lora ? "lora" : "full", rank.getValue(), alpha.getValue(), f.loraDropout(), new ArrayList<>(new LinkedHashSet<>(
                    List.of("qkv", "o", "up", "down").stream().filter(targets.getValue()::contains).toList())), f.layers(), f.trainOnPrompt(), null);
            TrainingConfig.Training t = demo.training();
            int max = steps.getValue() == null ? 0 : steps.getValue();
            TrainingConfig config = new TrainingConfig("fine-tune " + dataset.getValue().id(), demo.description(), demo.seed(), demo.data(),
                    demo.model(), t.toBuilder().maxSteps(max).warmupSteps(Math.min(t.warmupSteps(), Math.max(0, max))).learningRate(
                    lora ? t.learningRate() : 1e-3).build(), demo.sampling(), chosen);
            TrainingRun run = service.start(config);
            runId = run.id();
            stepList.clear();
            evalList.clear();
            loss.setVisible(true);
            compare.setEnabled(false);
            start.setEnabled(false);
            progress.follow(jobs.get(run.jobId()));
        } catch (BadInputException e) {
            error.setText(e.getMessage());
        }
    }

    private void onEvent(Object payload) {
        if (!(payload instanceof TrainingEvent e)) {
            return;
        }
        if (e.step() != null) {
            stepList.add(e.step());
        }
        if (e.eval() != null) {
            evalList.add(e.eval());
        }
        if (e.sample() != null) {
            sample.setText("Sample at step " + e.sample().step() + ": " + e.sample().text().replace("\n", " ⏎ "));
        }
        if (e.step() == null || e.step().step() % 10 == 0 || e.eval() != null) {
            loss.setOption(TrainingCharts.loss(stepList, evalList, List.of()));
        }
    }

    private void finished() {
        start.setEnabled(true);
        loss.setOption(TrainingCharts.loss(stepList, evalList, List.of()));
        boolean ready = runId != null && service.adapters().stream().anyMatch(a -> a.id().equals(runId) && a.files());
        compare.setEnabled(ready);
        merge.setEnabled(ready);
    }

    private void compare() {
        compare.setEnabled(false);
        accuracy.setText("Asking both models the 200 held-out test instructions…");
        Async.run(this, executor, () -> service.compare(runId, "test", null, null), c -> {
            accuracy.setText(String.format("Exact match on %d held-out test instructions: base %.1f %% → fine-tuned %.1f %%",
                    c.base().n(), 100 * c.base().accuracy(), 100 * c.tuned().accuracy()));
            answers.setItems(c.examples());
            answers.setVisible(true);
            compare.setEnabled(true);
        }, message -> {
            accuracy.setText(message);
            compare.setEnabled(true);
        });
    }
}
