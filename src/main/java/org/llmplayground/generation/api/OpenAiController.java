package org.llmplayground.generation.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.sse.Event;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.llmplayground.core.Admission;
import org.llmplayground.core.BadInputException;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.MutableHttpResponse;
import reactor.core.publisher.Sinks;
import org.llmplayground.generation.GenerationResult;
import org.llmplayground.generation.GenerationService;
import org.llmplayground.generation.GenerationSettings;
import org.llmplayground.generation.chat.ChatService;
import org.llmplayground.generation.chat.ChatTemplate;
import org.llmplayground.model.LoadedModel;
import reactor.core.publisher.Flux;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The OpenAI-compatible API, so existing clients (the openai libraries, curl scripts, chat UIs) can talk to any model
 * here: set the base URL to http://127.0.0.1:8080/v1. Chat messages are turned into a prompt with the model's chat
 * template (plain "User:/Assistant:" for base models unless the request names one in {@code chat_template}), fitted
 * into the model's context by the same {@link ChatService} as the Chat playground (oldest turns left out first).
 * Fields this server cannot honour (tools, logit_bias, response_format) are ignored; n &gt; 1 is refused.
 */
@Controller("/v1")
@Tag(name = "OpenAI-compatible", description = "/v1/models, /v1/chat/completions and /v1/completions, streaming or not")
class OpenAiController {
    private final GenerationService service;
    private final ChatService chat;

    OpenAiController(GenerationService service, ChatService chat) {
        this.service = service;
        this.chat = chat;
    }

    @Operation(summary = "The models, in OpenAI's list format")
    @Get("/models")
    Map<String, Object> models() {
        return Map.of("object", "list", "data", service.models().stream().map(OpenAiController::model).toList());
    }

    @Operation(summary = "One model, in OpenAI's format")
    @Get("/models/{id}")
    Map<String, Object> model(@PathVariable String id) {
        return model(service.model(id));
    }

    private static Map<String, Object> model(LoadedModel.ModelInfo m) {
        return Map.of("id", m.id(), "object", "model", "created", m.loadedAt().getEpochSecond(), "owned_by", "llm-playground");
    }

    @Operation(summary = "Chat completion (stream: true for server-sent chunks ending with [DONE])")
    @Post(value = "/chat/completions", produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    HttpResponse<?> chat(@Body OpenAiRequests.ChatRequest request) {
        if (request.messages() == null || request.messages().isEmpty()) {
            throw new BadInputException("'messages' must be a non-empty array of {role, content}.");
        }
        ChatTemplate template = ChatTemplate.parse(request.chatTemplate());
        // the Chat playground's own preparation: template, context-window fitting, the template's stops
        ChatService.Reply reply = chat.prepareReply(request.model(), template, request.systemPrompt(), request.turns(),
                request.settings(List.of()));
        return respond(request.model(), reply.prepared(), Boolean.TRUE.equals(request.stream()), true);
    }

    @Operation(summary = "Text completion of a prompt (stream: true for server-sent chunks ending with [DONE])")
    @Post(value = "/completions", produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    HttpResponse<?> completion(@Body OpenAiRequests.CompletionRequest request) {
        GenerationService.Prepared prepared = service.prepare(request.model(), request.promptText(), request.settings(List.of()));
        return respond(request.model(), prepared, Boolean.TRUE.equals(request.stream()), false);
    }

    private HttpResponse<?> respond(String model, GenerationService.Prepared prepared, boolean stream, boolean isChat) {
        OpenAiStream chunks = new OpenAiStream(model, isChat);
        if (!stream) {
            GenerationResult r = service.generate(prepared, e -> {
            }, () -> false);
            Map<String, Object> choice = isChat
                    ? Map.of("index", 0, "message", Map.of("role", "assistant", "content", r.text().strip()), "finish_reason", r.finishReason().apiName())
                    : Map.of("index", 0, "text", r.text(), "finish_reason", r.finishReason().apiName());
            return HttpResponse.ok(Map.of("id", chunks.id(), "object", isChat ? "chat.completion" : "text_completion",
                    "created", chunks.created(), "model", model, "choices", List.of(choice), "usage", OpenAiStream.usage(r)));
        }
        // a place first, so a full server answers 429 + Retry-After rather than a 200 stream that carries an error
        Admission.Ticket ticket = service.admit();
        AtomicBoolean cancelled = new AtomicBoolean();
        Sinks.Many<Event<Object>> sink = Sinks.many().unicast().onBackpressureBuffer();
        chunks.opening().forEach(c -> sink.tryEmitNext(Event.of(c)));
        // started now, not on subscription: the place is given back at the end even if the client never reads
        service.generateAsync(prepared, ticket, e -> {
            Map<String, Object> c = chunks.token(e);
            if (c != null) {
                sink.tryEmitNext(Event.of(c));
            }
        }, cancelled::get).whenComplete((r, error) -> {
            sink.tryEmitNext(Event.of(error != null ? OpenAiStream.error(error) : chunks.last(r)));
            sink.tryEmitNext(Event.of("[DONE]"));
            sink.tryEmitComplete();
        });
        Flux<Event<Object>> events = sink.asFlux().doOnCancel(() -> cancelled.set(true));
        return HttpResponse.ok(events).contentType(MediaType.TEXT_EVENT_STREAM_TYPE);
    }

    /** Errors in OpenAI's shape, {"error": {"message", "type", "param", "code"}}, which its clients parse. */
    @Error(exception = BadInputException.class)
    HttpResponse<?> error(HttpRequest<?> request, BadInputException e) {
        String type = e.status() == 404 ? "not_found_error" : e.status() == 429 ? "rate_limit_exceeded"
                : e.status() == 503 ? "server_busy" : "invalid_request_error";
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("message", e.getMessage());
        body.put("type", type);
        body.put("param", null);
        body.put("code", null);
        MutableHttpResponse<?> response = HttpResponse.status(HttpStatus.valueOf(e.status())).body(Map.of("error", body));
        if (e instanceof Admission.Overloaded o) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(o.retryAfterSeconds()));
        }
        return response;
    }
}
