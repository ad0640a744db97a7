package org.llmplayground.finetune;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import org.llmplayground.generation.chat.ChatMessage;

import java.util.List;

/**
 * One supervised fine-tuning example, whatever file format it came from: the conversation before the reply (an
 * optional system prompt and the turns, the last one the user's), the Alpaca {@code input} when there is one, and
 * the reply the model should learn. {@code where} names its place in the file ("line 12") for messages.
 * <p>
 * Alpaca {"instruction": "Add 2 and 3", "input": "", "output": "5"} becomes turns [user: "Add 2 and 3"], input "",
 * response "5"; a ShareGPT conversation becomes its turns up to its last assistant message, which is the response.
 */
@Serdeable
public record SftExample(@Nullable String system, List<ChatMessage> turns, @Nullable String input, String response,
                         String where) {
    /** The user's last message (the instruction). */
    public String instruction() {
        return turns.isEmpty() ? "" : turns.get(turns.size() - 1).content();
    }
}
