package org.llmplayground.finetune.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.llmplayground.finetune.FineTuneService;
import org.llmplayground.finetune.SftDatasets;
import org.llmplayground.training.TrainingRun;
import org.llmplayground.training.TrainingService;

import java.util.List;

/**
 * REST API of Lab 6. Fine-tuning runs are training runs: their live metrics, events, checkpoints and deletion are
 * also under /api/v1/training/jobs; this API adds what fine-tuning has on its own (instruction sets, adapters, the
 * base-vs-tuned comparison).
 */
@Controller("/api/v1/finetune")
@Tag(name = "Fine-tuning", description = "Supervised fine-tuning with LoRA or all weights; adapters; base vs tuned")
class FineTuneController {
    private final FineTuneService service;
    private final TrainingService training;
    private final org.llmplayground.training.TrainingQueries queries;
    private final org.llmplayground.core.jobs.JobRunner jobs;
    private final java.time.Duration wait;

    FineTuneController(FineTuneService service, TrainingService training, org.llmplayground.training.TrainingQueries queries,
                       org.llmplayground.core.jobs.JobRunner jobs,
                       @io.micronaut.context.annotation.Value("${playground.jobs.request-wait:10s}") java.time.Duration wait) {
        this.service = service;
        this.training = training;
        this.queries = queries;
        this.jobs = jobs;
        this.wait = wait;
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false) // unknown fields: a 400 that names them
    record StartRequest(@Nullable String config, @Nullable String yaml, @Nullable String name, @Nullable Integer maxSteps) {
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record CompareRequest(String adapter, @Nullable String split, @Nullable String dataset, @Nullable Integer limit,
                          @Nullable String base) {
    }

    @Operation(summary = "Instruction sets: the bundled demo and Alpaca sample, and .jsonl/.json files of the datasets folder")
    @Get("/datasets")
    List<SftDatasets.Info> datasets() {
        return service.datasets();
    }

    @Operation(summary = "A set's layout, sizes of its train/val/test parts, skipped records with why, and examples rendered "
            + "through a template (prompt: not learned; reply: learned)")
    @Get("/datasets/preview")
    FineTuneService.Preview preview(@QueryValue String dataset, @Nullable @QueryValue String template, @Nullable @QueryValue Integer count) {
        return service.preview(dataset, template, count == null ? 5 : count);
    }

    @Operation(summary = "Upload an instruction set (raw body, streamed): Alpaca, messages/conversations or prompt/completion, "
            + ".jsonl or .json, up to 64 MB; stored as datasets/finetune/<name> when it has at least 3 usable examples; 201")
    @Post(value = "/datasets", consumes = io.micronaut.http.MediaType.APPLICATION_OCTET_STREAM)
    HttpResponse<SftDatasets.Uploaded> upload(@QueryValue String name, jakarta.servlet.http.HttpServletRequest raw) throws java.io.IOException {
        return HttpResponse.created(service.upload(name, raw.getInputStream()));
    }

    @Operation(summary = "Start a fine-tuning run (a training run with a finetune section): {\"config\": \"sft-demo\"} or "
            + "{\"yaml\": \"...\"}, optionally name and max_steps; 202 with the run")
    @Post("/jobs/start")
    HttpResponse<TrainingRun> start(@Body StartRequest req) {
        return HttpResponse.accepted().body(service.start(req.config(), req.yaml(), req.name(), req.maxSteps()));
    }

    @Operation(summary = "Fine-tuning runs, newest first")
    @Get("/jobs")
    List<TrainingRun> jobs() {
        return service.runs();
    }

    @Operation(summary = "A fine-tuning run's record (live metrics and events: /api/v1/training/jobs/{id}/metrics and /events)")
    @Get("/jobs/{id}/status")
    TrainingRun status(@PathVariable String id) {
        return run(id);
    }

