package org.llmplayground.generation.api;

import io.micronaut.core.annotation.Nullable;
import org.llmplayground.generation.GenerationResult;
import org.llmplayground.generation.TokenEvent;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The chunks of one streamed OpenAI completion, without any HTTP: the controller only sends what this returns.
 * <p>
 * A chat stream opens with {@code {"delta": {"role": "assistant", "content": ""}}}, then one chunk per token text;
 * a chat reply starts at its first non-blank character (models trained on "User: …\nAssistant: …" emit a space or a
 * newline first), and its trailing white space goes too, as in the non-streamed answer. The last chunk carries the
 * text the tokens did not (a stop sequence cut, a decoding that changed at the end), the finish reason and the usage.
 * Example, chat, tokens " Hi", "!" and a result "Hi!": role chunk, {"content": "Hi"}, {"content": "!"}, then a
 * finish chunk with an empty delta.
 */
final class OpenAiStream {
    private final String id;
    private final String object;
    private final long created;
    private final String model;
    private final boolean chat;
    private int sent;
    private boolean started;

    OpenAiStream(String model, boolean chat) {
        this.id = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        this.object = chat ? "chat.completion.chunk" : "text_completion";
        this.created = System.currentTimeMillis() / 1000;
        this.model = model;
        this.chat = chat;
        this.started = !chat;
    }

    String id() {
        return id;
    }

    long created() {
        return created;
    }

    /** The opening chunk of a chat stream (none for completions). */
    List<Map<String, Object>> opening() {
        return chat ? List.of(chunk(Map.of("role", "assistant", "content", ""), null)) : List.of();
    }

    /** The chunk for a token, or null while a chat reply has only white space so far. */
    @Nullable
    Map<String, Object> token(TokenEvent e) {
        sent += e.text().length();
        String text = started ? e.text() : e.text().stripLeading();
        if (text.isEmpty()) {
            return null;
        }
        started = true;
        return chunk(chat ? Map.of("content", text) : text, null);
    }

    /** The closing chunk: the rest of the text, the finish reason and the usage. */
    Map<String, Object> last(GenerationResult r) {
        String rest = r.text().length() > sent ? r.text().substring(sent) : "";
        rest = chat ? (started ? rest.stripTrailing() : rest.strip()) : rest;
        Map<String, Object> last = new HashMap<>(chunk(chat ? (rest.isEmpty() ? Map.of() : Map.of("content", rest)) : rest,
                r.finishReason().apiName()));
        last.put("usage", usage(r));
        return last;
    }

    /** An error after the stream started (the status line was already sent), in OpenAI's error shape. */
    static Map<String, Object> error(Throwable failure) {
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        return Map.of("error", Map.of("message", String.valueOf(cause.getMessage()), "type", "server_error"));
    }

    static Map<String, Object> usage(GenerationResult r) {
        return Map.of("prompt_tokens", r.promptTokens(), "completion_tokens", r.ids().length,
                "total_tokens", r.promptTokens() + r.ids().length);
    }

    private Map<String, Object> chunk(Object delta, @Nullable String finish) {
        Map<String, Object> choice = new HashMap<>();
        choice.put("index", 0);
        choice.put(chat ? "delta" : "text", delta);
        choice.put("finish_reason", finish);
        return Map.of("id", id, "object", object, "created", created, "model", model, "choices", List.of(choice));
    }
}
