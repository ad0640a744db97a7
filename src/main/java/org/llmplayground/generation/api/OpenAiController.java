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
import org.llmplayground.core.BadInputException;
import org.llmplayground.generation.GenerationResult;
import org.llmplayground.generation.GenerationService;
import org.llmplayground.generation.GenerationSettings;
import org.llmplayground.generation.chat.ChatTemplate;
import org.llmplayground.model.LoadedModel;
import reactor.core.publisher.Flux;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The OpenAI-compatible API, so existing clients (the openai libraries, curl scripts, chat UIs) can talk to any model
 * here: set the base URL to http://127.0.0.1:8080/v1. Chat messages are turned into a prompt with the model's chat
 * template (plain "User:/Assistant:" for base models unless the request names one in {@code chat_template}).
 * Fields this server cannot honour (tools, logit_bias, response_format) are ignored; n &gt; 1 is refused.
 */
@Controller("/v1")
@Tag(name = "OpenAI-compatible", description = "/v1/models, /v1/chat/completions and /v1/completions, streaming or not")
class OpenAiController {
    private final GenerationService service;

    OpenAiController(GenerationService service) {
        this.service = service;
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
        String prompt = template.render(request.systemPrompt(), request.turns());
        GenerationSettings settings = request.settings(template.stopSequences());
        return respond(request.model(), prompt, settings, Boolean.TRUE.equals(request.stream()), true);
    }

    @Operation(summary = "Text completion of a prompt (stream: true for server-sent chunks ending with [DONE])")
    @Post(value = "/completions", produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    HttpResponse<?> completion(@Body OpenAiRequests.CompletionRequest request) {
        return respond(request.model(), request.promptText(), request.settings(List.of()), Boolean.TRUE.equals(request.stream()), false);
    }

    private HttpResponse<?> respond(String model, String prompt, GenerationSettings settings, boolean stream, boolean chat) {
        String id = (chat ? "chatcmpl-" : "cmpl-") + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        long created = System.currentTimeMillis() / 1000;
        if (!stream) {
            GenerationResult r = service.generate(model, prompt, settings, e -> {
            }, () -> false);
            Map<String, Object> choice = chat
                    ? Map.of("index", 0, "message", Map.of("role", "assistant", "content", r.text().strip()), "finish_reason", r.finishReason().apiName())
                    : Map.of("index", 0, "text", r.text(), "finish_reason", r.finishReason().apiName());
            return HttpResponse.ok(Map.of("id", id, "object", chat ? "chat.completion" : "text_completion", "created", created,
                    "model", model, "choices", List.of(choice), "usage", usage(r)));
        }
        service.prepare(model, prompt, settings);
        String object = chat ? "chat.completion.chunk" : "text_completion";
        Flux<Event<Object>> events = Flux.create(sink -> {
            AtomicBoolean cancelled = new AtomicBoolean();
            AtomicInteger sent = new AtomicInteger();
            sink.onDispose(() -> cancelled.set(true));
            if (chat) {
                sink.next(Event.of(chunk(id, object, created, model, Map.of("role", "assistant", "content", ""), null, true)));
            }
            AtomicBoolean started = new AtomicBoolean(!chat); // a chat reply starts at its first non-blank character
            service.generateAsync(model, prompt, settings, e -> {
                sent.addAndGet(e.text().length());
                String text = started.get() ? e.text() : e.text().stripLeading();
                if (!text.isEmpty()) {
                    started.set(true);
                    sink.next(Event.of(chunk(id, object, created, model, chat ? Map.of("content", text) : text, null, chat)));
                }
            }, cancelled::get).whenComplete((r, error) -> {
                if (error != null) {
                    Throwable cause = error.getCause() != null ? error.getCause() : error;
                    sink.next(Event.of(Map.of("error", Map.of("message", String.valueOf(cause.getMessage()), "type", "server_error"))));
                } else {
                    String rest = r.text().length() > sent.get() ? r.text().substring(sent.get()) : "";
                    rest = chat ? (started.get() ? rest.stripTrailing() : rest.strip()) : rest;
                    Map<String, Object> last = new java.util.HashMap<>(chunk(id, object, created, model,
                            chat ? (rest.isEmpty() ? Map.of() : Map.of("content", rest)) : rest, r.finishReason().apiName(), chat));
                    last.put("usage", usage(r));
                    sink.next(Event.of(last));
                }
                sink.next(Event.of("[DONE]"));
                sink.complete();
            });
        });
        return HttpResponse.ok(events).contentType(MediaType.TEXT_EVENT_STREAM_TYPE);
    }

    private static Map<String, Object> chunk(String id, String object, long created, String model, Object delta,
                                             @Nullable String finish, boolean chat) {
        Map<String, Object> choice = new java.util.HashMap<>();
        choice.put("index", 0);
        choice.put(chat ? "delta" : "text", delta);
        choice.put("finish_reason", finish);
        return Map.of("id", id, "object", object, "created", created, "model", model, "choices", List.of(choice));
    }

    private static Map<String, Object> usage(GenerationResult r) {
        return Map.of("prompt_tokens", r.promptTokens(), "completion_tokens", r.ids().length,
                "total_tokens", r.promptTokens() + r.ids().length);
    }

    /** Errors in OpenAI's shape, {"error": {"message", "type", "param", "code"}}, which its clients parse. */
    @Error(exception = BadInputException.class)
    HttpResponse<?> error(HttpRequest<?> request, BadInputException e) {
        String type = e.status() == 404 ? "not_found_error" : e.status() == 503 ? "server_busy" : "invalid_request_error";
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("message", e.getMessage());
        body.put("type", type);
        body.put("param", null);
        body.put("code", null);
        return HttpResponse.status(HttpStatus.valueOf(e.status())).body(Map.of("error", body));
    }
}
