package org.llmplayground.training;

import org.llmplayground.core.jobs.Eta;
import org.llmplayground.core.jobs.JobContext;
import org.llmplayground.core.jobs.JobRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * One run in this process: its pause/stop switches (the trainer's {@link Trainer.Control}) and the trainer's events
 * (its {@link Trainer.Events}), which it buffers for H2 (flushed every second: one batch insert instead of one row
 * per step) and publishes as {@link TrainingEvent}s on the run's job, where the Training lab and the REST stream
 * listen.
 */
final class LiveRun implements Trainer.Events, Trainer.Control {
    private static final Logger LOG = LoggerFactory.getLogger(LiveRun.class);
    private static final long FLUSH_MS = 1000;
    private static final long SAVE_MS = 5000;

    final String runId;
    private final TrainingStore store;
    private final JobRunner jobs;
    private final Runnable onFinish;
    volatile JobContext ctx;
    volatile TrainingRun run;
    volatile boolean stop;
    volatile boolean paused;
    volatile boolean finished;
    volatile Trainer.StepMetrics latest;
    volatile int step;
    volatile Double best;
    /** A checkpoint interval set during the run (0: the config's). */
    volatile int saveInterval;
    /** The step whose checkpoint could not be written, until one is written again (0: none failed). */
    private volatile int failedCheckpoint;
    private final List<Trainer.StepMetrics> buffer = new ArrayList<>();
    private final List<Trainer.Measured> measures = new ArrayList<>();
    private final Eta eta = new Eta();
    private long lastFlush = System.currentTimeMillis();
    private long lastSave = System.currentTimeMillis();

    LiveRun(TrainingRun run, TrainingStore store, JobRunner jobs, Runnable onFinish) {
        this.runId = run.id();
        this.run = run;
        this.store = store;
        this.jobs = jobs;
        this.onFinish = onFinish;
    }

    // ------------------------------------------------------------------ the run's record

    /** Records a new state of the run and tells the listeners. */
    void save(TrainingRun r) {
        run = r;
        store.update(r);
        publish(TrainingEvent.of(r));
    }

    /** The last record of this run in this process: after it, the run is no longer live. */
    void finish(TrainingRun r) {
        save(r);
        finished = true;
        onFinish.run();
    }

    /** On the run's job: from the job's thread once it runs, through the job runner while it is queued. */
    void publish(TrainingEvent event) {
        JobContext c = ctx;
        if (c != null) {
            c.publish(event);
        } else if (run.jobId() != null) {
            jobs.publish(run.jobId(), event);
        }
    }

    // ------------------------------------------------------------------ control

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
        save(run.withProgress(step, best).with(TrainingRun.State.PAUSED, "Paused at step " + step));
        ctx.progress(step, run.maxSteps(), "Paused at step " + step);
        synchronized (this) {
            while (paused && !stopRequested()) {
                wait(500);
            }
        }
        save(run.with(TrainingRun.State.RUNNING, "Training"));
    }

    // ------------------------------------------------------------------ the trainer's events

    @Override
    public void stepped(Trainer.StepMetrics m) {
        latest = m;
        step = m.step();
        eta.observe(System.nanoTime() / 1e9, (double) m.step() / run.maxSteps());
        synchronized (buffer) {
            buffer.add(m);
        }
        long now = System.currentTimeMillis();
        if (now - lastFlush >= FLUSH_MS) {
            flush();
        }
        if (now - lastSave >= SAVE_MS) { // the run row's step, for listings and for a crash
            lastSave = now;
            run = run.withProgress(m.step(), best);
            store.update(run);
        }
        ctx.progress(m.step(), run.maxSteps(), String.format("loss %.4f", m.loss()));
        publish(TrainingEvent.step(runId, m));
    }

    @Override
    public void measured(int step, java.util.Map<String, Double> values) {
        Trainer.Measured m = new Trainer.Measured(step, java.util.Map.copyOf(new java.util.TreeMap<>(values)));
        synchronized (buffer) {
            measures.add(m);
        }
        publish(TrainingEvent.measure(runId, m));
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
        publish(TrainingEvent.eval(runId, e));
    }

    @Override
    public void sampled(Trainer.Sample s) {
        store.addSample(runId, s);
        publish(TrainingEvent.sample(runId, s));
    }

    @Override
    public int saveInterval(int configured) {
        int every = saveInterval;
        return every > 0 ? every : configured;
    }

    @Override
    public void checkpointed(Checkpoints.Saved c) {
        publish(TrainingEvent.checkpoint(runId, c));
        int failed = failedCheckpoint;
        if (failed > 0) { // writing works again: the run's line stops saying it does not
            failedCheckpoint = 0;
            String message = String.format("Training; the checkpoint at step %d was written (the one at step %d had failed)",
                    c.step(), failed);
            run = run.with(run.state(), message);
            if (tryUpdate()) {
                publish(TrainingEvent.of(run));
            }
        }
    }

    @Override
    public void checkpointFailed(int failedStep, String message) {
        failedCheckpoint = failedStep;
        warning(message);
    }

    @Override
    public void warning(String message) {
        LOG.warn("Training run {}: {}", runId, message);
        run = run.with(run.state(), message);
        tryUpdate();
        publish(TrainingEvent.warning(runId, message));
    }

    /**
     * Writes the run's row, or keeps it in memory when H2 cannot write either (a full disk stops both): the next
     * successful write carries it, and training goes on meanwhile.
     */
    private boolean tryUpdate() {
        try {
            store.update(run);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("Training run {}: its status could not be stored ({}); it is kept in memory until writing works again", runId, e.getMessage());
            return false;
        }
    }

    /** Seconds left at the recent pace (the app's one {@link Eta}). */
    OptionalDouble secondsLeft() {
        return eta.secondsLeft();
    }

    /** Writes the buffered step metrics to H2 in one batch. */
    void flush() {
        List<Trainer.StepMetrics> batch;
        List<Trainer.Measured> measured;
        synchronized (buffer) {
            batch = List.copyOf(buffer);
            buffer.clear();
            measured = List.copyOf(measures);
            measures.clear();
        }
        lastFlush = System.currentTimeMillis();
        store.addMetrics(runId, batch);
        store.addMeasures(runId, measured);
    }
}
