package org.llmplayground.tracking;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.event.ApplicationShutdownEvent;
import jakarta.inject.Singleton;
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
 * Mirrors the training engine's runs (pre-training, fine-tuning, reward models, DPO: every run the engine records)
 * to Weights &amp; Biases when a key is configured, as the official client reads it: WANDB_API_KEY, WANDB_BASE_URL
 * (default https://api.wandb.ai), WANDB_ENTITY, WANDB_PROJECT (default llm-playground). No lab logs by hand: every 2 s
 * it reads the steps the engine stored since the last look, buffers them ({@link WandbMirror}) and sends what W&amp;B
 * has not acknowledged. Runs started or still active since the app started are mirrored; older runs are not
 * back-filled. The key is read once and never logged or stored.
 */
@Singleton
public class WandbTracking implements ApplicationEventListener<ApplicationShutdownEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(WandbTracking.class);
    private final WandbMirror mirror;
    private final TrainingStore runs;
    private final Instant started = Instant.now();
    private final ScheduledExecutorService ticker;
    private final String where;

    public WandbTracking(javax.sql.DataSource dataSource, io.micronaut.jdbc.DataSourceResolver resolver, TrainingStore runs,
                         @Value("${wandb.api.key:}") String key, @Value("${wandb.base.url:https://api.wandb.ai}") String baseUrl,
                         @Value("${wandb.entity:}") String entity, @Value("${wandb.project:llm-playground}") String project) {
        this.runs = runs;
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
            mirror.syncAll(Instant.now());
        } catch (RuntimeException e) {
            LOG.warn("W&B mirroring: {}", e.getMessage());
        }
    }

    @Override
    public void onApplicationEvent(ApplicationShutdownEvent event) {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }
}
