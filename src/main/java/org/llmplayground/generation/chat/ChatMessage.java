package org.llmplayground.generation.chat;

import io.micronaut.serde.annotation.Serdeable;

/** One turn of a conversation: role is system, user or assistant. */
@Serdeable
public record ChatMessage(String role, String content) {
    public static final String SYSTEM = "system";
    public static final String USER = "user";
    public static final String ASSISTANT = "assistant";

    public static ChatMessage user(String content) {
        return new ChatMessage(USER, content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage(ASSISTANT, content);
    }

    public static ChatMessage system(String content) {
        return new ChatMessage(SYSTEM, content);
    }
}
