package org.llmplayground.training;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Workspace;
import org.llmplayground.core.jobs.JobContext;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.core.jobs.Subscription;
import org.llmplayground.corpus.CorpusStore;
import org.llmplayground.model.LoadedModel;
import org.llmplayground.model.MemoryBudget;
import org.llmplayground.model.ModelConfig;
import org.llmplayground.model.ModelService;
import org.llmplayground.model.ParameterCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Training runs: start, queue (one at a time on the "training" lane, first come first served), pause, resume, stop,
 * and everything they record. A run executes as a job; its metrics go to H2 (buffered, flushed every second) and,
 * as they happen, to subscribers (the Training lab over server push, the REST SSE stream).
 * <p>
 * A run that was active when the server stopped is marked INTERRUPTED the next time the service is used; resuming it
 * continues from its latest checkpoint. Because batches and dropout masks are functions of (seed, step), the resumed
 * run computes what the uninterrupted one would have.
 */
@Singleton
public class TrainingService {
    public static final String JOB_KIND = "training";
    private static final String LANE = "training";
    private static final Logger LOG = LoggerFactory.getLogger(TrainingService.class);
    private static final long FLUSH_MS = 1000;

    private final TrainingConfigs configs;
    private final TrainingStore store;
    private final TrainingData data;
    private final JobRunner jobs;
    private final ModelService models;
    private final MemoryBudget budget;
    private final CorpusStore corpora;
    private final Path runsDir;
    private final Map<String, Live> live = new ConcurrentHashMap<>();
    private final Map<String, List<Consumer<TrainingEvent>>> listeners = new ConcurrentHashMap<>();
    private volatile boolean recovered;

    public TrainingService(TrainingConfigs configs, TrainingStore store, TrainingData data, JobRunner jobs, ModelService models,
                           MemoryBudget budget, CorpusStore corpora, Workspace workspace) {
        this.configs = configs;
        this.store = store;
        this.data = data;
        this.jobs = jobs;
        this.models = models;
        this.budget = budget;
        this.corpora = corpora;
        this.runsDir = workspace.dir("runs");
    }

    /** What subscribers hear: {@code type} is run, step, eval, sample, checkpoint or warning, with that field set. */
    @Serdeable
    public record TrainingEvent(String type, String runId, @Nullable TrainingRun run, @Nullable Trainer.StepMetrics step,
                                @Nullable Trainer.EvalMetrics eval, @Nullable Trainer.Sample sample,
                                @Nullable Checkpoints.Saved checkpoint, @Nullable String message) {
        static TrainingEvent of(TrainingRun r) {
            return new TrainingEvent("run", r.id(), r, null, null, null, null, null);
        }
    }

    /** A run with its latest step, how far it is, and the estimated time left at the recent pace. */
    @Serdeable
    public record Status(TrainingRun run, @Nullable Trainer.StepMetrics latest, double progress, @Nullable Double etaSeconds) {
    }

    /** Everything recorded for a run, for charts: all evaluations and samples, and step metrics (thinned if long). */
    @Serdeable
    public record History(TrainingRun run, List<Trainer.StepMetrics> steps, List<Trainer.EvalMetrics> evals,
                          List<Trainer.Sample> samples) {
    }

    // ------------------------------------------------------------------ configs and estimates

    public TrainingConfigs configs() {
        return configs;
    }

    public List<String> corpusChoices() {
        return corpora.list().stream().map(c -> c.id()).toList();
    }

    public List<String> tokenizerChoices() {
        return data.tokenizerChoices();
    }

