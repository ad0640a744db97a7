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

    /**
     * The logits at the last {@code last} positions only, (B, last, V), inference: scoring a continuation needs no
     * more, and the output head is the biggest matrix product of a small model (T × d × V). Same numbers as
     * {@link #logits} there.
     */
    default NDArray lastLogits(ParameterStore ps, NDArray ids, int last) {
        long t = ids.getShape().get(1);
        return logits(ps, ids, null, false, null).get(new ai.djl.ndarray.index.NDIndex(":, " + (t - last) + ":"));
    }

    /**
     * Incremental decoding: runs {@code newTokens} tokens per row ({@code ids} row-major, B × newTokens) after the
     * tokens already in {@code cache}, extends the cache, and returns the next-token logits after each row's last
     * token, (B × V) row-major. Gives the same logits as {@link #logits} on the whole sequence.
     */
    float[] decode(ParameterStore ps, int[] ids, int newTokens, KvCache cache);

    /**
     * Like {@link #decode} but keeps the logits after the new tokens: all of them, (B, newTokens, V), or with
     * {@code keep} only those positions (flat indices b · newTokens + t), (K, V) — padding never reaches the output
     * head, the biggest product of a small model. The array belongs to the caller's NDScope (call it inside NoGrad).
     * Scoring several continuations of one context: the context is read once into the cache, the continuations then
     * run as rows of one batch. Null when the network has no such path.
     */
    default NDArray decodeLogits(ParameterStore ps, int[] ids, int newTokens, KvCache cache, int[] keep) {
        return null;
    }

    /** An empty cache for {@code batch} rows, owned by a child of {@code manager}. */
    KvCache newCache(ai.djl.ndarray.NDManager manager, int batch);

    /** What an optimizer updates: every weight, or only the adapters while fine-tuning with LoRA. */
    default ai.djl.util.PairList<String, ai.djl.nn.Parameter> trainableParameters() {
        return getParameters();
    }

    /** A weight's values as they are saved (a quantized weight: dequantized). */
    default float[] values(ai.djl.nn.Parameter p) {
        return p.getArray().toFloatArray();
    }

    /** Builds the network a config describes (not yet initialised). */
    static CausalLm of(ModelConfig config) {
        return switch (config.validate().architecture()) {
            case TRANSFORMER -> new Transformer(config);
            case BIGRAM -> new Bigram(config);
        };
    }
}
