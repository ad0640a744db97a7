package org.llmplayground.tracking;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.event.ApplicationShutdownEvent;
import org.llmplayground.training.Trainer;
import org.llmplayground.training.TrainingRun;
import org.llmplayground.training.TrainingStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Mirrors every run to Weights &amp; Biases when a key is configured — the training engine's runs (pre-training,
 * fine-tuning, reward models, DPO) with every step, and every other lab's jobs (evaluation, data cleaning, tokenizer
 * training, downloads) with their settings and the progress, CPU and memory {@link RunRecorder} sampled — as the official client reads it: WANDB_API_KEY, WANDB_BASE_URL
 * (default https://api.wandb.ai), WANDB_ENTITY, WANDB_PROJECT (default llm-playground). No lab logs by hand: every 2 s
 * it reads the steps the engine stored since the last look, buffers them ({@link WandbMirror}) and sends what W&amp;B
 * has not acknowledged. Runs started or still active since the app started are mirrored; older runs are not
 * back-filled. The key is read once and never logged or stored.
 */
@io.micronaut.context.annotation.Context // mirrors from startup on, not from the first request that needs this bean
public class WandbTracking implements ApplicationEventListener<ApplicationShutdownEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(WandbTracking.class);
    private final WandbMirror mirror;
    private final TrainingStore runs;
    private final org.llmplayground.core.jobs.JobRunner jobs;
    private final org.llmplayground.core.Jdbc jdbc;
    private final Instant started = Instant.now();
    private final ScheduledExecutorService ticker;
    private final String where;

    public WandbTracking(javax.sql.DataSource dataSource, io.micronaut.jdbc.DataSourceResolver resolver, TrainingStore runs,
                         org.llmplayground.core.jobs.JobRunner jobs, @Value("${wandb.api.key:}") String key, @Value("${wandb.base.url:https://api.wandb.ai}") String baseUrl,
                         @Value("${wandb.entity:}") String entity, @Value("${wandb.project:llm-playground}") String project) {
        this.runs = runs;
        this.jobs = jobs;
        this.jdbc = new org.llmplayground.core.Jdbc(resolver.resolve(dataSource), "W&B mirroring");
        if (key == null || key.isBlank()) {
            this.mirror = null;
            this.ticker = null;
            this.where = null;
            return;
        }
        this.where = baseUrl + " (" + (entity.isBlank() ? "default entity" : entity) + "/" + project + ")";
        this.mirror = new WandbMirror(resolver.resolve(dataSource), new WandbClient(baseUrl, key.strip(), entity, project, Duration.ofSeconds(30)));
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wandb-mirror");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(this::tick, 2, 2, TimeUnit.SECONDS);
        LOG.info("Mirroring training runs to Weights & Biases at {}", where);
    }

    public boolean enabled() {
        return mirror != null;
    }

    /** A run's mirroring status, or empty when W&amp;B is off or the run is not mirrored. */
    public Optional<WandbMirror.Status> status(String runId) {
        return mirror == null ? Optional.empty() : mirror.status(runId);
    }

    /** W&amp;B's settings as far as they may be shown: on/off and where (never the key). */
    public Map<String, Object> settings() {
        return mirror == null ? Map.of("enabled", false, "hint", "set WANDB_API_KEY (and WANDB_ENTITY, WANDB_PROJECT, WANDB_BASE_URL) to mirror runs")
                : Map.of("enabled", true, "target", where);
    }

    /** One look: new steps of the runs in scope into the buffer, then one sync step per run. */
    void tick() {
        try {
            for (TrainingRun r : runs.list()) {
                boolean inScope = r.createdAt().isAfter(started) || r.finishedAt() == null || r.finishedAt().isAfter(started);
                if (!inScope || mirror.finished(r.id())) {
                    continue;
                }
                if (!mirror.started(r.id())) {
                    Map<String, Object> config = new LinkedHashMap<>();
                    config.put("config_yaml", r.configYaml());
                    config.put("seed", r.seed());
                    config.put("corpus", r.corpus());
                    config.put("tokenizer", r.tokenizer());
                    config.put("data_sha256", r.dataHash());
                    config.put("parameters", r.parameters());
                    config.put("device", r.device());
                    config.put("max_steps", r.maxSteps());
                    config.values().removeIf(java.util.Objects::isNull);
                    mirror.start(r.id(), r.name(), config);
                }
                int after = mirror.lastStep(r.id());
                for (Trainer.StepMetrics m : runs.metrics(r.id(), after, 1000)) {
                    mirror.log(r.id(), Map.of("_step", m.step(), "loss", m.loss(), "lr", m.lr(), "grad_norm", m.gradNorm(),
                            "tokens_per_second", m.tokensPerSecond()));
                }
                if (r.state() != TrainingRun.State.QUEUED && r.state() != TrainingRun.State.RUNNING && r.state() != TrainingRun.State.PAUSED) {
                    Map<String, Object> summary = new LinkedHashMap<>();
                    summary.put("step", r.step());
                    if (r.bestValLoss() != null) {
                        summary.put("best_val_loss", r.bestValLoss());
                    }
                    mirror.finish(r.id(), summary, r.state() == TrainingRun.State.FINISHED ? 0 : 1);
                }
            }
            for (org.llmplayground.core.jobs.JobRecord j : jobs.recent(200)) {
                boolean inScope = j.createdAt().isAfter(started) || j.finishedAt() == null || j.finishedAt().isAfter(started);
                if (j.kind().equals(org.llmplayground.training.TrainingService.JOB_KIND) || !inScope || j.startedAt() == null
                        || mirror.finished(j.id())) {
                    continue;
                }
                mirrorJob(j);
            }
            mirror.syncAll(Instant.now());
        } catch (RuntimeException e) {
            LOG.warn("W&B mirroring: {}", e.getMessage());
        }
    }

    /** A job of another lab: its request as the config, each system sample as a history line, its end. */
    private void mirrorJob(org.llmplayground.core.jobs.JobRecord j) {
        if (!mirror.started(j.id())) {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("kind", j.kind());
            jobs.request(j.id()).ifPresent(r -> config.put("request", r));
            mirror.start(j.id(), j.title(), config);
        }
        int after = mirror.lastStep(j.id());
        int[] step = {0};
        jdbc.query("select t_ms, cpu, heap_mb, rss_mb, progress from run_system where job_id=? order by t_ms", org.llmplayground.core.Jdbc.strings(j.id()),
                rs -> {
                    int n = step[0]++;
                    if (n > after) {
                        mirror.log(j.id(), Map.of("_step", n, "progress", rs.getDouble(5), "system/cpu", rs.getDouble(2),
                                "system/heap_mb", rs.getDouble(3), "system/rss_mb", rs.getDouble(4)));
                    }
                });
        if (j.state().isFinal()) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("state", j.state().name().toLowerCase(java.util.Locale.ROOT));
            if (j.result() != null) {
                summary.put("result", j.result());
            }
            mirror.finish(j.id(), summary, j.state() == org.llmplayground.core.jobs.JobState.SUCCEEDED ? 0 : 1);
        }
    }

    @Override
    public void onApplicationEvent(ApplicationShutdownEvent event) {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }
}