    /** Validates a config for this machine; returns it (resolved) or throws a {@link BadInputException} naming the field. */
    public TrainingConfig check(TrainingConfig config) {
        TrainingConfig c = config.withDefaults();
        List<String> problems = c.problems();
        if (!problems.isEmpty()) {
            throw new BadInputException("Invalid training config: " + String.join(" ", problems));
        }
        String precision = c.training().precision();
        if (!"fp32".equals(precision)) {
            throw new BadInputException(models.device().isGpu()
                    ? "training.precision " + precision + " is not available in this build: mixed precision has not been verified "
                    + "on a GPU yet, so only fp32 training is offered. Use precision: fp32."
                    : "training.precision " + precision + " needs a CUDA GPU; this machine trains on the CPU, where DJL's PyTorch "
                    + "engine crashes on " + precision + " matrix products. Use precision: fp32.");
        }
        if (!corpusChoices().contains(c.data().corpus())) {
            throw BadInputException.notFound("data.corpus '" + c.data().corpus() + "' does not exist. Known: " + String.join(", ", corpusChoices()));
        }
        if (c.data().valCorpus() != null && !corpusChoices().contains(c.data().valCorpus())) {
            throw BadInputException.notFound("data.val_corpus '" + c.data().valCorpus() + "' does not exist. Known: "
                    + String.join(", ", corpusChoices()));
        }
        if (!tokenizerChoices().contains(c.data().tokenizer())) {
            throw BadInputException.notFound("data.tokenizer '" + c.data().tokenizer() + "' does not exist. Known: "
                    + String.join(", ", tokenizerChoices()));
        }
        if (c.training().initFrom() != null) {
            initWeights(c.training().initFrom());
        }
        return c;
    }

    /**
     * The cost of a config before starting: parameters, memory (FP32 weights, gradients, AdamW moments, activations)
     * and the time per step from the FLOPs of a step at this machine's measured speed.
     */
    public TrainingEstimate estimate(TrainingConfig config) {
        TrainingConfig c = config.withDefaults();
        List<String> problems = c.problems();
        if (!problems.isEmpty()) {
            throw new BadInputException("Invalid training config: " + String.join(" ", problems));
        }
        int vocab = c.model().vocabSize() != null ? c.model().vocabSize() : guessVocab(c.data().tokenizer());
        ModelConfig m = c.modelConfig(vocab).validate();
        return TrainingEstimate.of(c, m, previousSpeed());
    }

    private int guessVocab(String tokenizer) {
        return "char".equals(tokenizer) ? 65 : data.tokenizerFor(org.llmplayground.model.TokenizerSpec.lab(tokenizer)).vocabSize();
    }

    /** Measured FLOP/s of the latest run with recorded steps, if any: the best predictor for this machine. */
    private Double previousSpeed() {
        for (TrainingRun r : store.list()) {
            var latest = store.latestMetric(r.id());
            if (latest.isPresent() && r.vocabSize() != null) {
                try {
                    TrainingConfig c = TrainingConfigs.parse(r.configYaml()).withDefaults();
                    ModelConfig m = c.modelConfig(r.vocabSize());
                    double flopsPerToken = TrainingEstimate.flopsPerToken(m, c.training().blockSize());
                    return flopsPerToken * latest.get().tokensPerSecond();
                } catch (RuntimeException e) {
                    // an old config that no longer parses: skip it
                }
            }
        }
        return null;
    }

    /**
     * The config a start request means: {@code yaml} if given, else the named config file, else the default
     * (shakespeare-char); {@code name} renames the run.
     */
    public TrainingConfig resolve(@Nullable String configName, @Nullable String yaml, @Nullable String name) {
        TrainingConfig c;
        if (yaml != null && !yaml.isBlank()) {
            c = TrainingConfigs.parse(yaml);
        } else {
            c = TrainingConfigs.parse(configs.get(configName == null || configName.isBlank() ? "shakespeare-char" : configName).yaml());
        }
        if (name != null && !name.isBlank()) {
            if (name.length() > 200) {
                throw new BadInputException("A run name has at most 200 characters.");
            }
            c = new TrainingConfig(name.strip(), c.description(), c.seed(), c.data(), c.model(), c.training(), c.sampling());
        }
        return c;
    }

    // ------------------------------------------------------------------ starting, stopping, resuming

