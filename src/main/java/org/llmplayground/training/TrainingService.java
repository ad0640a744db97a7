package org.llmplayground.training;

import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.jobs.JobRecord;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.core.jobs.Subscription;
import org.llmplayground.model.MemoryBudget;
import org.llmplayground.model.ModelConfig;
import org.llmplayground.model.ModelService;
import org.llmplayground.model.ParameterCounter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The life of a training run: start, queue (one at a time on the "training" lane, first come first served), pause,
 * resume, stop, delete, and listening to it. A run executes as a job ({@link RunExecution}); its metrics, samples and
 * state changes are payloads of that job's events, so the lab and the REST stream listen on the job runner's one
 * event path. Reading runs is {@link TrainingQueries}; checking and estimating configs is {@link TrainingChecks}.
 * <p>
 * A run that was active when the server stopped is marked INTERRUPTED the next time runs are read; resuming it
 * continues from its latest checkpoint. Because batches and dropout masks are functions of (seed, step), the resumed
 * run computes what the uninterrupted one would have.
 */
@Singleton
public class TrainingService {
    public static final String JOB_KIND = "training";
    private static final String LANE = "training";

    private final TrainingChecks checks;
    private final TrainingQueries queries;
    private final TrainingStore store;
    private final JobRunner jobs;
    private final ModelService models;
    private final MemoryBudget budget;
    private final LiveRuns live;
    private final RunExecution execution;

    TrainingService(TrainingChecks checks, TrainingQueries queries, TrainingStore store, JobRunner jobs, ModelService models,
                    MemoryBudget budget, LiveRuns live, RunExecution execution) {
        this.checks = checks;
        this.queries = queries;
        this.store = store;
        this.jobs = jobs;
        this.models = models;
        this.budget = budget;
        this.live = live;
        this.execution = execution;
    }

    /** Starts a resolved config (see {@link TrainingChecks#resolve}); queued behind any running training. */
    public TrainingRun start(TrainingConfig config) {
        live.recover();
        TrainingConfig c = checks.check(config);
        checks.requireFreeName(c.name());
        ModelConfig m = checks.modelConfig(c);
        budget.checkTraining(m, c.training().batchSize(), c.training().blockSize(), "'" + c.name() + "'");
        TrainingRun run = new TrainingRun(UUID.randomUUID().toString(), c.name(), null, TrainingConfigs.toYaml(c), c.seed(),
                c.data().corpus(), c.data().tokenizer(), null, null, ParameterCounter.count(m).total(), models.device().toString(),
                TrainingRun.State.QUEUED, queuedMessage(), 0, c.training().maxSteps(), null, null, null, Instant.now(), null, null);
        store.insert(run);
        return submit(run, c, null);
    }

    private String queuedMessage() {
        long ahead = live.unfinished();
        return ahead == 0 ? "Queued" : "Queued behind " + ahead + " training run" + (ahead == 1 ? "" : "s");
    }

    public TrainingRun pause(String runId) {
        TrainingRun run = queries.run(runId);
        LiveRun l = live.get(runId).orElse(null);
        if (l == null || run.state() != TrainingRun.State.RUNNING) {
            throw BadInputException.conflict("Only a running run can be paused; '" + run.name() + "' is " + lower(run.state()) + ".");
        }
        l.pause();
        return store.get(runId);
    }

