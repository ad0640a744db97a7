package org.llmplayground.registry.api;

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
import org.llmplayground.core.jobs.JobRecord;
import org.llmplayground.registry.CheckpointBrowser;
import org.llmplayground.registry.HubModels;
import org.llmplayground.registry.ModelCards;
import org.llmplayground.registry.ModelDiff;
import org.llmplayground.registry.ModelRegistry;

import java.util.List;
import java.util.Map;

/** REST API of the model registry. Entries in snake_case: id, kind, architecture, parameters, size_bytes, … */
@Controller("/api/v1/models")
@Tag(name = "Models", description = "The model registry: every model the app knows, quantization")
class ModelsController {
    private final ModelRegistry registry;
    private final HubModels hub;
    private final ModelCards cards;
    private final ModelDiff diffs;
    private final CheckpointBrowser checkpoints;

    ModelsController(ModelRegistry registry, HubModels hub, ModelCards cards, ModelDiff diffs, CheckpointBrowser checkpoints) {
        this.registry = registry;
        this.hub = hub;
        this.cards = cards;
        this.diffs = diffs;
        this.checkpoints = checkpoints;
    }

    @Operation(summary = "A Hub model repository's files with size, sha256 and whether the import needs them; a token goes in the "
            + "X-Hub-Token header (never in the URL, where access logs keep it)")
    @Get("/hub/files")
    List<HubModels.RepoFile> hubFiles(@QueryValue String repo, @Nullable @QueryValue String revision,
                                      @Nullable @io.micronaut.http.annotation.Header("X-Hub-Token") String token) {
        return hub.files(repo, revision, token);
    }

    @Operation(summary = "Download a Hub model (config.json, safetensors, tokenizer files) as a job with resume and sha256 checks, "
            + "then import it; the job's result is the new model's id")
    @Post("/hub/download")
    HttpResponse<JobRecord> hubDownload(@Body HubModels.DownloadRequest r) {
        return HttpResponse.accepted().body(hub.startDownload(r));
    }

    @Operation(summary = "The model card: generated Markdown, or the edited one")
    @Get("/{id}/card")
    ModelCards.Card card(@PathVariable String id) {
        return cards.card(id);
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record CardEdit(@Nullable String markdown) {
    }

    @Operation(summary = "Save an edited card (blank: back to the generated one)")
    @io.micronaut.http.annotation.Put("/{id}/card")
    ModelCards.Card saveCard(@PathVariable String id, @Body CardEdit edit) {
        return cards.save(id, edit.markdown());
    }

    @Operation(summary = "The loss curve of the training run behind a model, as SVG")
    @Get(value = "/{id}/loss-curve.svg", produces = "image/svg+xml")
    HttpResponse<String> lossCurve(@PathVariable String id) {
        return cards.lossCurveSvg(id).map(HttpResponse::ok).orElseThrow(() -> org.llmplayground.core.BadInputException.notFound(
                "'" + id + "' was not trained by a run that still exists, so it has no loss curve."));
    }

    @Operation(summary = "Two models compared: per-tensor relative change ||B-A||/||A||, a layer heatmap, config differences, "
            + "greedy outputs on a few prompts")
    @Get("/diff")
    ModelDiff.Diff diff(@QueryValue String a, @QueryValue String b, @Nullable @QueryValue List<String> prompt) {
        return diffs.diff(a, b, prompt);
    }

    @Operation(summary = "Export as a Hugging Face folder (config.json, model.safetensors, tokenizer files, README.md card) in the "
            + "workspace's exports/; then GET export.zip")
    @Post("/{id}/export")
    Map<String, Object> export(@PathVariable String id) {
        return cards.export(id);
    }

    @Get(value = "/{id}/export.zip", produces = "application/zip")
    HttpResponse<byte[]> exportZip(@PathVariable String id) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        cards.zip(id, out);
        return HttpResponse.ok(out.toByteArray()).header("Content-Disposition", "attachment; filename=\"" + id.replaceAll("[^A-Za-z0-9._-]", "_")
                + ".zip\"");
    }

