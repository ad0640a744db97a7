package org.llmplayground.generation.chat;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import org.llmplayground.generation.GenerationSettings;

import java.time.Instant;

/** A stored conversation: its model (and an optional second model answering side by side), template and settings. */
@Serdeable
public record Conversation(String id, String title, String model, @Nullable String compareModel, ChatTemplate template,
                           String systemPrompt, GenerationSettings settings, @Nullable String activeLeaf, Instant createdAt,
                           Instant updatedAt) {

    public Conversation withTitle(String v) {
        return new Conversation(id, v, model, compareModel, template, systemPrompt, settings, activeLeaf, createdAt, Instant.now());
    }

    public Conversation withSetup(String m, @Nullable String compare, ChatTemplate t, String system, GenerationSettings s) {
        return new Conversation(id, title, m, compare, t, system, s, activeLeaf, createdAt, Instant.now());
    }

    public Conversation withActiveLeaf(@Nullable String leaf) {
        return new Conversation(id, title, model, compareModel, template, systemPrompt, settings, leaf, createdAt, Instant.now());
    }
}