    /** Starts a config (by name or YAML text), optionally renamed; queued behind any running training. */
    public TrainingRun start(TrainingConfig config) {
        recover();
        TrainingConfig c = check(config);
        int vocab = c.model().vocabSize() != null ? c.model().vocabSize() : guessVocab(c.data().tokenizer());
        ModelConfig m = c.modelConfig(vocab).validate();
        budget.checkTraining(m, c.training().batchSize(), c.training().blockSize(), "'" + c.name() + "'");
        String id = UUID.randomUUID().toString();
        TrainingRun run = new TrainingRun(id, c.name(), null, TrainingConfigs.toYaml(c), c.seed(), c.data().corpus(), c.data().tokenizer(),
                null, null, ParameterCounter.count(m).total(), models.device().toString(), TrainingRun.State.QUEUED,
                queuedMessage(), 0, c.training().maxSteps(), null, null, null, Instant.now(), null, null);
        store.insert(run);
        return submit(run, null);
    }

    private String queuedMessage() {
        long ahead = live.values().stream().filter(l -> !l.finished).count();
        return ahead == 0 ? "Queued" : "Queued behind " + ahead + " training run" + (ahead == 1 ? "" : "s");
    }

    public TrainingRun pause(String runId) {
        recover();
        TrainingRun run = store.get(runId);
        Live l = live.get(runId);
        if (l == null || run.state() != TrainingRun.State.RUNNING) {
            throw BadInputException.conflict("Only a running run can be paused; '" + run.name() + "' is " + lower(run.state()) + ".");
        }
        l.pause();
        return store.get(runId);
    }

    /**
     * Continues a run: a paused one at once; a stopped, failed or interrupted one from its latest checkpoint (or
     * from the start if it has none), as a new job in the queue.
     */
    public TrainingRun resume(String runId) {
        recover();
        TrainingRun run = store.get(runId);
        Live l = live.get(runId);
        if (run.state() == TrainingRun.State.PAUSED && l != null) {
            l.unpause();
            return store.get(runId);
        }
        if (run.state().isActive()) {
            throw BadInputException.conflict("'" + run.name() + "' is already " + lower(run.state()) + ".");
        }
        if (run.state() == TrainingRun.State.FINISHED) {
            throw BadInputException.conflict("'" + run.name() + "' finished (" + run.message() + "). To train further, use "
                    + "\"resume from here\" on one of its checkpoints with a larger max_steps.");
        }
        List<Checkpoints.Saved> saved = checkpoints(runId);
        Path from = saved.isEmpty() ? null : Path.of(saved.get(saved.size() - 1).path());
        TrainingRun queued = run.with(TrainingRun.State.QUEUED, from == null ? "Queued to start again from step 0 (no checkpoint yet)"
                : "Queued to resume from the checkpoint at step " + saved.get(saved.size() - 1).step());
        store.update(queued);
        return submit(queued, from);
    }

