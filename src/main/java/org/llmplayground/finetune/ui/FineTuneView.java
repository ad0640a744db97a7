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
            <p><b>QLoRA</b> keeps the frozen W in fewer bits and widens it back to floats each time it is used:
            <i>int8</i> stores each row as whole numbers from −127 to 127 times one scale (max|w|/127), a quarter of
            the memory; <i>q4_0</i> (llama.cpp's format) stores 4-bit codes with one scale per 32 weights, about a
            sixth. The adapters stay in full precision and learn around the rounding error. The trade: less memory
            for the base, a little time spent dequantizing, and answers a little different from the float model.</p>
            <p>Try: the demo set with LoRA and the defaults, then <i>Compare</i>: the base model answers almost
            nothing right, the fine-tuned one most. Lower the rank to 2, or adapt only qkv: fewer parameters, slower
            learning.</p>
            """;
    static final String BASE = "shakespeare-char";
    static final List<String> GPT_TARGETS = List.of("qkv", "o", "up", "down");
    static final List<String> LLAMA_TARGETS = List.of("q", "k", "v", "o", "gate", "up", "down");

    private final FineTuneService service;
    private final JobRunner jobs;
    private final BackgroundExecutor executor;
    private final ComboBox<FineTuneService.Base> base = new ComboBox<>("Base model");
    private final ComboBox<SftDatasets.Info> dataset = new ComboBox<>("Instruction set");
    private final Select<String> template = new Select<>();
    private final Grid<FineTuneService.Rendered> preview = new Grid<>();
    private final Span previewInfo = new Span();
    private final Span uploadStatus = new Span();
    private final RadioButtonGroup<String> method = new RadioButtonGroup<>("Method");
    private final IntegerField rank = new IntegerField("Rank r");
    private final NumberField alpha = new NumberField("α");
    private final CheckboxGroup<String> targets = new CheckboxGroup<>("Adapted layers");
    private final CheckboxGroup<Integer> layers = new CheckboxGroup<>("In blocks");
    private final Select<String> quantization = new Select<>();
    private final com.vaadin.flow.component.html.Div diagram = new com.vaadin.flow.component.html.Div();
    private final Span memory = new Span();
    private final IntegerField steps = new IntegerField("Steps");
    private final Span trainable = new Span();
    private final Button start = new Button("Fine-tune");
    private final Span error = new Span();
    private final JobProgress progress;
    private final Chart loss = new Chart();
    private final com.vaadin.flow.component.html.Div sample = new com.vaadin.flow.component.html.Div();
    private final List<String> sampleLines = new ArrayList<>();
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
                new H3("1. Instructions"), datasetRow(), uploadBox(), previewInfo, preview,
                new H3("2. Method"), methodRow(), diagram, trainable, memory, start, error, progress, loss, sample,
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
        base.setId("finetune-base");
        List<FineTuneService.Base> bases = service.bases();
        base.setItems(bases);
        base.setItemLabelGenerator(b -> String.format("%s (%,d parameters)", b.name(), b.parameters()));
        base.setWidth("24em");
        base.setHelperText("bundled, trained here (opened from a run) or imported");
        bases.stream().filter(b -> b.id().equals(BASE)).findFirst().ifPresent(base::setValue);
        base.addValueChangeListener(e -> baseChanged());
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
        HorizontalLayout row = new HorizontalLayout(base, dataset, template);
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        row.getStyle().set("flex-wrap", "wrap");
        return row;
    }

    /**
     * An instruction set of one's own: streamed into the workspace's datasets/finetune folder, checked there (at least
     * three usable examples, problems named by line and field) and selected; a file that fails is not kept.
     */
    private com.vaadin.flow.component.Component uploadBox() {
        com.vaadin.flow.component.upload.Upload upload = new com.vaadin.flow.component.upload.Upload(event -> {
            com.vaadin.flow.component.UI ui = event.getUI();
            try {
                SftDatasets.Uploaded u = service.upload(event.getFileName(), event.getInputStream());
                ui.access(() -> {
                    List<SftDatasets.Info> all = service.datasets();
                    dataset.setItems(all);
                    all.stream().filter(i -> i.id().equals(u.dataset().id())).findFirst().ifPresent(dataset::setValue);
                    uploadStatus.removeClassName("pg-error");
                    uploadStatus.setText(String.format("Uploaded %s: %,d examples (%s layout)%s", u.dataset().id(), u.examples(), u.layout(),
                            u.skipped() == 0 ? "." : String.format("; %,d skipped: %s", u.skipped(), String.join("; ", u.problems()))));
                });
            } catch (RuntimeException e) { // a bad file (400), too large (413) or too many uploads at once (429): said, not kept
                ui.access(() -> {
                    uploadStatus.addClassName("pg-error");
                    uploadStatus.setText(e.getMessage());
                });
            }
        });
        upload.setId("finetune-upload");
        upload.setMaxFiles(1);
        upload.setMaxFileSize((int) org.llmplayground.finetune.SftFormats.MAX_BYTES);
        upload.setAcceptedFileTypes(".jsonl", ".json");
        upload.setDropLabel(new Span("Upload your own set: .jsonl or .json in Alpaca (instruction, input, output), messages/ShareGPT "
                + "or prompt/completion layout, up to " + (org.llmplayground.finetune.SftFormats.MAX_BYTES >> 20) + " MB"));
        upload.addFileRejectedListener(e -> {
            uploadStatus.addClassName("pg-error");
            uploadStatus.setText("'" + e.getFileName() + "' was not uploaded: " + e.getErrorMessage());
        });
        upload.addAllFinishedListener(e -> upload.clearFileList());
        uploadStatus.setId("finetune-upload-status");
        com.vaadin.flow.component.orderedlayout.VerticalLayout box = new com.vaadin.flow.component.orderedlayout.VerticalLayout(upload, uploadStatus);
        box.setPadding(false);
        box.setSpacing(false);
        return box;
    }

    private HorizontalLayout methodRow() {
        method.setId("finetune-method");
        method.setItems("LoRA", "QLoRA", "Full");
        quantization.setId("finetune-quantization");
        quantization.setLabel("Base held as");
        quantization.setItems("q4_0", "int8");
        quantization.setValue("q4_0");
        quantization.setVisible(false);
        quantization.addValueChangeListener(e -> countTrainable());
        layers.setId("finetune-layers");
        layers.addValueChangeListener(e -> countTrainable());
        diagram.setId("finetune-diagram");
        memory.setId("finetune-memory");
        method.setValue("LoRA");
        rank.setId("finetune-rank");
        rank.setValue(16);
        rank.setMin(1);
        rank.setStepButtonsVisible(true);
        alpha.setId("finetune-alpha");
        alpha.setValue(32.0);
        targets.setId("finetune-targets");
        setTargetsAndLayers();
        steps.setId("finetune-steps");
        steps.setValue(4000);
        steps.setMin(1);
        steps.setHelperText("4,000 ≈ 5 to 8 minutes on 2 cores");
        trainable.setId("finetune-trainable");
        method.addValueChangeListener(e -> countTrainable());
        targets.addValueChangeListener(e -> countTrainable());
        rank.addValueChangeListener(e -> countTrainable());
        start.setId("finetune-start");
        start.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        start.addClickListener(e -> start());
        HorizontalLayout row = new HorizontalLayout(method, quantization, rank, alpha, targets, layers, steps);
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
                com.vaadin.flow.component.html.Anchor open = new com.vaadin.flow.component.html.Anchor("chat?model=" + info.id()
                        + "&template=" + template.getValue(), "Open it in Chat");
                open.setId("finetune-open-chat");
                merged.add(new Span("Saved and loaded as model '" + info.id() + "' (" + String.format("%,d", info.parameters())
                        + " parameters, the adapters folded in). "), open, new Span(" (with the " + template.getValue() + " template)."));
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
                new TreeSet<>(targets.getValue()), chosenLayers());
    }

    /** The blocks chosen; all of them is written as none (every block). */
    private Set<Integer> chosenLayers() {
        ModelConfig c = baseConfig();
        return c == null || layers.getValue().size() == c.layers() ? Set.of() : new TreeSet<>(layers.getValue());
    }

    private ModelConfig baseConfig() {
        return base.getValue() == null ? null : base.getValue().config();
    }

    private List<String> targetChoices() {
        ModelConfig c = baseConfig();
        return c != null && c.activation() == org.llmplayground.model.FeedForwardActivation.SWIGLU ? LLAMA_TARGETS : GPT_TARGETS;
    }

    /** The target and block choices of the chosen base: a SwiGLU (Llama) block has q, k, v, o, gate, up, down. */
    private void setTargetsAndLayers() {
        List<String> choices = targetChoices();
        targets.setItems(choices);
        targets.setValue(new LinkedHashSet<>(choices.equals(GPT_TARGETS) ? GPT_TARGETS : List.of("q", "k", "v", "o")));
        ModelConfig c = baseConfig();
        List<Integer> blocks = new ArrayList<>();
        for (int i = 0; c != null && i < c.layers(); i++) {
            blocks.add(i);
        }
        layers.setItems(blocks);
        layers.setValue(new LinkedHashSet<>(blocks));
    }

    private void baseChanged() {
        setTargetsAndLayers();
        boolean chars = base.getValue() != null && BASE.equals(base.getValue().id());
        template.setValue(chars ? "plain" : "alpaca");
        template.setHelperText(chars ? "the demo's base knows no '#' or '<': plain" : "");
        steps.setValue(chars ? 4000 : 200);
        steps.setHelperText(chars ? "4,000 ≈ 5 to 8 minutes on 2 cores" : "");
        countTrainable();
    }

    /**
     * The block as boxes, one row per block, the adapted linear layers highlighted: what LoRA will touch. Norms and
     * attention itself have no adapters (they are not the big matrices).
     */
    private void drawDiagram(boolean adapters) {
        diagram.removeAll();
        ModelConfig c = baseConfig();
        if (c == null) {
            return;
        }
        Set<Integer> chosen = chosenLayers();
        List<String> parts = new ArrayList<>(List.of("norm", "qkv".equals(targetChoices().get(0)) ? "qkv" : "q k v", "attention", "o", "norm"));
        parts.addAll(targetChoices().contains("gate") ? List.of("gate", "up", "SiLU·", "down") : List.of("up", "GELU", "down"));
        int shown = Math.min(c.layers(), 12);
        for (int i = 0; i < shown; i++) {
            com.vaadin.flow.component.html.Div row = new com.vaadin.flow.component.html.Div();
            row.getStyle().set("display", "flex").set("gap", "4px").set("margin", "2px 0").set("font-size", "var(--lumo-font-size-xs)");
            Span label = new Span("block " + i);
            label.getStyle().set("width", "5em");
            row.add(label);
            boolean inBlock = adapters && (chosen.isEmpty() || chosen.contains(i));
            for (String part : parts) {
                boolean on = inBlock && (part.equals("q k v") ? targets.getValue().stream().anyMatch(Set.of("q", "k", "v")::contains)
                        : targets.getValue().contains(part));
                Span box = new Span(part);
                box.getStyle().set("padding", "1px 6px").set("border-radius", "4px").set("border", "1px solid var(--lumo-contrast-30pct)");
                if (on) {
                    box.addClassName("pg-adapted");
                    box.getStyle().set("background", "var(--lumo-primary-color)").set("color", "var(--lumo-primary-contrast-color)");
                } else if (!adapters && !part.equals("attention") && !part.startsWith("GELU") && !part.startsWith("SiLU")) {
                    box.getStyle().set("background", "var(--lumo-primary-color-10pct)");
                }
                row.add(box);
            }
            diagram.add(row);
        }
        if (c.layers() > shown) {
            diagram.add(new Span("… and " + (c.layers() - shown) + " more blocks alike"));
        }
    }

    /**
     * What will train, before starting: the LoRA count from the base's shapes, or every weight; and the memory the
     * weights and the training state take (each trained number carries a gradient and two AdamW moments).
     */
    private void countTrainable() {
        ModelConfig c = baseConfig();
        if (c == null) {
            trainable.setText("Load a model that reads text (the Transformer lab imports them) to fine-tune it.");
            return;
        }
        String name = base.getValue().name();
        long total = ParameterCounter.count(c).total();
        boolean adapters = !"Full".equals(method.getValue());
        boolean qlora = "QLoRA".equals(method.getValue());
        rank.setEnabled(adapters);
        alpha.setEnabled(adapters);
        targets.setEnabled(adapters);
        layers.setEnabled(adapters);
        quantization.setVisible(qlora);
        drawDiagram(adapters);
        long linear = 0;
        long quantized = 0;
        org.llmplayground.model.nn.Quantized.Scheme scheme = org.llmplayground.model.nn.Quantized.Scheme.parse(quantization.getValue());
        for (String t : targetChoices().equals(GPT_TARGETS) ? List.of("q", "k", "v", "o", "up", "down") : LLAMA_TARGETS) {
            long[] io = Lora.shape(c, t);
            linear += io[0] * io[1] * c.layers();
            quantized += org.llmplayground.model.nn.Quantized.bytes(io[1], io[0], scheme) * c.layers();
        }
        long weightBytes = qlora ? (total - linear) * 4 + quantized : total * 4;
        if (!adapters) {
            trainable.setText(String.format("Full fine-tuning trains all %,d parameters of %s (and keeps AdamW moments for each).", total, name));
            memory.setText(String.format("Memory: weights %s + gradients and AdamW moments %s.", mb(weightBytes), mb(total * 12)));
            return;
        }
        if (targets.getValue().isEmpty() || layers.getValue().isEmpty() || rank.getValue() == null || rank.getValue() < 1) {
            trainable.setText("Choose a rank of at least 1, at least one layer and at least one block.");
            memory.setText("");
            return;
        }
        long n = Lora.count(c, spec());
        trainable.setText(String.format("%s trains %,d of %,d parameters (%.1f %%) of %s; the rest stay frozen.", qlora ? "QLoRA" : "LoRA",
                n, total, 100.0 * n / total, name));
        memory.setText(String.format("Memory: weights %s%s + adapters' gradients and AdamW moments %s (full fine-tuning: %s + %s).",
                mb(weightBytes), qlora ? String.format(" (the blocks' linear layers as %s: %s instead of %s)", scheme.id(), mb(quantized),
                        mb(linear * 4)) : "", mb(n * 12), mb(total * 4), mb(total * 12)));
    }

    private static String mb(long bytes) {
        return bytes >= 10_000_000 ? String.format("%,.0f MB", bytes / 1e6) : String.format("%,.2f MB", bytes / 1e6);
    }

    private void start() {
        error.setText("");
        try {
            if (base.getValue() == null) {
                throw new BadInputException("Choose a base model.");
            }
            if (dataset.getValue() == null) {
                throw new BadInputException("Choose an instruction set.");
            }
            String m = switch (method.getValue()) {
                case "QLoRA" -> "qlora";
                case "Full" -> "full";
                default -> "lora";
            };
            TrainingConfig.FineTune chosen = new TrainingConfig.FineTune(dataset.getValue().id(), template.getValue(), m,
                    rank.getValue(), alpha.getValue(), 0.0, targetChoices().stream().filter(targets.getValue()::contains).toList(),
                    new ArrayList<>(chosenLayers()), false, "qlora".equals(m) ? quantization.getValue() : null);
            int max = steps.getValue() == null ? 0 : steps.getValue();
            if (max < 1) {
                throw new BadInputException("Train for at least 1 step.");
            }
            TrainingRun run = service.start(service.configFor(base.getValue().id(), chosen, max));
            runId = run.id();
            stepList.clear();
            evalList.clear();
            sampleLines.clear();
            sample.removeAll();
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
        if (e.sample() != null) { // newest first: how the answers to the fixed validation instructions evolve
            sampleLines.add(0, "Answers at step " + e.sample().step() + ":\n" + e.sample().text());
            sample.removeAll();
            sampleLines.stream().limit(3).forEach(l -> {
                com.vaadin.flow.component.html.Div block = new com.vaadin.flow.component.html.Div();
                block.getStyle().set("white-space", "pre-wrap").set("margin-bottom", "var(--lumo-space-s)");
                block.setText(l);
                sample.add(block);
            });
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