    /**
     * Changes how often an active run writes a checkpoint, from its next step on (a crash loses at most that many
     * steps). The run's stored config says so too, so a resume after a crash keeps the new interval.
     */
    public TrainingRun setCheckpointInterval(String runId, int every) {
        TrainingRun run = queries.run(runId);
        LiveRun l = live.get(runId).orElse(null);
        if (l == null || !run.state().isActive()) {
            throw BadInputException.conflict("The checkpoint interval of '" + run.name() + "' can change while it is queued, "
                    + "running or paused; it is " + lower(run.state()) + ".");
        }
        if (every < 1 || every > run.maxSteps()) {
            throw new BadInputException(String.format("Checkpoint every 1 to %,d steps (max_steps of '%s'), not %,d.",
                    run.maxSteps(), run.name(), every));
        }
        TrainingConfig config = TrainingConfigs.parse(run.configYaml());
        TrainingConfig changed = config.with(config.training().toBuilder().saveInterval(every).build());
        l.saveInterval = every;
        TrainingRun updated = l.run.withConfigYaml(TrainingConfigs.toYaml(changed))
                .with(l.run.state(), String.format("Checkpoint every %,d steps from step %,d: a crash loses at most %,d steps",
                        every, l.step, every - 1));
        l.save(updated);
        return updated;
    }

    /** Whether {@link #resume} would continue this run: paused, or ended early with something to continue from. */
    public boolean resumable(TrainingRun run) {
        return switch (run.state()) {
            case PAUSED -> true;
            case STOPPED, FAILED, INTERRUPTED -> run.step() > 0 || !queries.checkpoints(run.id()).isEmpty();
            default -> false;
        };
    }

    /**
     * Continues a run: a paused one at once; a stopped, failed or interrupted one from its latest checkpoint (or
     * from step 0 if it trained without reaching one), as a new job in the queue. A run that never trained a step
     * has nothing to resume.
     */
    public TrainingRun resume(String runId) {
        TrainingRun run = queries.run(runId);
        LiveRun l = live.get(runId).orElse(null);
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
        if (!resumable(run)) {
            throw BadInputException.conflict("'" + run.name() + "' never trained a step, so there is nothing to resume; start a new "
                    + "run with its settings instead.");
        }
        List<Checkpoints.Saved> saved = queries.checkpoints(runId);
        Path from = saved.isEmpty() ? null : Path.of(saved.get(saved.size() - 1).path());
        TrainingRun queued = run.with(TrainingRun.State.QUEUED, from == null ? "Queued to start again from step 0 (no checkpoint yet)"
                : "Queued to resume from the checkpoint at step " + saved.get(saved.size() - 1).step());
        store.update(queued);
        return submit(queued, TrainingConfigs.parse(run.configYaml()).withDefaults(), from);
    }

    /**
     * A new run from one of a run's checkpoints ("resume from here"), with the same config except max_steps when given.
     * The checkpoint is copied into the new run, so pruning the old run's checkpoints cannot pull it away.
     */
    public TrainingRun resumeFrom(String runId, int step, @Nullable Integer maxSteps) {
        TrainingRun source = queries.run(runId);
        Path checkpoint = queries.checkpointDir(runId, step);
        TrainingConfig c = TrainingConfigs.parse(source.configYaml()).withDefaults();
        if (maxSteps != null) {
            if (maxSteps <= step) {
                throw new BadInputException("max_steps (" + maxSteps + ") must be larger than the checkpoint's step (" + step + ").");
            }
            TrainingConfig.Training t = c.training();
            // the checkpoint holds the weights; a fine-tuning run keeps naming its base (its adapters belong to it)
            c = c.with(t.toBuilder().maxSteps(maxSteps).warmupSteps(Math.min(t.warmupSteps(), maxSteps))
                    .initFrom(c.finetune() == null ? null : t.initFrom()).build());
        } else if (step >= c.training().maxSteps()) {
            throw new BadInputException("The checkpoint is at max_steps (" + step + "); give a larger max_steps to train further.");
        }
        c = checks.check(c.withName(checks.freeName(source.name() + " from step " + step)));
        String id = UUID.randomUUID().toString();
        Path copy = live.runsDir().resolve(id).resolve("checkpoints").resolve(checkpoint.getFileName());
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
        TrainingRun run = new TrainingRun(id, c.name(), null, TrainingConfigs.toYaml(c), c.seed(), source.corpus(), source.tokenizer(),
                source.dataHash(), source.vocabSize(), source.parameters(), models.device().toString(), TrainingRun.State.QUEUED,
                "Queued to continue from step " + step + " of '" + source.name() + "'", step, c.training().maxSteps(), null, runId, step,
                Instant.now(), null, null);
        store.insert(run);
        return submit(run, c, copy);
    }

