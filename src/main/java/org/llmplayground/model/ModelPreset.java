package org.llmplayground.model;

import io.micronaut.serde.annotation.Serdeable;

/**
 * A named configuration. {@code publishedParameters} is the count the model's authors or the Hugging Face
 * implementation report (0 where none is published); tests check our calculator against it.
 */
@Serdeable
public record ModelPreset(String id, String name, String description, ModelConfig config, long publishedParameters,
                          String source) {
}
