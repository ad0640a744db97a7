package org.llmplayground.model.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.llmplayground.model.ModelConfig;

import java.util.List;

/** Request bodies of {@link TransformerController}. */
final class TransformerRequests {
    private TransformerRequests() {
    }

    /**
     * A model by preset id ({@code {"preset": "gpt2-small"}}) or a full config ({@code {"config": {...}}}).
     * {@code tokenizer} checks that the vocabulary covers that tokenizer; batch and sequence size the memory estimate.
     */
    @Serdeable
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = false) // unknown fields: a 400 that names them
    record ConfigRequest(@Nullable String preset, @Nullable ModelConfig config, @Nullable String tokenizer,
                         @Nullable @Min(1) @Max(4096) Integer batch, @Nullable @Min(1) @Max(1_048_576) Integer sequence) {
    }

    @Serdeable
    record Count(long total, List<org.llmplayground.model.ParameterBreakdown.Component> breakdown) {
    }

    @Serdeable
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = false) // unknown fields: a 400 that names them
    record CompareRequest(@NotNull @Size(min = 1, max = 8) List<ConfigRequest> models) {
    }

    /** Builds a model with random weights and runs a forward pass on {@code tokens} random ids. */
    @Serdeable
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = false) // unknown fields: a 400 that names them
    record BuildRequest(@Nullable String preset, @Nullable ModelConfig config, @Nullable String name,
                        @Nullable @Min(1) @Max(4096) Integer tokens, @Nullable Integer seed) {
    }

    @Serdeable
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = false) // unknown fields: a 400 that names them
    record ImportRequest(@NotBlank String name) {
    }

    /**
     * @param model  a loaded model id (see GET /models)
     * @param input  text, digits or token ids, as the model's input hint says
     * @param layer  only this layer's attention (all when absent)
     * @param head   only this head's attention (all when absent)
     */
    @Serdeable
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = false)
    record AttentionRequest(@NotBlank String model, @NotNull String input, @Nullable @Min(0) Integer layer,
                            @Nullable @Min(0) Integer head, @Nullable @Min(1) @Max(100) Integer top) {
    }
}
