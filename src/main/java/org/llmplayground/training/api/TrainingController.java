package org.llmplayground.training.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.sse.Event;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.llmplayground.core.BadInputException;
import org.llmplayground.model.LoadedModel;
import org.llmplayground.training.Checkpoints;
import org.llmplayground.training.Trainer;
import org.llmplayground.training.TrainingConfigs;
import org.llmplayground.training.TrainingEstimate;
import org.llmplayground.training.TrainingRun;
import org.llmplayground.training.TrainingChecks;
import org.llmplayground.training.TrainingQueries;
import org.llmplayground.training.TrainingService;
import org.reactivestreams.Publisher;

import java.util.List;

/**
 * REST API of Lab 3. Every method calls the services the Training lab calls: {@link TrainingService} (run
 * lifecycle), {@link TrainingQueries} (reading runs) and {@link TrainingChecks} (configs and estimates).
 */
@Controller("/api/v1/training")
@Tag(name = "Training", description = "Pre-train a GPT: configs, runs (jobs), live metrics, checkpoints")
class TrainingController {
    private final TrainingService service;
    private final TrainingQueries queries;
    private final TrainingChecks checks;

    TrainingController(TrainingService service, TrainingQueries queries, TrainingChecks checks) {
        this.service = service;
        this.queries = queries;
        this.checks = checks;
    }

