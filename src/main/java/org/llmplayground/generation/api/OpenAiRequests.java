package org.llmplayground.generation.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import org.llmplayground.core.BadInputException;
import org.llmplayground.generation.GenerationSettings;
import org.llmplayground.generation.chat.ChatMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The request bodies OpenAI clients send; only the fields used here are read, the rest are ignored. */
final class OpenAiRequests {
    private OpenAiRequests() {
    }

    /** content is a string or a list of parts [{"type": "text", "text": "..."}]. */
    @Serdeable
    record Message(String role, @Nullable Object content) {
        String text() {
            if (content == null) {
                return "";
            }
            if (content instanceof String s) {
                return s;
            }
            if (content instanceof List<?> parts) {
                StringBuilder b = new StringBuilder();
                for (Object p : parts) {
                    if (p instanceof Map<?, ?> m && "text".equals(m.get("type")) && m.get("text") != null) {
                        b.append(m.get("text"));
                    }
                }
                return b.toString();
            }
            throw new BadInputException("A message's content must be a string or a list of text parts.");
        }
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record ChatRequest(String model, List<Message> messages, @Nullable Double temperature, @Nullable Double topP,
                       @Nullable Integer maxTokens, @Nullable Integer maxCompletionTokens, @Nullable Boolean stream,
                       @Nullable Object stop, @Nullable Long seed, @Nullable Double presencePenalty,
                       @Nullable Double frequencyPenalty, @Nullable Integer n, @Nullable Integer topK,
                       @Nullable Double repetitionPenalty, @Nullable String chatTemplate) {

        String systemPrompt() {
            return String.join("\n", messages.stream().filter(m -> ChatMessage.SYSTEM.equals(m.role()) || "developer".equals(m.role()))
                    .map(Message::text).toList());
        }

        List<ChatMessage> turns() {
            List<ChatMessage> out = new ArrayList<>();
            for (Message m : messages) {
                if (m.role() == null) {
                    throw new BadInputException("Every message needs a role: system, user or assistant.");
                }
                switch (m.role()) {
                    case ChatMessage.USER, ChatMessage.ASSISTANT -> out.add(new ChatMessage(m.role(), m.text()));
                    case ChatMessage.SYSTEM, "developer" -> {
                    }
                    default -> throw new BadInputException("Unknown role '" + m.role() + "'; use system, user or assistant.");
                }
            }
            if (out.isEmpty() || !out.get(out.size() - 1).role().equals(ChatMessage.USER)) {
                throw new BadInputException("The last message must come from the user.");
            }
            return out;
        }

        GenerationSettings settings(List<String> templateStops) {
            Integer max = maxCompletionTokens != null ? maxCompletionTokens : maxTokens;
            return OpenAiRequests.settings(max, temperature, topP, topK, repetitionPenalty, presencePenalty, frequencyPenalty,
                    stops(stop, templateStops), seed, n);
        }
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record CompletionRequest(String model, @Nullable Object prompt, @Nullable Double temperature, @Nullable Double topP,
                             @Nullable Integer maxTokens, @Nullable Boolean stream, @Nullable Object stop, @Nullable Long seed,
                             @Nullable Double presencePenalty, @Nullable Double frequencyPenalty, @Nullable Integer n,
                             @Nullable Integer topK, @Nullable Double repetitionPenalty) {
        String promptText() {
            if (prompt instanceof String s) {
                return s;
            }
            if (prompt instanceof List<?> l && l.size() == 1 && l.get(0) instanceof String s) {
                return s;
            }
            throw new BadInputException("'prompt' must be a string (or a list of one string).");
        }

        GenerationSettings settings(List<String> extraStops) {
            return OpenAiRequests.settings(maxTokens, temperature, topP, topK, repetitionPenalty, presencePenalty, frequencyPenalty,
                    stops(stop, extraStops), seed, n);
        }
    }

    /** OpenAI's defaults: temperature 1, top_p 1, 16 tokens for completions (we use 100 for both). */
    static GenerationSettings settings(Integer maxTokens, Double temperature, Double topP, Integer topK, Double repetition,
                                       Double presence, Double frequency, List<String> stop, Long seed, Integer n) {
        if (n != null && n != 1) {
            throw new BadInputException("n must be 1 here (got " + n + "); send the request again for more choices.");
        }
        GenerationSettings d = GenerationSettings.defaults();
        return new GenerationSettings(GenerationSettings.Strategy.SAMPLE, maxTokens == null ? d.maxNewTokens() : maxTokens,
                temperature == null ? 1 : temperature, topK == null ? 0 : topK, topP == null ? 1 : topP, 0,
                repetition == null ? 1 : repetition, presence == null ? 0 : presence, frequency == null ? 0 : frequency, 0,
                d.beamWidth(), d.lengthPenalty(), true, 1, stop, seed, 0);
    }

    /** stop: a string, a list of strings, or absent; plus the chat template's own stops (at most 4 in all). */
    static List<String> stops(Object stop, List<String> extra) {
        List<String> out = new ArrayList<>();
        if (stop instanceof String s) {
            out.add(s);
        } else if (stop instanceof List<?> l) {
            for (Object o : l) {
                if (!(o instanceof String s)) {
                    throw new BadInputException("'stop' must be a string or a list of strings.");
                }
                out.add(s);
            }
        } else if (stop != null) {
            throw new BadInputException("'stop' must be a string or a list of strings.");
        }
        if (out.size() > GenerationSettings.MAX_STOPS) {
            throw new BadInputException("At most " + GenerationSettings.MAX_STOPS + " stop sequences (got " + out.size() + ").");
        }
        return GenerationSettings.mergeStops(out, extra);
    }
}
