package org.llmplayground.tracking;

import ai.djl.engine.Engine;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.event.ApplicationShutdownEvent;
import org.llmplayground.core.Jdbc;
import org.llmplayground.core.jobs.JobObserver;
import org.llmplayground.core.jobs.JobRecord;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.core.jobs.JobState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Records every job of every lab as it runs, with no lab logging by hand: when a job starts, the code version and
 * the environment (JVM, OS, cores, heap, DJL and its engine, threads); while it runs, every {@link #SAMPLE_MS} ms,
 * the process's CPU load, heap and resident memory and the job's progress. The job table already holds the rest
 * (title, state, times, result, the request it was started with); the training engine its steps.
 */
@Context // observes the job runner from startup on, before the first job can start
public class RunRecorder implements ApplicationEventListener<ApplicationShutdownEvent> {
    static final long SAMPLE_MS = 2000;
    private static final Logger LOG = LoggerFactory.getLogger(RunRecorder.class);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private final Jdbc jdbc;
    private final JobRunner jobs;
    private final String codeVersion;
    private final String environment;
    private final ScheduledExecutorService sampler;

    public RunRecorder(javax.sql.DataSource dataSource, io.micronaut.jdbc.DataSourceResolver resolver, JobRunner jobs,
                       org.llmplayground.model.ModelService models) {
        this.jdbc = new Jdbc(resolver.resolve(dataSource), "Run tracking");
        this.jobs = jobs;
        this.codeVersion = codeVersion(Path.of("."));
        this.environment = environment(models.device().toString());
        jobs.observe(new JobObserver() {
            @Override
            public void started(JobRecord job) {
                jdbc.update("merge into run_meta (job_id, code_version, environment, started_at) key (job_id) values (?,?,?,?)", ps -> {
                    ps.setString(1, job.id());
                    ps.setString(2, codeVersion);
                    ps.setString(3, environment);
                    ps.setTimestamp(4, Timestamp.from(job.startedAt() == null ? Instant.now() : job.startedAt()));
                });
                sample(job);
            }

            @Override
            public void ended(JobRecord job) {
                sample(job);
            }
        });
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "run-sampler");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleWithFixedDelay(this::sampleActive, SAMPLE_MS, SAMPLE_MS, TimeUnit.MILLISECONDS);
    }

    public String codeVersion() {
        return codeVersion;
    }

    public String environment() {
        return environment;
    }

    private void sampleActive() {
        try {
            for (JobRecord j : jobs.activeJobs()) {
                if (j.state() == JobState.RUNNING) {
                    sample(j);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Run tracking could not sample the running jobs: {}", e.getMessage());
        }
    }

    /** One row of system metrics for {@code job}: CPU load of this process (0..1 of all cores), heap, RSS, progress. */
    void sample(JobRecord job) {
        double cpu = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? Math.max(0, os.getProcessCpuLoad()) : 0;
        double heap = org.llmplayground.core.ProcessMemory.heapMb();
        long now = System.currentTimeMillis();
        jdbc.update("merge into run_system (job_id, t_ms, cpu, heap_mb, rss_mb, progress) key (job_id, t_ms) values (?,?,?,?,?,?)", ps -> {
            ps.setString(1, job.id());
            ps.setLong(2, now);
            ps.setDouble(3, cpu);
            ps.setDouble(4, heap);
            ps.setDouble(5, org.llmplayground.core.ProcessMemory.residentOrHeapMb());
            ps.setDouble(6, job.progress());
        });
    }

    /**
     * The git commit of the checkout the app runs from (".git/HEAD", following one ref; whether the tree has changes
     * since is not known without git itself), else the app's version: "git a1b2…f6 (main)" or "llm-playground 0.1.0-SNAPSHOT".
     */
    static String codeVersion(Path dir) {
        try {
            Path git = dir.toAbsolutePath().normalize();
            while (git != null && !Files.isDirectory(git.resolve(".git"))) {
                git = git.getParent();
            }
            if (git != null) {
                Path dotGit = git.resolve(".git");
                String head = Files.readString(dotGit.resolve("HEAD")).strip();
                if (head.startsWith("ref: ")) {
                    String ref = head.substring(5);
                    Path refFile = dotGit.resolve(ref).normalize();
                    String commit = null;
                    if (refFile.startsWith(dotGit) && Files.isRegularFile(refFile)) {
                        commit = Files.readString(refFile).strip();
                    } else if (Files.isRegularFile(dotGit.resolve("packed-refs"))) {
                        for (String line : Files.readAllLines(dotGit.resolve("packed-refs"))) {
                            if (line.endsWith(" " + ref)) {
                                commit = line.substring(0, line.indexOf(' '));
                            }
                        }
                    }
                    if (commit != null && commit.matches("[0-9a-f]{40}")) {
                        return "git " + commit + " (" + ref.replaceFirst("^refs/heads/", "") + ")";
                    }
                } else if (head.matches("[0-9a-f]{40}")) {
                    return "git " + head;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // no readable checkout: the app's version below
        }
        String v = RunRecorder.class.getPackage().getImplementationVersion();
        return "llm-playground " + (v == null ? "0.1.0-SNAPSHOT" : v);
    }

    /** The environment as JSON: what a run's numbers depend on besides its config. */
    static String environment(String device) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        env.put("cores", Runtime.getRuntime().availableProcessors());
        env.put("max_heap_mb", Runtime.getRuntime().maxMemory() / 1048576);
        try {
            Engine e = Engine.getInstance();
            env.put("djl", Engine.getDjlVersion());
            env.put("engine", e.getEngineName() + " " + e.getVersion());
        } catch (RuntimeException | Error ex) {
            env.put("engine", "unavailable: " + ex.getMessage());
        }
        env.put("device", device);
        env.put("native_setup", org.llmplayground.core.NativeSetup.state());
        for (String var : List.of("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "MKL_NUM_THREADS")) {
            String v = System.getenv(var);
            if (v != null) {
                env.put(var, v);
            }
        }
        try {
            return JSON.writeValueAsString(env);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void onApplicationEvent(ApplicationShutdownEvent event) {
        sampler.shutdownNow();
    }
}