    /** Which config to run: YAML text, or the name of a config file (default shakespeare-char); name renames the run. */
    @Serdeable
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = false) // unknown fields: a 400 that names them
    record StartRequest(@Nullable String config, @Nullable String yaml, @Nullable String name) {
    }

    @Serdeable
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = false) // unknown fields: a 400 that names them
    record ConfigBody(@Nullable String name, @Nullable String yaml) {
    }

    @Serdeable
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = false) // unknown fields: a 400 that names them
    record ResumeFrom(@Nullable Integer step, @Nullable Integer maxSteps) {
    }

    // ---------------------------------------------------------------- configs

    @Operation(summary = "List the config files: the bundled examples and the user's own")
    @Get("/configs")
    List<TrainingConfigs.ConfigFile> configs() {
        return checks.configs().list();
    }

    @Operation(summary = "One config file with its YAML")
    @Get("/configs/{name}")
    TrainingConfigs.ConfigFile config(@PathVariable String name) {
        return checks.configs().get(name);
    }

    @Operation(summary = "Create a user config (validated; bundled names are refused)")
    @Post("/configs")
    HttpResponse<TrainingConfigs.ConfigFile> createConfig(@Body ConfigBody body) {
        if (body.name() != null && checks.configs().list().stream().anyMatch(c -> c.name().equals(body.name()))) {
            throw BadInputException.conflict("A config named '" + body.name() + "' exists; use PUT /configs/" + body.name() + " to replace it.");
        }
        return HttpResponse.created(checks.configs().save(body.name(), body.yaml()));
    }

    @Operation(summary = "Replace (or create) a user config")
    @Put("/configs/{name}")
    TrainingConfigs.ConfigFile saveConfig(@PathVariable String name, @Body ConfigBody body) {
        return checks.configs().save(name, body.yaml());
    }

    @Operation(summary = "Delete a user config")
    @Delete("/configs/{name}")
    HttpResponse<Void> deleteConfig(@PathVariable String name) {
        checks.configs().delete(name);
        return HttpResponse.noContent();
    }

    @Operation(summary = "Estimate parameters, memory and time of a config before starting it")
    @Post("/estimate")
    TrainingEstimate estimate(@Body StartRequest req) {
        return checks.estimate(checks.resolve(req.config(), req.yaml(), req.name()));
    }

    // ---------------------------------------------------------------- jobs

    @Operation(summary = "Start a training run; it queues behind a running one (one at a time)")
    @Post("/jobs/start")
    HttpResponse<TrainingRun> start(@Body StartRequest req) {
        return HttpResponse.accepted().body(service.start(checks.resolve(req.config(), req.yaml(), req.name())));
    }

    @Operation(summary = "All runs, newest first")
    @Get("/jobs")
    List<TrainingRun> jobs() {
        return queries.runs();
    }

    @Operation(summary = "A run's state, latest step metrics, progress and estimated time left")
    @Get("/jobs/{id}/status")
    TrainingQueries.Status status(@PathVariable String id) {
        return queries.status(id);
    }

    @Operation(summary = "Stop a run after its current step; a checkpoint is saved")
    @Post("/jobs/{id}/stop")
    TrainingRun stop(@PathVariable String id) {
        return service.stop(id);
    }

    @Operation(summary = "Pause a running run after its current step")
    @Post("/jobs/{id}/pause")
    TrainingRun pause(@PathVariable String id) {
        return service.pause(id);
    }

    @Operation(summary = "Change how often an active run writes a checkpoint, from its next step on: {\"every\": 50}")
    @Post("/jobs/{id}/checkpoint-interval")
    TrainingRun checkpointInterval(@PathVariable String id, @Body CheckpointInterval body) {
        if (body.every() == null) {
            throw new BadInputException("Give 'every': checkpoint every this many steps, e.g. {\"every\": 50}.");
        }
        return service.setCheckpointInterval(id, body.every());
    }

    /** How often to checkpoint from now on. */
    @Serdeable
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = false) // unknown fields: a 400 that names them
    record CheckpointInterval(@Nullable Integer every) {
    }

    @Operation(summary = "Resume a paused run, or continue a stopped or interrupted one from its latest checkpoint")
    @Post("/jobs/{id}/resume")
    TrainingRun resume(@PathVariable String id) {
        return service.resume(id);
    }

    @Operation(summary = "Start a new run from one of this run's checkpoints (optionally with a larger max_steps)")
    @Post("/jobs/{id}/resume-from")
    HttpResponse<TrainingRun> resumeFrom(@PathVariable String id, @Body ResumeFrom body) {
        if (body.step() == null) {
            throw new BadInputException("Give the checkpoint's step, e.g. {\"step\": 500}.");
        }
        return HttpResponse.accepted().body(service.resumeFrom(id, body.step(), body.maxSteps()));
    }

    @Operation(summary = "Delete a run that is not active, with its checkpoints")
    @Delete("/jobs/{id}")
    HttpResponse<Void> delete(@PathVariable String id) {
        service.delete(id);
        return HttpResponse.noContent();
    }

    @Operation(summary = "Step metrics after a step (loss, lr, grad norm, tokens/s, step time, memory), for polling")
    @Get("/jobs/{id}/metrics")
    List<Trainer.StepMetrics> metrics(@PathVariable String id, @QueryValue(defaultValue = "0") int after,
                                      @QueryValue(defaultValue = "1000") int limit) {
        return queries.metrics(id, after, limit);
    }

    @Operation(summary = "Everything a run recorded: step metrics (thinned to maxPoints), evaluations and samples")
    @Get("/jobs/{id}/metrics/history")
    TrainingQueries.History history(@PathVariable String id, @QueryValue(defaultValue = "2000") int maxPoints) {
        return queries.history(id, maxPoints);
    }

    @Operation(summary = "A run's checkpoints (the latest and the best by val loss)")
    @Get("/jobs/{id}/checkpoints")
    List<Checkpoints.Saved> checkpoints(@PathVariable String id) {
        return queries.checkpoints(id);
    }

    @Operation(summary = "Load a checkpoint as a model for the generator and the Transformer lab")
    @Post("/jobs/{id}/checkpoints/{step}/open")
    LoadedModel.ModelInfo open(@PathVariable String id, @PathVariable int step) {
        return queries.openAsModel(id, step);
    }

    @Operation(summary = "Server-sent events of a run: 'run' (state), 'step', 'eval', 'sample', 'checkpoint', 'warning'")
    @Get(value = "/jobs/{id}/events", produces = MediaType.TEXT_EVENT_STREAM)
    Publisher<Event<Object>> events(@PathVariable String id) {
        return RunEvents.of(queries, service, id);
    }
}
