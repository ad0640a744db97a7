package org.llmplayground.generation.chat;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;

/**
 * One message of a conversation tree. Assistant messages record the model that wrote them, how many tokens, how
 * long it took, why it ended, and how many old turns were left out of the prompt to fit the model's context.
 */
@Serdeable
public record StoredMessage(String id, String conversationId, @Nullable String parentId, int position, String role, String content,
                            @Nullable String model, @Nullable Integer tokens, @Nullable Double millis, @Nullable Integer droppedTurns,
                            @Nullable String finish, Instant createdAt) {

    public ChatMessage message() {
        return new ChatMessage(role, content);
    }
}
