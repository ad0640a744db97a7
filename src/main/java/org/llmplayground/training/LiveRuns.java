package org.llmplayground.training;

import jakarta.inject.Singleton;
import org.llmplayground.core.Workspace;
import org.llmplayground.core.jobs.JobRunner;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The runs this process is training or has queued, by run id: what the lifecycle controls and the queries read live. */
@Singleton
class LiveRuns {
    private final Map<String, LiveRun> live = new ConcurrentHashMap<>();
    private final TrainingStore store;
    private final JobRunner jobs;
    private final Path runsDir;
    private volatile boolean recovered;

    LiveRuns(TrainingStore store, JobRunner jobs, Workspace workspace) {
        this.store = store;
        this.jobs = jobs;
        this.runsDir = workspace.dir("runs");
    }

    Path runsDir() {
        return runsDir;
    }

    /**
     * Runs recorded as active by a previous server process are interrupted (their jobs were marked so by the job
     * runner at startup); says so, and from where they resume. Done once, before the first read or change.
     */
    void recover() {
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
                    store.update(r.with(TrainingRun.State.INTERRUPTED, "The server stopped while this run was "
                            + r.state().name().toLowerCase(Locale.ROOT)
                            + (r.state() == TrainingRun.State.QUEUED ? "" : " at step " + r.step()) + ". Resume continues "
                            + (saved.isEmpty() ? "from step 0 (no checkpoint was saved)." : "from the checkpoint at step "
                            + saved.get(saved.size() - 1).step() + ".")));
                }
            }
            recovered = true;
        }
    }

    LiveRun open(TrainingRun run) {
        LiveRun[] holder = new LiveRun[1];
        holder[0] = new LiveRun(run, store, jobs, () -> live.remove(run.id(), holder[0]));
        live.put(run.id(), holder[0]);
        return holder[0];
    }

    Optional<LiveRun> get(String runId) {
        return Optional.ofNullable(live.get(runId));
    }

    boolean contains(String runId) {
        return live.containsKey(runId);
    }

    /** Runs queued or training here, for "Queued behind 2 training runs". */
    long unfinished() {
        return live.values().stream().filter(l -> !l.finished).count();
    }
}