    /**
     * A new run from a run's record alone: its resolved config (every default filled in when it started) and seed,
     * under a new name. On CPU it gives the same loss curve, step for step (see RunsApiTest).
     */
    public TrainingRun reproduce(String runId) {
        TrainingRun source = queries.run(runId);
        TrainingConfig c = TrainingConfigs.parse(source.configYaml()).withDefaults();
        return start(c.withName(checks.freeName(source.name() + " (again)")));
    }

    /** Stops a run: a queued one at once, a running or paused one after its current step, with a checkpoint. */
    public TrainingRun stop(String runId) {
        TrainingRun run = queries.run(runId);
        LiveRun l = live.get(runId).orElse(null);
        if (l == null || !run.state().isActive()) {
            throw BadInputException.conflict("'" + run.name() + "' is not running (it is " + lower(run.state()) + ").");
        }
        l.requestStop();
        if (run.state() == TrainingRun.State.QUEUED && run.jobId() != null) {
            // the record first, while its listeners still hear the job; if the job starts meanwhile it stops at once
            l.finish(store.get(runId).with(TrainingRun.State.STOPPED, "Stopped before it started"));
            jobs.cancel(run.jobId());
        }
        return store.get(runId);
    }

    /** Deletes a run that is not active: its records and its checkpoints. */
    public void delete(String runId) {
        TrainingRun run = queries.run(runId);
        if (run.state().isActive()) {
            throw BadInputException.conflict("'" + run.name() + "' is " + lower(run.state()) + "; stop it before deleting it.");
        }
        store.delete(runId);
        try {
            Checkpoints.deleteTree(live.runsDir().resolve(runId));
        } catch (IOException e) {
            throw new UncheckedIOException("The run's records are deleted, but not all of its files: " + e.getMessage(), e);
        }
    }

    /**
     * Listens to a run: first its current record, then its job's training events until the job ends (a resumed
     * run is a new job: subscribe again). When the job ends the listener hears the run's final record.
     */
    public Subscription subscribe(String runId, Consumer<TrainingEvent> listener) {
        TrainingRun run = queries.run(runId);
        listener.accept(TrainingEvent.of(run));
        if (run.jobId() == null || !run.state().isActive()) {
            return () -> { };
        }
        return jobs.subscribe(run.jobId(), ev -> {
            if (ev.payload() instanceof TrainingEvent e) {
                listener.accept(e);
            } else if (ev.job().state().isFinal()) {
                listener.accept(TrainingEvent.of(store.get(runId)));
            }
        });
    }

    /** The job that runs (or last ran) a run, for its progress display. */
    public java.util.Optional<JobRecord> job(TrainingRun run) {
        return run.jobId() == null ? java.util.Optional.empty() : jobs.find(run.jobId());
    }

    private TrainingRun submit(TrainingRun run, TrainingConfig config, @Nullable Path restoreFrom) {
        LiveRun l = live.open(run);
        // a fine-tuning run reads its base again when resumed: a QLoRA base is quantized from it, not from the checkpoint
        Path initWeights = (restoreFrom == null || config.finetune() != null) && config.training().initFrom() != null
                ? checks.initWeights(config.training().initFrom()) : null;
        synchronized (l) { // the job waits for this record before it writes its own
            JobRecord job = jobs.submit(JOB_KIND, "Training " + run.name(), LANE, ctx -> execution.execute(ctx, l, config, restoreFrom, initWeights));
            l.run = run.withJob(job.id());
            store.update(l.run);
        }
        l.publish(TrainingEvent.of(l.run));
        return l.run;
    }

    private static String lower(TrainingRun.State s) {
        return s.name().toLowerCase(Locale.ROOT);
    }
}
