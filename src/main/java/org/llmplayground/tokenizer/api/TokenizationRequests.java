package org.llmplayground.tokenizer.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.util.List;

/** Request bodies of {@link TokenizationController}. Presence and ranges are checked here; meaning in the service. */
final class TokenizationRequests {
    private TokenizationRequests() {
    }

    /**
     * @param allowSpecial special-token strings such as {@code <|endoftext|>} become their ids (default true)
     * @param preClean     remove HTML, apply NFKC and normalise whitespace before tokenizing (default false)
     * @param maxTokens    how many tokens to return with strings and offsets (default 100,000; ids are always all)
     */
    @Serdeable
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = false) // unknown fields: a 400 that names them
    record Encode(@NotNull String text, @NotBlank String tokenizer, @Nullable Boolean allowSpecial,
                  @Nullable Boolean preClean, @Nullable @Min(0) @Max(1_000_000) Integer maxTokens) {
    }

    @Serdeable
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = false) // unknown fields: a 400 that names them
    record Decode(@NotNull List<Integer> ids, @NotBlank String tokenizer) {
    }

    @Serdeable
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS)
    record Decoded(String tokenizer, String text, List<String> tokens) {
    }

    @Serdeable
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = false) // unknown fields: a 400 that names them
    record Compare(@NotNull String text, @NotNull @Size(min = 2, max = 4) List<String> tokenizers,
                   @Nullable Boolean allowSpecial, @Nullable @Min(0) @Max(100_000) Integer maxTokens) {
    }

    @Serdeable
    record Comparison(List<org.llmplayground.tokenizer.Tokenization> results) {
    }

    /** Either {@code corpus} (an id from /api/v1/data/corpora) or {@code text}. */
    @Serdeable
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = false) // unknown fields: a 400 that names them
    record Coverage(@NotBlank String tokenizer, @Nullable String corpus, @Nullable String text,
                    @Nullable @Min(1) @Max(1000) Integer top) {
    }

    @Serdeable
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = false) // unknown fields: a 400 that names them
    record EstimateCost(@NotNull String text, @NotBlank String tokenizer, @NotNull @DecimalMin("0") Double pricePer1k) {
    }

    /** A tokenizer.json given as a string. */
    @Serdeable
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = false) // unknown fields: a 400 that names them
    record ImportTokenizer(@NotBlank String name, @NotBlank String tokenizerJson) {
    }

    /** A training job: the job's state, and the saved tokenizer's id once it succeeded. */
    @Serdeable
    record TrainingStatus(String jobId, String title, String state, double progress, @Nullable String message,
                          @Nullable String tokenizer) {
    }
}
