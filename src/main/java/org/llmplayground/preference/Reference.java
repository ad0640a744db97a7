package org.llmplayground.preference;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import org.llmplayground.model.nn.CausalLm;
import org.llmplayground.model.nn.Lora;

/**
 * The model DPO measures the policy against, π_ref: its logits for the same rows, without gradients. Two ways to
 * hold it: the policy's own network with its LoRA adapters switched off (no second copy in memory: the frozen base
 * is the reference), or a frozen copy of the starting network (twice the weights' memory, the only way when every
 * weight of the policy trains). Both give the same numbers for a LoRA policy.
 */
@FunctionalInterface
public interface Reference {
    /** π_ref's logits (R, T, V) for rows x (R, T); {@code policy} is the network being trained. */
    NDArray logits(CausalLm policy, ParameterStore ps, NDArray x, NDArray padding);

    /** The policy's network with {@code adapters} off. */
    static Reference adaptersOff(Lora adapters) {
        return (policy, ps, x, padding) -> {
            adapters.enable(false);
            try {
                return policy.logits(ps, x, padding, false, null);
            } finally {
                adapters.enable(true);
            }
        };
    }

    /** A frozen copy of the starting network (its weights are never given to the optimizer). */
    static Reference copy(CausalLm frozen) {
        return (policy, ps, x, padding) -> frozen.logits(ps, x, padding, false, null);
    }
}
