package org.llmplayground.training.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import io.micronaut.context.annotation.Prototype;
import org.llmplayground.app.ui.MainLayout;
import org.llmplayground.core.BackgroundExecutor;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.chart.Chart;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.core.jobs.Subscription;
import org.llmplayground.core.ui.Async;
import org.llmplayground.core.ui.Explainer;
import org.llmplayground.core.ui.JobProgress;
import org.llmplayground.core.ui.Notices;
import org.llmplayground.training.Checkpoints;
import org.llmplayground.training.Trainer;
import org.llmplayground.training.TrainingChecks;
import org.llmplayground.training.TrainingConfig;
import org.llmplayground.training.TrainingCharts;
import org.llmplayground.training.TrainingEvent;
import org.llmplayground.training.TrainingQueries;
import org.llmplayground.training.TrainingConfigs;
import org.llmplayground.training.TrainingRun;
import org.llmplayground.training.TrainingService;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Lab 3: pre-training. Set up a run, start it, and watch it learn: the loss curves, learning rate, gradient norm and
 * throughput arrive by server push while the trainer runs, and the samples turn from noise into Shakespeare-like
 * text. Past runs can be compared on the loss chart; checkpoints can be resumed from or opened as models. A running
 * run is picked up again after a page reload.
 */
@Route(value = "training", layout = MainLayout.class)
@PageTitle("Training · LLM Playground")
@Prototype
public class TrainingView extends VerticalLayout implements com.vaadin.flow.router.BeforeEnterObserver {
    static final String EXPLANATION = "<p><b>What training minimises.</b> At every position the model outputs a probability for "
            + "each possible next token; the loss is the <i>cross-entropy</i>, the negative log-probability it gave the token that "
            + "really came next, averaged over all B × T positions of a batch:<br><code>L = −(1/BT) Σ log p(x<sub>t+1</sub> | "
            + "x<sub>≤t</sub>)</code><br>Guessing uniformly among V tokens gives ln V (ln 65 ≈ 4.17 for Shakespeare's characters), "
            + "which is where a new model starts. <i>Perplexity</i> = e<sup>L</sup> is the number of tokens the model is "
            + "effectively choosing between: 4.17 → 65 choices, 1.5 → 4.5.</p>"
            + "<p><b>Why warm-up and cosine decay.</b> AdamW scales each step by running averages of the gradient and its square; "
            + "in the first steps those averages are noise, so the learning rate climbs linearly from 0 over the warm-up steps. "
            + "Later, a large rate keeps bouncing around the bottom of the valley; decaying it along a half cosine "
            + "<code>lr = min + ½(max − min)(1 + cos(π·progress))</code> lets the model settle.</p>"
            + "<p><b>Clipping and accumulation.</b> The gradient norm chart shows ‖g‖ over all parameters; when a batch produces "
            + "a spike, global-norm clipping rescales g to at most the threshold (1.0), keeping its direction. Gradient "
            + "accumulation adds up the gradients of k micro-batches before one update: the same step as a k-times larger batch, "
            + "at the memory cost of one micro-batch.</p>"
            + "<p><b>Reading the two curves.</b> Train loss is measured on text the model learns from, val loss on held-out text. "
            + "While both fall, the model learns things that generalise. When train keeps falling but val flattens and then "
            + "rises, the model is memorising its training text: <i>overfitting</i>. More data, dropout, weight decay or an "
            + "earlier stop help.</p>"
            + "<p><b>Try:</b> start the quickstart run (about a minute here) and watch the samples go from random letters to words within a few hundred "
            + "steps; set the learning rate to 0.01 and see the loss spike; train the tiny model for 2,000 steps and compare it "
            + "with the baby one on the chart; make accumulation 4 with batch 4 and check the curve matches batch 16.</p>";
    private static final ScheduledExecutorService TICKER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "training-ui-ticker");
        t.setDaemon(true);
        return t;
    });
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MMM d HH:mm", Locale.ROOT).withZone(ZoneId.systemDefault());

    private final TrainingService service;
    private final TrainingQueries queries;
    private final TrainingChecks checks;
    private final BackgroundExecutor executor;
    private final SettingsForm settings = new SettingsForm();
    private final JobProgress jobLine;
    private final Button pause = new Button("Pause");
    private final com.vaadin.flow.component.textfield.IntegerField checkpointEvery =
            new com.vaadin.flow.component.textfield.IntegerField("Checkpoint every (steps)");
    private final Button applyCheckpoint = new Button("Apply");
    private final Button resume = new Button("Resume");
    private final Button stop = new Button("Stop");
    private final Span error;
    private final H3 runTitle = new H3();
    private final Span status = new Span();
    private final Chart lossChart = new Chart();
    private final Chart lrChart = new Chart();
    private final Chart gradChart = new Chart();
    private final Chart speedChart = new Chart();
    private final MultiSelectComboBox<TrainingRun> overlay = new MultiSelectComboBox<>("Compare with past runs (val loss)");
    private final Div samples = new Div();
    private final Grid<TrainingRun> runs = new Grid<>();
    private final Grid<Checkpoints.Saved> checkpoints = new Grid<>();

    /** The run shown: its recorded history plus what arrived since, guarded by {@code this}. */
    private TrainingRun current;
    /** The shown run's page in Experiments: its full record, compared with other runs. */
    private final com.vaadin.flow.component.html.Anchor track = new com.vaadin.flow.component.html.Anchor("", "Open in Experiments");
    private final List<Trainer.StepMetrics> steps = new ArrayList<>();
    private final List<Trainer.EvalMetrics> evals = new ArrayList<>();
    private final List<Trainer.Sample> sampleList = new ArrayList<>();
    private List<TrainingQueries.History> overlays = List.of();
    private List<TrainingRun> allRuns = List.of();
    private boolean resubscribe;
    private volatile boolean dirty;
    private volatile boolean runsDirty;
    private Subscription subscription;
    private ScheduledFuture<?> ticker;

    public TrainingView(TrainingService service, TrainingQueries queries, TrainingChecks checks, JobRunner jobs,
                        BackgroundExecutor executor) {
        this.service = service;
        this.queries = queries;
        this.checks = checks;
        this.executor = executor;
        this.error = settings.error;
        this.jobLine = new JobProgress(jobs, "training").items("steps").withoutCancel();
        setWidthFull();
        configureForm();
        add(new H1("3. Training"), new Explainer("How a language model learns", EXPLANATION), settings, controls(), error,
                runTitle, jobLine, status, lossChart, smallCharts(), overlay, new H3("Samples"), samples, new H3("Runs"), runs,
                new H3("Checkpoints of this run"), checkpoints);
        configure();
    }

    /** The form fires; the view calls the services. */
    private void configureForm() {
        settings.addLoadListener(e -> settings.name.setValue(checks.freeName(e.baseName)));
        settings.addChangeListener(e -> {
            if (e.config != null) {
                TrainingConfig c = e.config;
                Async.run(this, executor, () -> checks.estimate(c), settings::showEstimate, settings::showEstimateProblem);
            }
        });
        settings.addStartListener(e -> startRun(e.config));
    }

    private HorizontalLayout controls() {
        pause.setId("training-pause");
        pause.addClickListener(e -> act(() -> service.pause(current.id())));
        resume.setId("training-resume");
        resume.addClickListener(e -> act(() -> service.resume(current.id())));
        stop.setId("training-stop");
        stop.addThemeVariants(ButtonVariant.LUMO_ERROR);
        stop.addClickListener(e -> act(() -> service.stop(current.id())));
        for (Button b : List.of(pause, resume, stop)) {
            b.setDisableOnClick(true); // the run's next state decides again
        }
        runTitle.setId("training-run-title");
        status.setId("training-run-status");
        status.addClassNames("pg-muted", "pg-help-scope");
        checkpointEvery.setId("training-checkpoint-every");
        checkpointEvery.setMin(1);
        checkpointEvery.setStepButtonsVisible(true);
        checkpointEvery.setWidth("12em");
        checkpointEvery.setHelperText("a crash loses at most this many steps, less one");
        applyCheckpoint.setId("training-checkpoint-apply");
        applyCheckpoint.addClickListener(e -> act(() -> service.setCheckpointInterval(current.id(),
                checkpointEvery.getValue() == null ? 0 : checkpointEvery.getValue())));
        track.setId("training-track");
        track.setVisible(false);
        HorizontalLayout row = new HorizontalLayout(settings.start, pause, resume, stop, checkpointEvery, applyCheckpoint, track);
        row.setAlignItems(com.vaadin.flow.component.orderedlayout.FlexComponent.Alignment.BASELINE);
        return row;
    }

    private HorizontalLayout smallCharts() {
        lrChart.setId("training-lr-chart");
        gradChart.setId("training-grad-chart");
        speedChart.setId("training-speed-chart");
        for (Chart c : List.of(lrChart, gradChart, speedChart)) {
            c.setHeight("220px");
        }
        HorizontalLayout row = new HorizontalLayout(lrChart, gradChart, speedChart);
        row.setWidthFull();
        return row;
    }

    private void configure() {
        lossChart.setId("training-loss-chart");
        lossChart.setHeight("340px");
        overlay.setId("training-overlay");
        overlay.setWidth("40em");
        overlay.setItemLabelGenerator(r -> r.name() + " · " + TIME.format(r.createdAt()));
        overlay.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                loadOverlays(e.getValue());
            }
        });
        samples.setId("training-samples");
        samples.addClassName("pg-samples");
        runs.setId("training-runs");
        runs.addColumn(TrainingRun::name).setHeader("Run").setFlexGrow(2);
        // fixed, not auto: an auto width is measured once on the first rows ("running") and would cut "finished" later
        runs.addColumn(r -> r.state().name().toLowerCase(Locale.ROOT)).setHeader("State").setWidth("7.5em").setFlexGrow(0);
        runs.addColumn(r -> String.format(Locale.ROOT, "%,d / %,d", r.step(), r.maxSteps())).setHeader("Steps").setAutoWidth(true).setFlexGrow(0);
        runs.addColumn(r -> r.bestValLoss() == null ? "" : String.format(Locale.ROOT, "%.4f", r.bestValLoss())).setHeader("Best val loss")
                .setAutoWidth(true).setFlexGrow(0);
        runs.addColumn(r -> TIME.format(r.createdAt())).setHeader("Started").setAutoWidth(true).setFlexGrow(0);
        runs.addColumn(r -> r.message() == null ? "" : r.message()).setHeader("Message").setFlexGrow(3);
        runs.addComponentColumn(r -> {
            Button delete = new Button("Delete", e -> act(() -> {
                service.delete(r.id());
                if (current != null && current.id().equals(r.id())) {
                    current = null;
                }
                return null;
            }));
            delete.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR);
            delete.setEnabled(!r.state().isActive());
            return delete;
        }).setAutoWidth(true).setFlexGrow(0);
        runs.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT); // long messages wrap, never "…"
        runs.setAllRowsVisible(true);
        runs.addItemClickListener(e -> show(e.getItem()));
        checkpoints.setId("training-checkpoints");
        checkpoints.addColumn(c -> String.format(Locale.ROOT, "%,d", c.step())).setHeader("Step").setAutoWidth(true).setFlexGrow(0);
        checkpoints.addColumn(c -> c.valLoss() == null ? "" : String.format(Locale.ROOT, "%.4f", c.valLoss())).setHeader("Val loss")
                .setAutoWidth(true).setFlexGrow(0);
        checkpoints.addComponentColumn(c -> {
            Button from = new Button("Resume from here", e -> resumeFrom(c));
            from.setId("checkpoint-resume-" + c.step());
            Button generate = new Button("Open in the generator", e -> open(c, "generation"));
            generate.setId("checkpoint-generate-" + c.step());
            Button open = new Button("Open in the Transformer lab", e -> open(c, "architecture"));
            open.setId("checkpoint-open-" + c.step());
            for (Button b : List.of(from, generate, open)) {
                b.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_SMALL);
            }
            return new HorizontalLayout(from, generate, open);
        }).setHeader("Actions");
        checkpoints.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        checkpoints.setAllRowsVisible(true);
        renderCharts();
        updateButtons();
    }

    /** {@code ?corpus=…&tokenizer=…&valCorpus=…}: a dataset handed over by the Data lab ("use this dataset for training"). */
    private String handedCorpus;
    private String handedTokenizer;
    private String handedValCorpus;

    @Override
    public void beforeEnter(com.vaadin.flow.router.BeforeEnterEvent event) {
        var params = event.getLocation().getQueryParameters();
        handedCorpus = params.getSingleParameter("corpus").orElse(null);
        handedTokenizer = params.getSingleParameter("tokenizer").orElse(null);
        handedValCorpus = params.getSingleParameter("valCorpus").orElse(null);
    }

    @Override
    protected void onAttach(AttachEvent event) {
        UI ui = event.getUI();
        settings.refresh(new SettingsForm.Choices(checks.configs().list(), checks.corpusChoices(), checks.tokenizerChoices()),
                TrainingChecks.FIRST_CONFIG);
        if (handedCorpus != null) {
            settings.corpus.setValue(handedCorpus);
            if (handedTokenizer != null) {
                settings.tokenizer.setValue(handedTokenizer);
            }
            settings.valCorpus.setValue(handedValCorpus);
        }
        List<TrainingRun> all = queries.runs();
        refreshRuns(all);
        // after a reload: show the active run, else the newest
        all.stream().filter(r -> r.state().isActive()).findFirst().or(() -> all.stream().findFirst()).ifPresent(this::show);
        ticker = TICKER.scheduleAtFixedRate(() -> {
            if (dirty || runsDirty) {
                ui.access(this::flush);
            }
        }, 300, 300, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void onDetach(DetachEvent event) {
        if (ticker != null) {
            ticker.cancel(false);
        }
        closeSubscription();
    }

    private void startRun(TrainingConfig config) {
        error.setText("");
        try {
            TrainingRun run = service.start(config);
            refreshRuns(queries.runs());
            show(run);
            settings.name.setValue(checks.freeName(config.name()));
        } catch (BadInputException e) {
            error.setText(e.getMessage());
        }
        updateButtons();
    }

    private void act(java.util.function.Supplier<Object> action) {
        error.setText("");
        try {
            action.get();
        } catch (BadInputException e) {
            error.setText(e.getMessage());
        }
        refreshRuns(queries.runs());
        if (current != null) {
            TrainingRun now = queries.run(current.id());
            if (now.state().isActive() && !java.util.Objects.equals(now.jobId(), current.jobId())) {
                show(now); // resumed as a new job: listen to that one
            } else {
                current = now;
                updateStatus();
            }
        }
        updateButtons();
    }

    private void resumeFrom(Checkpoints.Saved c) {
        error.setText("");
        try {
            TrainingRun run = current.state() == TrainingRun.State.FINISHED || c.step() >= current.maxSteps()
                    ? service.resumeFrom(current.id(), c.step(), Math.max(current.maxSteps(), c.step()) + current.maxSteps() / 2)
                    : service.resumeFrom(current.id(), c.step(), null);
            refreshRuns(queries.runs());
            show(run);
            Notices.success("Started '" + run.name() + "'");
        } catch (BadInputException e) {
            error.setText(e.getMessage());
        }
    }

    /** Loads the checkpoint as a model and opens it in the Generation lab or the Transformer lab. */
    private void open(Checkpoints.Saved c, String route) {
        String runId = current.id();
        Async.run(this, executor, () -> queries.openAsModel(runId, c.step()), info -> getUI().ifPresent(ui ->
                ui.navigate(route, QueryParameters.simple(Map.of("model", info.id())))), error::setText);
    }

    /** Shows a run: its history from H2, then live events if it is active. */
    private void show(TrainingRun run) {
        closeSubscription();
        TrainingQueries.History h = queries.history(run.id(), 0);
        synchronized (this) {
            current = h.run();
            steps.clear();
            steps.addAll(h.steps());
            evals.clear();
            evals.addAll(h.evals());
            sampleList.clear();
            sampleList.addAll(h.samples());
        }
        runs.select(run);
        track.setHref("experiments?run=" + run.id());
        track.setVisible(true);
        overlay.setItems(allRuns.stream().filter(r -> !r.id().equals(run.id())).toList());
        overlays = List.of();
        renderCharts();
        renderSamples();
        updateStatus();
        updateButtons();
        checkpoints.setItems(queries.checkpoints(run.id()));
        service.job(current).ifPresentOrElse(job -> {
            if (job.state().isFinal()) {
                jobLine.show(job);
            } else {
                jobLine.follow(job);
            }
        }, () -> jobLine.setVisible(false));
        if (current.state().isActive()) {
            subscription = service.subscribe(run.id(), this::onEvent);
        }
    }

    /** From the trainer's thread: record and mark dirty; the ticker pushes at most every 300 ms. */
    private void onEvent(TrainingEvent e) {
        synchronized (this) {
            if (current == null || !current.id().equals(e.runId())) {
                return;
            }
            switch (e.type()) {
                case "step" -> {
                    if (steps.isEmpty() || steps.get(steps.size() - 1).step() < e.step().step()) {
                        steps.add(e.step());
                    }
                }
                case "eval" -> evals.add(e.eval());
                case "sample" -> sampleList.add(e.sample());
                case "run" -> {
                    resubscribe |= e.run().state().isActive() && !java.util.Objects.equals(e.run().jobId(), current.jobId());
                    current = e.run();
                    runsDirty = true;
                }
                case "checkpoint" -> runsDirty = true;
                default -> {
                }
            }
        }
        dirty = true;
    }

    private void flush() {
        if (resubscribe) {
            resubscribe = false;
            show(current);
            return;
        }
        boolean runsChanged = runsDirty;
        dirty = false;
        runsDirty = false;
        renderCharts();
        renderSamples();
        updateStatus();
        updateButtons();
        if (runsChanged && current != null) {
            refreshRuns(queries.runs());
            checkpoints.setItems(queries.checkpoints(current.id()));
            if (!current.state().isActive()) {
                closeSubscription();
            }
        }
        updateButtons(); // after the runs list: Start follows every run's state
    }

    private synchronized void renderCharts() {
        lossChart.setOption(TrainingCharts.loss(steps, evals, overlays));
        lrChart.setOption(TrainingCharts.metric("learning rate", steps, Trainer.StepMetrics::lr, "#0d9488"));
        gradChart.setOption(TrainingCharts.metric("gradient norm (before clipping)", steps, Trainer.StepMetrics::gradNorm, "#9333ea"));
        speedChart.setOption(TrainingCharts.metric("tokens / s", steps, Trainer.StepMetrics::tokensPerSecond, "#475569"));
    }

    private synchronized void renderSamples() {
        if (samples.getChildren().count() == sampleList.size()) {
            return;
        }
        samples.removeAll();
        for (int i = sampleList.size() - 1; i >= 0; i--) { // newest first
            Trainer.Sample s = sampleList.get(i);
            Div item = new Div(new Span(String.format(Locale.ROOT, "Step %,d", s.step())), new Pre(s.text()));
            item.addClassName("pg-sample");
            samples.add(item);
        }
        if (sampleList.isEmpty()) {
            samples.add(new Span("Samples appear every few hundred steps; the first ones are random characters."));
        }
    }

    /** The run's own line: its state and step, the latest metrics, the latest evaluation (time left is the job line's). */
    private synchronized void updateStatus() {
        if (current == null) {
            runTitle.setText("No run yet");
            status.setText("Choose the settings above and press Start. The first config offered, quickstart, finishes in a few "
                    + "minutes on 2 cores.");
            return;
        }
        runTitle.setText(current.name());
        Trainer.StepMetrics last = steps.isEmpty() ? null : steps.get(steps.size() - 1);
        int step = Math.max(current.step(), last == null ? 0 : last.step());
        StringBuilder sb = new StringBuilder(current.state().name().toLowerCase(Locale.ROOT));
        sb.append(String.format(Locale.ROOT, " · step %,d of %,d", step, current.maxSteps()));
        if (last != null) {
            sb.append(String.format(Locale.ROOT, " · loss %.4f · %,.0f tokens/s · %.0f ms/step", last.loss(), last.tokensPerSecond(), last.stepMillis()));
            sb.append(String.format(Locale.ROOT, " · memory %.0f MB", last.memoryMb()));
        }
        if (!evals.isEmpty()) {
            Trainer.EvalMetrics e = evals.get(evals.size() - 1);
            sb.append(String.format(Locale.ROOT, " · val loss %.4f (perplexity %.2f, accuracy %.1f %%)", e.valLoss(), e.valPerplexity(),
                    100 * e.valAccuracy()));
        }
        if (current.message() != null) {
            sb.append(" · ").append(current.message());
        }
        status.setText(sb.toString());
    }

    /** The buttons follow the state: one run at a time from Start, pause/stop only what runs, resume only what can. */
    private void updateButtons() {
        TrainingRun.State s = current == null ? null : current.state();
        settings.start.setEnabled(allRuns.stream().noneMatch(r -> r.state().isActive()));
        pause.setEnabled(s == TrainingRun.State.RUNNING);
        resume.setEnabled(current != null && service.resumable(current));
        stop.setEnabled(s != null && s.isActive());
        boolean active = s != null && s.isActive();
        checkpointEvery.setEnabled(active);
        applyCheckpoint.setEnabled(active);
        if (current != null && !active) {
            checkpointEvery.setValue(null);
        } else if (current != null && checkpointEvery.isEmpty()) {
            checkpointEvery.setValue(TrainingConfigs.parse(current.configYaml()).withDefaults().training().saveInterval());
        }
    }

    private void refreshRuns(List<TrainingRun> all) {
        allRuns = all;
        runs.setItems(new com.vaadin.flow.data.provider.ListDataProvider<>(all) {
            @Override
            public Object getId(TrainingRun item) {
                return item.id(); // a run's record changes as it trains; it is the same row
            }
        });
        runs.recalculateColumnWidths(); // steps and losses grow as runs train
        if (current != null) {
            all.stream().filter(r -> r.id().equals(current.id())).findFirst().ifPresent(runs::select);
        }
    }

    private void loadOverlays(Set<TrainingRun> chosen) {
        List<String> ids = chosen.stream().map(TrainingRun::id).toList();
        Async.run(this, executor, () -> ids.stream().map(id -> queries.history(id, 1)).toList(), loaded -> {
            overlays = loaded;
            renderCharts();
        }, error::setText);
    }

    private void closeSubscription() {
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
    }
}