    /**
     * A new run from one of a run's checkpoints ("resume from here"), with the same config except max_steps when given.
     * The checkpoint is copied into the new run, so pruning the old run's checkpoints cannot pull it away.
     */
    public TrainingRun resumeFrom(String runId, int step, @Nullable Integer maxSteps) {
        recover();
        TrainingRun source = store.get(runId);
        Path checkpoint = checkpointDir(runId, step);
        TrainingConfig c = TrainingConfigs.parse(source.configYaml()).withDefaults();
        if (maxSteps != null) {
            if (maxSteps <= step) {
                throw new BadInputException("max_steps (" + maxSteps + ") must be larger than the checkpoint's step (" + step + ").");
            }
            TrainingConfig.Training t = c.training();
            c = c.with(new TrainingConfig.Training(t.batchSize(), t.blockSize(), t.gradientAccumulation(), t.learningRate(),
                    t.minLearningRate(), t.schedule(), Math.min(t.warmupSteps(), maxSteps), maxSteps, t.weightDecay(), t.beta1(),
                    t.beta2(), t.gradClip(), t.precision(), t.evalInterval(), t.evalBatches(), t.earlyStoppingPatience(),
                    t.earlyStoppingMinDelta(), t.saveInterval(), t.keepBest(), null));
        } else if (step >= c.training().maxSteps()) {
            throw new BadInputException("The checkpoint is at max_steps (" + step + "); give a larger max_steps to train further.");
        }
        check(c);
        String id = UUID.randomUUID().toString();
        Path copy = runsDir.resolve(id).resolve("checkpoints").resolve(checkpoint.getFileName());
        try {
            Files.createDirectories(copy);
            for (String f : List.of("model.safetensors", "optimizer.safetensors", "checkpoint.json")) {
                if (Files.exists(checkpoint.resolve(f))) {
                    Files.copy(checkpoint.resolve(f), copy.resolve(f));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy the checkpoint: " + e.getMessage(), e);
        }
        TrainingRun run = new TrainingRun(id, source.name() + " from step " + step, null, TrainingConfigs.toYaml(c), c.seed(),
                source.corpus(), source.tokenizer(), source.dataHash(), source.vocabSize(), source.parameters(), models.device().toString(),
                TrainingRun.State.QUEUED, "Queued to continue from step " + step + " of '" + source.name() + "'", step,
                c.training().maxSteps(), null, runId, step, Instant.now(), null, null);
        store.insert(run);
        return submit(run, copy);
    }

    /** Stops a run: a queued one at once, a running or paused one after its current step, with a checkpoint. */
    public TrainingRun stop(String runId) {
        recover();
        TrainingRun run = store.get(runId);
        Live l = live.get(runId);
        if (l == null || !run.state().isActive()) {
            throw BadInputException.conflict("'" + run.name() + "' is not running (it is " + lower(run.state()) + ").");
        }
        l.requestStop();
        if (run.state() == TrainingRun.State.QUEUED && run.jobId() != null && jobs.cancel(run.jobId())
                && jobs.get(run.jobId()).state().isFinal()) {
            finish(l, store.get(runId).with(TrainingRun.State.STOPPED, "Stopped before it started"));
        }
        return store.get(runId);
    }

    /** Deletes a run that is not active: its records and its checkpoints. */
    public void delete(String runId) {
        recover();
        TrainingRun run = store.get(runId);
        if (run.state().isActive()) {
            throw BadInputException.conflict("'" + run.name() + "' is " + lower(run.state()) + "; stop it before deleting it.");
        }
        store.delete(runId);
        try {
            Checkpoints.deleteTree(runsDir.resolve(runId));
        } catch (IOException e) {
            throw new UncheckedIOException("The run's records are deleted, but not all of its files: " + e.getMessage(), e);
        }
    }

    private TrainingRun submit(TrainingRun run, @Nullable Path restoreFrom) {
        Live l = new Live(run.id());
        live.put(run.id(), l);
        String initFrom = restoreFrom == null ? TrainingConfigs.parse(run.configYaml()).withDefaults().training().initFrom() : null;
        synchronized (l) { // the job waits for this record before it writes its own
            var job = jobs.submit(JOB_KIND, "Training " + run.name(), LANE, ctx -> execute(ctx, l, restoreFrom, initFrom));
            l.run = run.withJob(job.id());
            store.update(l.run);
        }
        publish(TrainingEvent.of(l.run));
        return l.run;
    }

    // ------------------------------------------------------------------ queries

    public List<TrainingRun> runs() {
        recover();
        return store.list();
    }

    public TrainingRun run(String runId) {
        recover();
        return store.get(runId);
    }

    public Status status(String runId) {
        TrainingRun run = run(runId);
        Live l = live.get(runId);
        Trainer.StepMetrics latest = l != null && l.latest != null ? l.latest : store.latestMetric(runId).orElse(null);
        double progress = run.maxSteps() == 0 ? 0 : Math.min(1, (double) run.step() / run.maxSteps());
        Double eta = null;
        if (run.state().isActive() && latest != null) {
            List<Trainer.StepMetrics> recent = l != null ? l.recent() : List.of(latest);
            double[] ms = recent.stream().mapToDouble(Trainer.StepMetrics::stepMillis).sorted().toArray();
            eta = ms.length == 0 ? null : ms[ms.length / 2] / 1000 * (run.maxSteps() - run.step());
        }
        return new Status(run, latest, progress, eta);
    }

    /** Step metrics after {@code afterStep} (at most {@code limit}), for polling clients. */
    public List<Trainer.StepMetrics> metrics(String runId, int afterStep, int limit) {
        run(runId);
        return store.metrics(runId, afterStep, Math.max(1, Math.min(limit, 10_000)));
    }

    /** All a run recorded; step metrics thinned to at most {@code maxPoints} by taking every n-th (the last always). */
    public History history(String runId, int maxPoints) {
        TrainingRun run = run(runId);
        flushLive(runId);
        List<Trainer.StepMetrics> all = store.metrics(runId, -1, Integer.MAX_VALUE);
        List<Trainer.StepMetrics> steps = all;
        if (all.size() > maxPoints && maxPoints > 0) {
            int every = (int) Math.ceil(all.size() / (double) maxPoints);
            steps = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                if (i % every == 0 || i == all.size() - 1) {
                    steps.add(all.get(i));
                }
            }
        }
        return new History(run, steps, store.evals(runId), store.samples(runId));
    }

    public List<Checkpoints.Saved> checkpoints(String runId) {
        run(runId);
        return new Checkpoints(runsDir.resolve(runId).resolve("checkpoints")).list().stream()
                .map(s -> new Checkpoints.Saved(s.step(), s.path(), s.valLoss())).toList();
    }

    private Path checkpointDir(String runId, int step) {
        return checkpoints(runId).stream().filter(s -> s.step() == step).findFirst().map(s -> Path.of(s.path()))
                .orElseThrow(() -> BadInputException.notFound("Run '" + runId + "' has no checkpoint at step " + step + ". It has: "
                        + checkpoints(runId).stream().map(s -> String.valueOf(s.step())).toList() + "."));
    }

    /** Loads a checkpoint as a model for the generator and the Transformer lab; returns its model info. */
    public LoadedModel.ModelInfo openAsModel(String runId, int step) {
        TrainingRun run = run(runId);
        Path dir = checkpointDir(runId, step);
        return models.loadCheckpoint(dir, "run-" + runId.substring(0, 8) + "-" + step, run.name() + " @ step " + step,
                "Checkpoint of training run '" + run.name() + "' at step " + step + ".");
    }

    /** Subscribes to a run's events; the listener first gets the run's current record. */
    public Subscription subscribe(String runId, Consumer<TrainingEvent> listener) {
        TrainingRun run = run(runId);
        List<Consumer<TrainingEvent>> list = listeners.computeIfAbsent(runId, k -> new CopyOnWriteArrayList<>());
        list.add(listener);
        deliver(listener, TrainingEvent.of(run));
        return () -> list.remove(listener);
    }

    // ------------------------------------------------------------------ execution

    private String execute(JobContext ctx, Live l, @Nullable Path restoreFrom, @Nullable String initFrom) throws Exception {
        synchronized (l) {
            l.ctx = ctx;
        }
        try {
            if (l.stop) {
                finish(l, store.get(l.runId).with(TrainingRun.State.STOPPED, "Stopped before it started"));
                return l.runId;
            }
            TrainingRun run = store.get(l.runId);
            save(l, run.with(TrainingRun.State.RUNNING, "Preparing the data"));
            TrainingConfig config = TrainingConfigs.parse(run.configYaml()).withDefaults();
            ctx.progress(0, "Tokenizing " + run.corpus() + " with " + run.tokenizer());
            TrainingData.Prepared prepared = data.prepare(run.corpus(), run.tokenizer());
            String valCorpus = config.data().valCorpus();
            TrainingData.Prepared val = valCorpus == null ? null : data.prepare(valCorpus, run.tokenizer());
            // the run's data is both texts: the hash names the pair
            String dataHash = val == null ? prepared.dataHash() : TrainingData.sha256(prepared.dataHash() + "+" + val.dataHash());
            try (PreparedRun pr = PreparedRun.create(config, prepared.tokenizer(), prepared.tokens(), val == null ? null : val.tokens(), dataHash,
                    run.id(), runsDir.resolve(run.id()), models.device())) {
                if (restoreFrom != null) {
                    pr.restore(restoreFrom);
                } else if (initFrom != null) {
                    pr.load(Checkpoints.readModel(initWeights(initFrom)));
                }
                store.truncateAfter(run.id(), pr.startStep()); // a resumed run recomputes what came after its checkpoint
                l.step = pr.startStep();
                l.best = pr.bestValLoss();
                save(l, l.run.withData(dataHash, prepared.tokenizer().vocabSize(), ParameterCounter.count(pr.modelConfig()).total())
                        .withProgress(pr.startStep(), pr.bestValLoss())
                        .with(TrainingRun.State.RUNNING, pr.startStep() == 0 ? "Training" : "Training from step " + pr.startStep()));
                Trainer.Outcome outcome = pr.trainer(l, l).run(pr.startStep(), pr.bestValLoss());
                l.flush();
                TrainingRun last = l.run.withProgress(outcome.lastStep(), outcome.bestValLoss());
                if (outcome.failed()) {
                    finish(l, last.with(TrainingRun.State.FAILED, outcome.reason()));
                } else if (l.stop && outcome.lastStep() < config.training().maxSteps() && !outcome.reason().startsWith("Early")) {
                    finish(l, last.with(TrainingRun.State.STOPPED, outcome.reason() + "; resume continues from its checkpoint"));
                } else {
                    finish(l, last.with(TrainingRun.State.FINISHED, outcome.reason()));
                }
            }
        } catch (BadInputException e) {
            l.flush();
            finish(l, store.get(l.runId).with(TrainingRun.State.FAILED, e.getMessage()));
        } catch (Exception | Error e) {
            LOG.error("Training run {} failed", l.runId, e);
            l.flush();
            finish(l, store.get(l.runId).with(TrainingRun.State.FAILED, "Failed: " + e));
        }
        return l.runId;
    }

    /** The checkpoint folder training.init_from names: a bundled or loaded model id, or "<run id>/<step>". */
    private Path initWeights(String initFrom) {
        if (initFrom.equals(ModelService.SHAKESPEARE_MODEL)) {
            return models.bundledCheckpoint(ModelService.SHAKESPEARE_MODEL);
        }
        String[] parts = initFrom.split("/");
        if (parts.length == 2 && parts[1].matches("\\d+")) {
            return checkpointDir(parts[0], Integer.parseInt(parts[1]));
        }
        throw BadInputException.notFound("training.init_from '" + initFrom + "' is neither the bundled model shakespeare-char "
                + "nor a checkpoint written as <run id>/<step>.");
    }

    private void save(Live l, TrainingRun run) {
        l.run = run;
        store.update(run);
        publish(TrainingEvent.of(run));
    }

    private void finish(Live l, TrainingRun run) {
        save(l, run);
        l.finished = true;
        live.remove(l.runId, l);
    }

    private void flushLive(String runId) {
        Live l = live.get(runId);
        if (l != null) {
            l.flush();
        }
    }

    private void publish(TrainingEvent event) {
        List<Consumer<TrainingEvent>> list = listeners.get(event.runId());
        if (list != null) {
            list.forEach(listener -> deliver(listener, event));
        }
    }

    private static void deliver(Consumer<TrainingEvent> listener, TrainingEvent event) {
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            LOG.warn("A training listener failed; training goes on", e);
        }
    }

