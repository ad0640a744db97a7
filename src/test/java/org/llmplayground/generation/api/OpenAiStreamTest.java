package org.llmplayground.generation.api;

import org.junit.jupiter.api.Test;
import org.llmplayground.generation.FinishReason;
import org.llmplayground.generation.GenerationResult;
import org.llmplayground.generation.TokenEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The chunks of a streamed OpenAI completion, without HTTP. */
class OpenAiStreamTest {
    static TokenEvent token(int i, String text) {
        return new TokenEvent(0, i, i, text, text, 0.5, null);
    }

    static GenerationResult result(String text, int tokens) {
        return new GenerationResult("sample", text, new int[tokens], List.of(), new double[tokens], FinishReason.STOP, 7, 1, 1, 1, 1, 1,
                0, List.of(), null);
    }

    @SuppressWarnings("unchecked")
    static Object delta(Map<String, Object> chunk) {
        Map<String, Object> choice = (Map<String, Object>) ((List<?>) chunk.get("choices")).get(0);
        return choice.containsKey("delta") ? choice.get("delta") : choice.get("text");
    }

    @Test
    void aChatReplyStartsAtItsFirstNonBlankCharacterAndEndsWithUsage() {
        OpenAiStream s = new OpenAiStream("m", true);
        assertThat(s.opening()).hasSize(1);
        assertThat(delta(s.opening().get(0))).isEqualTo(Map.of("role", "assistant", "content", ""));
        List<Object> deltas = new ArrayList<>();
        for (String t : List.of(" ", "\n", "Hi", "!", " ")) {
            Map<String, Object> c = s.token(token(deltas.size(), t));
            if (c != null) {
                deltas.add(delta(c));
            }
        }
        assertThat(deltas).containsExactly(Map.of("content", "Hi"), Map.of("content", "!"), Map.of("content", " "));
        Map<String, Object> last = s.last(result(" \nHi! \nUser:", 5)); // text the final decoding has beyond what the tokens sent
        assertThat(delta(last)).isEqualTo(Map.of("content", "\nUser:"));
        assertThat(last.get("usage")).isEqualTo(Map.of("prompt_tokens", 7, "completion_tokens", 5, "total_tokens", 12));
        assertThat((String) last.get("id")).startsWith("chatcmpl-");
    }

    @Test
    void aCompletionSendsEveryTextAsIs() {
        OpenAiStream s = new OpenAiStream("m", false);
        assertThat(s.opening()).isEmpty();
        assertThat(delta(s.token(token(0, " ")))).isEqualTo(" ");
        assertThat(delta(s.last(result(" ", 1)))).isEqualTo("");
        assertThat(OpenAiStream.error(new RuntimeException("boom"))).isEqualTo(Map.of("error", Map.of("message", "boom", "type", "server_error")));
    }
}
