package org.llmplayground.generation.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import org.llmplayground.core.BadInputException;
import org.llmplayground.generation.GenerationSettings;

import java.util.List;
import java.util.Locale;

/** The body of /api/v1/inference/generate and /stream: model, prompt, and any settings to change from the defaults. */
@Serdeable(naming = SnakeCaseStrategy.class)
@com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = false) // unknown fields: a 400 that names them
public record GenerateRequest(String model, String prompt, @Nullable String strategy, @Nullable Integer maxNewTokens,
                              @Nullable Double temperature, @Nullable Integer topK, @Nullable Double topP, @Nullable Double minP,
                              @Nullable Double repetitionPenalty, @Nullable Double presencePenalty, @Nullable Double frequencyPenalty,
                              @Nullable Integer noRepeatNgramSize, @Nullable Integer beamWidth, @Nullable Double lengthPenalty,
                              @Nullable Boolean earlyStopping, @Nullable Integer numReturn, @Nullable List<String> stop,
                              @Nullable Long seed, @Nullable Integer traceTopN) {

    public GenerationSettings settings() {
        GenerationSettings d = GenerationSettings.defaults();
        return new GenerationSettings(strategy(strategy), or(maxNewTokens, d.maxNewTokens()), or(temperature, d.temperature()),
                or(topK, d.topK()), or(topP, d.topP()), or(minP, d.minP()), or(repetitionPenalty, d.repetitionPenalty()),
                or(presencePenalty, d.presencePenalty()), or(frequencyPenalty, d.frequencyPenalty()),
                or(noRepeatNgramSize, d.noRepeatNgramSize()), or(beamWidth, d.beamWidth()), or(lengthPenalty, d.lengthPenalty()),
                earlyStopping == null ? d.earlyStopping() : earlyStopping, or(numReturn, d.numReturn()), stop, seed,
                or(traceTopN, d.traceTopN()));
    }

    static GenerationSettings.Strategy strategy(String s) {
        if (s == null || s.isBlank()) {
            return GenerationSettings.Strategy.SAMPLE;
        }
        try {
            return GenerationSettings.Strategy.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("Unknown strategy '" + s + "'; use greedy, sample or beam.");
        }
    }

    private static int or(Integer v, int d) {
        return v == null ? d : v;
    }

    private static double or(Double v, double d) {
        return v == null ? d : v;
    }
}