    /** Runs recorded as active by a previous server process are interrupted; say so, and from where they resume. */
    private void recover() {
        if (recovered) {
            return;
        }
        synchronized (this) {
            if (recovered) {
                return;
            }
            for (TrainingRun r : store.withState(TrainingRun.State.QUEUED, TrainingRun.State.RUNNING, TrainingRun.State.PAUSED)) {
                if (!live.containsKey(r.id())) {
                    List<Checkpoints.Saved> saved = new Checkpoints(runsDir.resolve(r.id()).resolve("checkpoints")).list();
                    store.update(r.with(TrainingRun.State.INTERRUPTED, "The server stopped while this run was " + lower(r.state())
                            + (r.state() == TrainingRun.State.QUEUED ? "" : " at step " + r.step()) + ". Resume continues "
                            + (saved.isEmpty() ? "from step 0 (no checkpoint was saved)." : "from the checkpoint at step "
                            + saved.get(saved.size() - 1).step() + ".")));
                }
            }
            recovered = true;
        }
    }

    private static String lower(TrainingRun.State s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    /**
     * One run in this process: its pause/stop switches (the trainer's {@link Trainer.Control}) and the trainer's
     * events, which it buffers for H2 and passes on to subscribers.
     */
    private final class Live implements Trainer.Events, Trainer.Control {
        final String runId;
        volatile JobContext ctx;
        volatile TrainingRun run;
        volatile boolean stop;
        volatile boolean paused;
        volatile boolean finished;
        volatile Trainer.StepMetrics latest;
        volatile int step;
        volatile Double best;
        private final List<Trainer.StepMetrics> buffer = new ArrayList<>();
        private final List<Trainer.StepMetrics> window = new ArrayList<>();
        private long lastFlush = System.currentTimeMillis();
        private long lastSave = System.currentTimeMillis();

        Live(String runId) {
            this.runId = runId;
        }

        synchronized void pause() {
            paused = true;
        }

        synchronized void unpause() {
            paused = false;
            notifyAll();
        }

        synchronized void requestStop() {
            stop = true;
            notifyAll();
        }

        @Override
        public boolean stopRequested() {
            return stop || (ctx != null && ctx.isCancelled());
        }

        @Override
        public void waitWhilePaused() throws InterruptedException {
            if (!paused) {
                return;
            }
            flush();
            save(this, run.withProgress(step, best).with(TrainingRun.State.PAUSED, "Paused at step " + step));
            synchronized (this) {
                while (paused && !stopRequested()) {
                    wait(500);
                }
            }
            save(this, run.with(TrainingRun.State.RUNNING, "Training"));
        }

        @Override
        public void stepped(Trainer.StepMetrics m) {
            latest = m;
            step = m.step();
            synchronized (buffer) {
                buffer.add(m);
                window.add(m);
                if (window.size() > 50) {
                    window.remove(0);
                }
            }
            long now = System.currentTimeMillis();
            if (now - lastFlush >= FLUSH_MS) {
                flush();
            }
            if (now - lastSave >= 5000) { // the run row's step, for listings and for a crash
                lastSave = now;
                run = run.withProgress(m.step(), best);
                store.update(run);
            }
            ctx.progress((double) m.step() / run.maxSteps(), String.format("Step %,d of %,d · loss %.4f", m.step(), run.maxSteps(), m.loss()));
            publish(new TrainingEvent("step", runId, null, m, null, null, null, null));
        }

        @Override
        public void evaluated(Trainer.EvalMetrics e) {
            flush();
            store.addEval(runId, e);
            if (best == null || e.valLoss() < best) {
                best = e.valLoss();
            }
            run = run.withProgress(e.step(), best);
            store.update(run);
            publish(new TrainingEvent("eval", runId, null, null, e, null, null, null));
        }

        @Override
        public void sampled(Trainer.Sample s) {
            store.addSample(runId, s);
            publish(new TrainingEvent("sample", runId, null, null, null, s, null, null));
        }

        @Override
        public void checkpointed(Checkpoints.Saved c) {
            publish(new TrainingEvent("checkpoint", runId, null, null, null, null, c, null));
        }

        @Override
        public void warning(String message) {
            LOG.warn("Training run {}: {}", runId, message);
            run = run.with(run.state(), message);
            store.update(run);
            publish(new TrainingEvent("warning", runId, null, null, null, null, null, message));
        }

        List<Trainer.StepMetrics> recent() {
            synchronized (buffer) {
                return List.copyOf(window);
            }
        }

        void flush() {
            List<Trainer.StepMetrics> batch;
            synchronized (buffer) {
                batch = List.copyOf(buffer);
                buffer.clear();
            }
            lastFlush = System.currentTimeMillis();
            store.addMetrics(runId, batch);
        }
    }
}
