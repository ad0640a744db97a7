package org.llmplayground.generation.api;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.sse.Event;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.llmplayground.core.Admission;
import org.llmplayground.core.BadInputException;
import reactor.core.publisher.Sinks;
import org.llmplayground.core.api.ApiError;
import org.llmplayground.generation.GenerationResult;
import org.llmplayground.generation.GenerationService;
import org.llmplayground.generation.GenerationSettings;
import org.llmplayground.model.LoadedModel;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** REST API of Lab 4: generate text (JSON or streamed), compare strategies, list models. */
@Controller("/api/v1")
@Tag(name = "Inference", description = "Generate text with any loaded model and any decoding strategy; list models")
class InferenceController {
    private final GenerationService service;

    InferenceController(GenerationService service) {
        this.service = service;
    }

    @Operation(summary = "Generate a continuation of the prompt; the whole result at once")
    @Post("/inference/generate")
    GenerationResult generate(@Body GenerateRequest request) {
        return service.generate(service.prepare(request.model(), request.prompt(), request.settings()), e -> {
        }, () -> false);
    }

    /** Several strategies on one prompt. */
    @Serdeable
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = false) // unknown fields: a 400 that names them
    record CompareRequest(String model, String prompt, List<GenerateRequest> strategies) {
    }

    @Operation(summary = "Run one prompt through several strategies (sampling ones as one batch) and return each result")
    @Post("/inference/compare")
    List<GenerationResult> compare(@Body CompareRequest request) {
        if (request.strategies() == null) {
            throw new BadInputException("Give 'strategies': a list of settings, e.g. [{\"strategy\": \"greedy\"}, {\"top_k\": 40}].");
        }
        List<GenerationSettings> settings = request.strategies().stream().map(GenerateRequest::settings).toList();
        return service.compare(request.model(), request.prompt(), settings, e -> {
        }, () -> false);
    }

    @Operation(summary = "Server-sent events: 'token' for each token as it is chosen, then 'done' with the result "
            + "(or 'error'). Closing the connection cancels the generation.")
    @Post(value = "/inference/stream", produces = {MediaType.TEXT_EVENT_STREAM, MediaType.APPLICATION_JSON})
    HttpResponse<Publisher<Event<Object>>> stream(@Body GenerateRequest request) {
        GenerationService.Prepared prepared = service.prepare(request.model(), request.prompt(), request.settings()); // 400 before the stream
        Admission.Ticket ticket = service.admit(); // 429 + Retry-After before the stream, not an error inside it
        AtomicBoolean cancelled = new AtomicBoolean();
        Sinks.Many<Event<Object>> sink = Sinks.many().unicast().onBackpressureBuffer();
        service.generateAsync(prepared, ticket, e -> sink.tryEmitNext(Event.<Object>of(e).name("token")), cancelled::get)
                .whenComplete((result, error) -> {
                    if (error != null) {
                        Throwable cause = error.getCause() != null ? error.getCause() : error;
                        sink.tryEmitNext(Event.<Object>of(new ApiError(cause instanceof BadInputException b ? b.status() : 500,
                                "Generation failed", cause.getMessage(), List.of())).name("error"));
                    } else {
                        sink.tryEmitNext(Event.<Object>of(result).name("done"));
                    }
                    sink.tryEmitComplete();
                });
        return HttpResponse.<Publisher<Event<Object>>>ok(sink.asFlux().doOnCancel(() -> cancelled.set(true)))
                .contentType(MediaType.TEXT_EVENT_STREAM_TYPE);
    }

    @Operation(summary = "The models that can generate: bundled, trained here, imported")
    @Get("/models/list")
    List<LoadedModel.ModelInfo> models() {
        return service.models();
    }

    @Operation(summary = "One model: its config, parameter count, source and how its input is written")
    @Get("/models/{id}/info")
    LoadedModel.ModelInfo info(@PathVariable String id) {
        return service.model(id);
    }
}
