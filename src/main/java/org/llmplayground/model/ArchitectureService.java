package org.llmplayground.model;

import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.tokenizer.TokenizerService;

import java.util.ArrayList;
import java.util.List;

/**
 * The Architecture lab's arithmetic, shared by the view and the API: presets, validating a config (also against the
 * tokenizer it will read), parameter counts, memory estimates and the data flow.
 */
@Singleton
public class ArchitectureService {
    private final TokenizerService tokenizers;

    ArchitectureService(TokenizerService tokenizers) {
        this.tokenizers = tokenizers;
    }

    public List<ModelPreset> presets() {
        return ModelPresets.ALL;
    }

    /** A preset's config, or the given one; exactly one of them. */
    public ModelConfig resolve(String preset, ModelConfig config) {
        if (preset != null && !preset.isBlank()) {
            if (config != null) {
                throw new BadInputException("Give either a preset or a config, not both.");
            }
            return ModelPresets.get(preset).config();
        }
        if (config == null) {
            throw new BadInputException("Give a preset (e.g. \"gpt2-small\") or a full config.");
        }
        return config;
    }

    /**
     * Validates and analyses a config. With {@code tokenizer}, the vocabulary must hold every id that tokenizer
     * produces: a smaller one leaves ids without an embedding row.
     */
    public ConfigAnalysis analyze(String name, ModelConfig config, String tokenizer, int batch, int sequence) {
        config.validate();
        if (tokenizer != null && !tokenizer.isBlank()) {
            int needed = tokenizers.tokenizer(tokenizer).vocabSize();
            if (config.vocabSize() < needed) {
                throw new BadInputException(String.format("vocabSize (%,d) is smaller than the %s tokenizer's vocabulary (%,d): "
                        + "token ids from %,d up would have no embedding row.", config.vocabSize(), tokenizer, needed, config.vocabSize()));
            }
        }
        if (batch < 1 || sequence < 1) {
            throw new BadInputException("batch and sequence must be at least 1 (got " + batch + " and " + sequence + ").");
        }
        List<MemoryEstimate> memory = new ArrayList<>();
        for (Precision p : Precision.values()) {
            memory.add(MemoryEstimator.estimate(config, p, batch, sequence));
        }
        return new ConfigAnalysis(name, config, ParameterCounter.count(config), memory, ModelFlow.steps(config, batch, sequence));
    }

    public ParameterBreakdown count(String preset, ModelConfig config) {
        return ParameterCounter.count(resolve(preset, config));
    }
}
