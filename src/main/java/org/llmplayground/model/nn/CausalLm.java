package org.llmplayground.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import org.llmplayground.model.ModelConfig;

/** A language model that scores the next token at every position: ids (B, T) → logits (B, T, V). */
public interface CausalLm extends Block {
    ModelConfig config();

    /**
     * @param padding  (B, T), 1 for real tokens and 0 for padding, or null when every sequence is full
     * @param probe    sees attention and activations during the pass, or null
     */
    NDArray logits(ParameterStore ps, NDArray ids, NDArray padding, boolean training, Probe probe);

    /** Builds the network a config describes (not yet initialised). */
    static CausalLm of(ModelConfig config) {
        return switch (config.validate().architecture()) {
            case TRANSFORMER -> new Transformer(config);
            case BIGRAM -> new Bigram(config);
        };
    }
}