    @Operation(summary = "Step metrics after a step (loss, lr, grad norm, tokens/s, step time, memory), for polling")
    @Get("/jobs/{id}/metrics")
    List<org.llmplayground.training.Trainer.StepMetrics> metrics(@PathVariable String id, @QueryValue(defaultValue = "0") int after,
                                                                 @QueryValue(defaultValue = "1000") int limit) {
        run(id);
        return queries.metrics(id, after, limit);
    }

    @Operation(summary = "Server-sent events of a fine-tuning run: 'run', 'step', 'eval' (train and val loss), 'sample' "
            + "(the validation prompts' generations), 'checkpoint', 'warning'")
    @Get(value = "/jobs/{id}/events", produces = io.micronaut.http.MediaType.TEXT_EVENT_STREAM)
    org.reactivestreams.Publisher<io.micronaut.http.sse.Event<Object>> events(@PathVariable String id) {
        run(id);
        return org.llmplayground.training.api.RunEvents.of(queries, training, id);
    }

    @Operation(summary = "Stop a fine-tuning run after a checkpoint")
    @Post("/jobs/{id}/stop")
    TrainingRun stop(@PathVariable String id) {
        run(id);
        return training.stop(id);
    }

    @Operation(summary = "Pause a fine-tuning run")
    @Post("/jobs/{id}/pause")
    TrainingRun pause(@PathVariable String id) {
        run(id);
        return training.pause(id);
    }

    @Operation(summary = "Resume a paused, stopped or interrupted fine-tuning run")
    @Post("/jobs/{id}/resume")
    TrainingRun resume(@PathVariable String id) {
        run(id);
        return training.resume(id);
    }

    private TrainingRun run(String id) {
        return service.runs().stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> org.llmplayground.core.BadInputException.notFound("No fine-tuning run '" + id + "'."));
    }

    @Operation(summary = "Finished fine-tunings: id, base, dataset, method (lora | qlora | full), template")
    @Get("/adapters")
    List<FineTuneService.Adapter> adapters() {
        return service.adapters();
    }

    @Operation(summary = "Delete an adapter's files (its run and checkpoints stay)")
    @Delete("/adapters/{id}")
    HttpResponse<Void> deleteAdapter(@PathVariable String id) {
        service.deleteAdapter(id);
        return HttpResponse.noContent();
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record MergeRequest(@Nullable String name) {
    }

    @Operation(summary = "Merge a LoRA run's adapters into its base and save the result as a model (imports folder), "
            + "loaded at once for Generation and Chat: {\"name\": \"my-model\"}; 201 with the model")
    @Post("/adapters/{id}/merge")
    HttpResponse<org.llmplayground.model.LoadedModel.ModelInfo> merge(@PathVariable String id, @Body MergeRequest req) {
        return HttpResponse.created(service.merge(id, req.name()));
    }

    @Operation(summary = "Base vs fine-tuned on a split (default test) of the adapter's set or another: greedy answers of "
            + "both, exact-match accuracy, per example. 202 with a job (result at /api/v1/jobs/{id}/result) when it takes "
            + "longer than playground.jobs.request-wait")
    @Post("/compare")
    HttpResponse<Object> compare(@Body CompareRequest req) {
        if (req.adapter() == null || req.adapter().isBlank()) {
            throw new org.llmplayground.core.BadInputException("Give 'adapter': the id of a finished fine-tuning run (GET /api/v1/finetune/adapters).");
        }
        FineTuneService.Adapter adapter = service.adapter(req.adapter()); // 404 now, not in a job
        if (req.base() != null && !req.base().equals(adapter.base())) { // refused now, not in a job
            service.compare(req.adapter(), req.split(), req.dataset(), 1, req.base());
        }
        return org.llmplayground.core.api.JobsController.respond(jobs.runOrDefer("finetune-compare", "Compare " + adapter.name()
                        + " with its base", "finetune-compare", ctx -> service.compare(req.adapter(), req.split(), req.dataset(), req.limit(), req.base()),
                c -> String.format("base %.1f %%, tuned %.1f %% of %d", 100 * c.base().accuracy(), 100 * c.tuned().accuracy(), c.base().n()),
                wait), io.micronaut.http.HttpStatus.OK);
    }
}