    @Operation(summary = "Checkpoints of every training run (or ?run=): step, losses, size, the model id it opens as")
    @Get("/checkpoints")
    List<CheckpointBrowser.Checkpoint> checkpoints(@Nullable @QueryValue String run) {
        return checkpoints.list(run);
    }

    @Operation(summary = "Open a checkpoint as a model (Generation, Chat and Evaluation list it)")
    @Post("/checkpoints/{run}/{step}/open")
    Map<String, Object> openCheckpoint(@PathVariable String run, @PathVariable int step) {
        return json(registry.get(checkpoints.open(run, step).id()));
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record PromoteRequest(@Nullable String name) {
    }

    @Operation(summary = "Promote a checkpoint to a named model that outlives its run")
    @Post("/checkpoints/{run}/{step}/promote")
    HttpResponse<Map<String, Object>> promote(@PathVariable String run, @PathVariable int step, @Body PromoteRequest r) {
        return HttpResponse.created(json(registry.get(checkpoints.promote(run, step, r.name()).id())));
    }

    @Operation(summary = "Delete a checkpoint: {deleted, freed_bytes}")
    @Delete("/checkpoints/{run}/{step}")
    Map<String, Object> deleteCheckpoint(@PathVariable String run, @PathVariable int step) {
        return Map.of("deleted", run + "@" + step, "freed_bytes", checkpoints.delete(run, step));
    }

    @Operation(summary = "Every model: id, kind (bundled, trained, fine-tuned, imported, built, quantized), architecture, parameters, "
            + "size_bytes, memory_bytes, parent, scores; ?kind= and ?q= (search) narrow it")
    @Get
    List<Map<String, Object>> list(@Nullable @QueryValue String kind, @Nullable @QueryValue String q) {
        return registry.list(kind, q).stream().map(ModelsController::json).toList();
    }

    @Get("/{id}")
    Map<String, Object> get(@PathVariable String id) {
        return json(registry.get(id));
    }

    @Operation(summary = "Unload a model (a quantized model's files are deleted): {deleted, freed_bytes}; bundled models stay")
    @Delete("/{id}")
    Map<String, Object> delete(@PathVariable String id) {
        return Map.of("deleted", id, "freed_bytes", registry.delete(id));
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record QuantizeRequest(@Nullable String format) {
    }

    @Operation(summary = "Quantize a model into a model of its own: {format: int8 | q4} → the new model's entry")
    @Post("/{id}/quantize")
    HttpResponse<Map<String, Object>> quantize(@PathVariable String id, @Body QuantizeRequest r) {
        return HttpResponse.created(json(registry.quantize(id, r.format())));
    }

    @Operation(summary = "A quantized model against its original: size on disk and in memory, tokens/s, perplexity, shared benchmark scores")
    @Get("/{id}/quantization")
    Map<String, Object> report(@PathVariable String id) {
        return registry.quantizationReport(id);
    }

    @Operation(summary = "One quantized matrix before and after: histograms on shared bins, distinct values, the largest error")
    @Get("/{id}/quantization/histogram")
    Map<String, Object> histogram(@PathVariable String id) {
        return registry.weightHistogram(id);
    }

    /** The fixed shape: snake_case keys. */
    static Map<String, Object> json(ModelRegistry.Entry e) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("id", e.id());
        m.put("kind", e.kind());
        m.put("architecture", e.architecture());
        m.put("parameters", e.parameters());
        m.put("size_bytes", e.sizeBytes());
        m.put("memory_bytes", e.memoryBytes());
        m.put("name", e.name());
        m.put("description", e.description());
        m.put("source", e.source());
        m.put("reads", e.reads());
        m.put("parent", e.parent());
        m.put("created_at", e.createdAt().toString());
        m.put("quantization", e.quantization());
        m.put("scores", e.scores());
        return m;
    }
}
