package org.llmplayground.core.jobs;

import io.micronaut.context.annotation.Context;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Workspace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs long work in the background, one FIFO queue ("lane") per kind of resource: jobs in the same lane run one at a
 * time in submission order (e.g. all training on the CPU), jobs in different lanes run side by side.
 * <p>
 * Every job is a row in H2 ({@link JobRecord}); views and the API subscribe to its events and see the same state.
 * A job that was queued or running when the server stopped is marked {@link JobState#INTERRUPTED} at the next start
 * (this bean is created eagerly, so that happens before anything is served).
 */
@Context
public class JobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    private static final long SAVE_INTERVAL_MS = 1000;

    private final JobRepository repository;
    private final Map<String, ExecutorService> lanes = new ConcurrentHashMap<>();
    private final Map<String, Running> active = new ConcurrentHashMap<>();
    private final Map<String, List<Consumer<JobEvent>>> listeners = new ConcurrentHashMap<>();

    private final Workspace workspace;
    private static final int KEPT_VALUES = 32;
    /** Results of {@link #runOrDefer} jobs, newest last; the eldest is dropped beyond {@link #KEPT_VALUES}. */
    private final Map<String, Object> values = new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
            return size() > KEPT_VALUES;
        }
    };

    private final io.micronaut.serde.ObjectMapper json;
    private final Map<String, Rerun<?>> reruns = new ConcurrentHashMap<>();
    private final List<JobObserver> observers = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** How a lab starts a job of one rerun key again from its stored request. */
    private record Rerun<R>(Class<R> type, java.util.function.Function<R, JobRecord> start) {
        JobRecord startFrom(io.micronaut.serde.ObjectMapper json, String request) throws java.io.IOException {
            return start.apply(json.readValue(request, type));
        }
    }

    public JobRunner(JobRepository repository, Workspace workspace) {
        this(repository, workspace, io.micronaut.serde.ObjectMapper.getDefault());
    }

    @jakarta.inject.Inject
    public JobRunner(JobRepository repository, Workspace workspace, io.micronaut.serde.ObjectMapper json) {
        this.repository = repository;
        this.workspace = workspace;
        this.json = json;
    }

    @PostConstruct
    void markInterrupted() {
        for (JobRecord stale : repository.findByStateIn(EnumSet.of(JobState.QUEUED, JobState.RUNNING))) {
            String cleaned = workspace.cleanedAtStartup(); // the half-written output of these jobs, gone before they are listed
            repository.update(stale.withState(JobState.INTERRUPTED, "Interrupted: the server stopped while this job was "
                    + stale.state().name().toLowerCase() + (cleaned.isEmpty() ? "" : "; " + cleaned)));
        }
    }

    /** Adds an observer told about every job's start and end (see {@link JobObserver}). */
    public void observe(JobObserver observer) {
        observers.add(observer);
    }

    /** The jobs queued or running now. */
    public List<JobRecord> activeJobs() {
        return active.values().stream().map(r -> r.record).toList();
    }

    /** Every job, newest first (at most {@code limit}). */
    public List<JobRecord> recent(int limit) {
        return repository.recent(limit).stream().map(r -> find(r.id()).orElse(r)).toList();
    }

    /** The settings a job was started with, as JSON, when its lab keeps them (jobs that can be run again). */
    public Optional<String> request(String id) {
        return repository.findRequest(id).map(r -> r[1]);
    }

    /**
     * Declares that jobs submitted with {@code rerunKey} can be run again: {@code start} gets the stored request back
     * and starts a new job from it (with all the checks of a first start). A lab registers this when it is created.
     */
    public <R> void rerunnable(String rerunKey, Class<R> type, java.util.function.Function<R, JobRecord> start) {
        reruns.put(rerunKey, new Rerun<>(type, start));
    }

    /**
     * {@link #submit(String, String, String, Job)}, keeping {@code request} (as JSON) so that the job can be run again
     * with the same settings after an interruption or a failure ({@link #rerun}).
     */
    public JobRecord submit(String kind, String title, String lane, String rerunKey, Object request, Job job) {
        String body;
        try {
            body = json.writeValueAsString(request);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("A job request that cannot be stored as JSON: " + request.getClass(), e);
        }
        return submit(kind, title, lane, record -> repository.saveRequest(record.id(), rerunKey, body), job);
    }

    /** Whether {@link #rerun} can start {@code job} again: it has ended without success and kept its request. */
    public boolean canRerun(JobRecord job) {
        return job.state().isFinal() && job.state() != JobState.SUCCEEDED
                && repository.findRequest(job.id()).map(r -> reruns.containsKey(r[0])).orElse(false);
    }

    /**
     * Starts an interrupted, failed or cancelled job again from its stored request; returns the new job. The old
     * record stays as it was (its history); the new one is checked like a first start (e.g. a source since deleted).
     */
    public JobRecord rerun(String id) {
        return startAgain(id, false);
    }

    /** Whether {@link #reproduce} can start {@code job} again: it kept its request and its lab knows how to start it. */
    public boolean canReproduce(String id) {
        return repository.findRequest(id).map(r -> reruns.containsKey(r[0])).orElse(false);
    }

    /**
     * Any ended job, a succeeded one too, started again from its stored request: the same settings and seed, a new
     * record (experiment tracking's "run again").
     */
    public JobRecord reproduce(String id) {
        return startAgain(id, true);
    }

    private JobRecord startAgain(String id, boolean evenSucceeded) {
        JobRecord old = get(id);
        if (!old.state().isFinal()) {
            throw BadInputException.conflict("Job " + id + " is still " + old.state().name().toLowerCase(java.util.Locale.ROOT)
                    + ": it can be run again once it has ended.");
        }
        if (old.state() == JobState.SUCCEEDED && !evenSucceeded) {
            throw BadInputException.conflict("Job " + id + " succeeded; its result is kept. Start a new one to run it again.");
        }
        String[] stored = repository.findRequest(id).orElseThrow(() -> BadInputException.conflict("Job " + id + " (" + old.kind()
                + ") did not keep its settings, so it cannot be run again from here; start it from its lab."));
        Rerun<?> rerun = reruns.get(stored[0]);
        if (rerun == null) {
            throw BadInputException.conflict("Jobs of kind '" + stored[0] + "' cannot be run again from their record.");
        }
        try {
            return rerun.startFrom(json, stored[1]);
        } catch (java.io.IOException e) {
            throw BadInputException.conflict("Job " + id + "'s stored settings cannot be read any more (" + e.getMessage()
                    + "); start it from its lab.");
        }
    }

    /** Queues {@code job} on {@code lane} and returns its record (state QUEUED). */
    public JobRecord submit(String kind, String title, String lane, Job job) {
        return submit(kind, title, lane, record -> { }, job);
    }

    private JobRecord submit(String kind, String title, String lane, Consumer<JobRecord> saved, Job job) {
        JobRecord record = new JobRecord(UUID.randomUUID().toString(), kind, title, JobState.QUEUED, 0, "Queued", null,
                Instant.now(), null, null);
        repository.save(record);
        saved.accept(record); // before the job can start: a crash from here on leaves a record that can be run again
        Running running = new Running(record, job);
        active.put(record.id(), running);
        lanes.computeIfAbsent(lane, this::newLane).submit(() -> execute(running));
        return record;
    }

    /** Work that returns a value; its job's stored result is {@code summary} of that value (e.g. an id). */
    @FunctionalInterface
    public interface Work<T> {
        T run(JobContext ctx) throws Exception;
    }

    /**
     * What a request gets from {@link #runOrDefer}: the value when the work finished in time, else the job (still
     * queued or running) that the caller answers with 202 and which the client follows at {@code /api/v1/jobs/{id}}.
     */
    public record Outcome<T>(T value, JobRecord job) {
        public boolean finished() {
            return value != null;
        }
    }

    /**
     * Runs {@code work} as a job and waits up to {@code wait} for it: quick work answers within the request, slow work
     * (a 1 B-parameter build, statistics of a 1 GiB file) goes on as a job the request returns at once. A request
     * therefore never outlives the server's 30 s async timeout with the work still attached to it: the work belongs to
     * the job, which can be followed and cancelled. A failure within the wait is rethrown as it was thrown (a
     * {@link BadInputException} keeps its status), so a bad request still gets its 4xx at once.
     */
    public <T> Outcome<T> runOrDefer(String kind, String title, String lane, Work<T> work,
                                     java.util.function.Function<T, String> summary, Duration wait) {
        java.util.concurrent.CompletableFuture<T> done = new java.util.concurrent.CompletableFuture<>();
        JobRecord record = submit(kind, title, lane, ctx -> {
            try {
                T value = work.run(ctx);
                synchronized (values) {
                    values.put(ctx.jobId(), value);
                }
                done.complete(value);
                return summary.apply(value);
            } catch (Exception | Error e) {
                done.completeExceptionally(e);
                throw e;
            }
        });
        try {
            return new Outcome<>(done.get(wait.toMillis(), TimeUnit.MILLISECONDS), record);
        } catch (java.util.concurrent.TimeoutException e) {
            return new Outcome<>(null, find(record.id()).orElse(record));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome<>(null, find(record.id()).orElse(record));
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof JobCancelledException) { // cancelled within the wait: the job says so
                return new Outcome<>(null, find(record.id()).orElse(record));
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * The value a {@link #runOrDefer} job produced, for a client that got 202 and came back: kept in memory for the
     * last {@value #KEPT_VALUES} such jobs (a restart forgets them; the job's record keeps its summary).
     */
    public Object value(String id) {
        JobRecord r = get(id);
        if (r.state() != JobState.SUCCEEDED) {
            throw BadInputException.conflict("Job " + id + " is " + r.state().name().toLowerCase(java.util.Locale.ROOT)
                    + (r.state().isFinal() ? ": it has no result (" + r.message() + ")." : ": ask again when it has finished."));
        }
        synchronized (values) {
            Object v = values.get(id);
            if (v == null) {
                throw BadInputException.notFound("The result of job " + id + " is no longer kept (results of the last "
                        + KEPT_VALUES + " jobs are, until a restart); its summary is '" + r.result() + "'. Run it again.");
            }
            return v;
        }
    }

    /** Asks a queued or running job to stop; true if it was still active. */
    public boolean cancel(String id) {
        Running running = active.get(id);
        if (running == null) {
            return false;
        }
        running.cancelled = true;
        synchronized (running) {
            if (running.record.state() == JobState.QUEUED) {
                finish(running, running.record.withState(JobState.CANCELLED, "Cancelled before it started"));
            }
        }
        return true;
    }

    /** The latest state: live for active jobs, from H2 otherwise. */
    public Optional<JobRecord> find(String id) {
        Running running = active.get(id);
        return running != null ? Optional.of(running.record) : repository.findById(id);
    }

    public JobRecord get(String id) {
        return find(id).orElseThrow(() -> BadInputException.notFound("No job with id '" + id + "'."));
    }

    public List<JobRecord> history(String kind) {
        return repository.findByKindOrderByCreatedAtDesc(kind).stream().map(r -> find(r.id()).orElse(r)).toList();
    }

    /**
     * Subscribes to one job's events. The listener is called at once with the current state, then from the job's
     * thread; a view must hop onto its UI with {@code ui.access} and close the subscription on detach.
     */
    public Subscription subscribe(String id, Consumer<JobEvent> listener) {
        JobRecord current = get(id);
        if (current.state().isFinal()) {
            deliver(listener, new JobEvent(current, null));
            return () -> { };
        }
        List<Consumer<JobEvent>> list = listeners.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>());
        list.add(listener);
        deliver(listener, new JobEvent(find(id).orElse(current), null));
        return () -> list.remove(listener);
    }

    /** Blocks until the job reaches a final state or the timeout passes; returns the latest record. */
    public JobRecord await(String id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JobRecord r = get(id);
        while (!r.state().isFinal() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            r = get(id);
        }
        return r;
    }

    private void execute(Running running) {
        synchronized (running) {
            if (running.cancelled || running.record.state() != JobState.QUEUED) {
                return;
            }
            update(running, running.record.withState(JobState.RUNNING, "Running"), true);
        }
        tell(o -> o.started(running.record));
        try {
            String result = running.job.run(running);
            if (running.cancelled) {
                finish(running, running.record.withState(JobState.CANCELLED, "Cancelled"));
            } else {
                // keep the job's own last words (e.g. "Saved as 'x'"), which say more than "Done"
                finish(running, running.record.withResult(result).withState(JobState.SUCCEEDED, null));
            }
        } catch (JobCancelledException e) {
            finish(running, running.record.withState(JobState.CANCELLED, "Cancelled"));
        } catch (BadInputException e) {
            finish(running, running.record.withState(JobState.FAILED, e.getMessage()));
        } catch (Exception | Error e) {
            LOG.error("Job {} ({}) failed", running.record.id(), running.record.title(), e);
            finish(running, running.record.withState(JobState.FAILED, "Failed: " + e));
        }
    }

    private void finish(Running running, JobRecord record) {
        update(running, record, true);
        active.remove(record.id());
        listeners.remove(record.id());
        tell(o -> o.ended(record));
    }

    private void tell(Consumer<JobObserver> call) {
        for (JobObserver o : observers) {
            try {
                call.accept(o);
            } catch (RuntimeException e) {
                LOG.warn("A job observer failed; the job goes on", e);
            }
        }
    }

    private void update(Running running, JobRecord record, boolean force) {
        long now = System.currentTimeMillis();
        if (force || now - running.lastSave >= SAVE_INTERVAL_MS) {
            running.lastSave = now;
            repository.update(record);
        }
        publish(record.id(), new JobEvent(record, null));
        // only now does get()/await() see the new state: whoever waits for the end has had its last event delivered
        running.record = record;
    }

    /**
     * A lab-specific event for a job that is not running yet or from outside its thread (e.g. a queued training run
     * that was stopped); a running job publishes through its {@link JobContext}. Ignored for unknown or ended jobs.
     */
    public void publish(String id, Object payload) {
        Running running = active.get(id);
        if (running != null) {
            publish(id, new JobEvent(running.record, payload));
        }
    }

    private void publish(String id, JobEvent event) {
        List<Consumer<JobEvent>> list = listeners.get(id);
        if (list != null) {
            list.forEach(l -> deliver(l, event));
        }
    }

    private static void deliver(Consumer<JobEvent> listener, JobEvent event) {
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            LOG.warn("A job listener failed; the job goes on", e);
        }
    }

    private ExecutorService newLane(String lane) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "job-" + lane);
            t.setDaemon(true);
            return t;
        });
    }

    @PreDestroy
    void shutdown() throws InterruptedException {
        active.values().forEach(r -> r.cancelled = true);
        lanes.values().forEach(ExecutorService::shutdown);
        for (ExecutorService lane : lanes.values()) {
            lane.awaitTermination(10, TimeUnit.SECONDS);
        }
        for (Running r : active.values()) {
            repository.update(r.record.withState(JobState.INTERRUPTED, "Interrupted: the server stopped"));
        }
    }

    /** A job in flight; it is its own {@link JobContext}. */
    private final class Running implements JobContext {
        private final Job job;
        private volatile JobRecord record;
        private volatile boolean cancelled;
        private long lastSave;

        Running(JobRecord record, Job job) {
            this.record = record;
            this.job = job;
        }

        @Override
        public String jobId() {
            return record.id();
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public void progress(double fraction, String message) {
            update(this, record.withProgress(Math.max(0, Math.min(1, fraction)), message), false);
        }

        @Override
        public void progress(long done, long total, String message) {
            double fraction = total <= 0 ? 0 : Math.max(0, Math.min(1, (double) done / total));
            update(this, record.withItems(done, total).withProgress(fraction, message), false);
        }

        @Override
        public void publish(Object payload) {
            JobRunner.this.publish(record.id(), new JobEvent(record, payload));
        }
    }
}
