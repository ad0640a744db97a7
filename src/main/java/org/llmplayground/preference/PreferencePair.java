package org.llmplayground.preference;

import io.micronaut.core.annotation.Nullable;
import org.llmplayground.generation.chat.ChatMessage;

import java.util.List;

/**
 * A prompt (the conversation so far, ending with the user's turn) and two answers to it, the preferred one first.
 *
 * @param where the line or record it came from, for messages
 */
public record PreferencePair(@Nullable String system, List<ChatMessage> turns, String chosen, String rejected, String where) {
    /** The prompt as plain text: the user's message, or the turns "User: …" / "Assistant: …" when there are several. */
    public String prompt() {
        if (turns.size() == 1) {
            return turns.get(0).content();
        }
        StringBuilder b = new StringBuilder();
        for (ChatMessage m : turns) {
            b.append(b.isEmpty() ? "" : "\n\n").append(m.role().equals(ChatMessage.USER) ? "User: " : "Assistant: ").append(m.content());
        }
        return b.toString();
    }
}
