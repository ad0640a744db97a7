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
import org.llmplayground.registry.ModelRegistry;

import java.util.List;
import java.util.Map;

/** REST API of the model registry. Entries in snake_case: id, kind, architecture, parameters, size_bytes, … */
@Controller("/api/v1/models")
@Tag(name = "Models", description = "The model registry: every model the app knows, quantization")
class ModelsController {
    private final ModelRegistry registry;

    ModelsController(ModelRegistry registry) {
        this.registry = registry;
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
