package org.llmplayground.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import org.llmplayground.model.ModelConfig;

/**
 * The simplest language model: the next token depends only on the current one. A V × V table where row i holds the
 * logits of every possible next token after token i; "training" just learns how often each pair follows. It cannot
 * use any earlier context, which is exactly what attention adds.
 */
public final class Bigram extends AbstractBlock implements CausalLm {
    private final ModelConfig config;
    private final Parameter table;

    public Bigram(ModelConfig config) {
        this.config = config.validate();
        table = addParameter(Parameter.builder().setName("table.weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(config.vocabSize(), config.vocabSize())).optInitializer(new NormalInitializer(0.02f)).build());
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(logits(ps, inputs.get(0), null, training, null));
    }

    /** logits[b, t] = table[ids[b, t]]: a row lookup. (B, T) → (B, T, V). */
    @Override
    public NDArray logits(ParameterStore ps, NDArray ids, NDArray padding, boolean training, Probe probe) {
        return Embedding.embedding(ids, ps.getValue(table, ids.getDevice(), training), SparseFormat.DENSE).head();
    }

    /** A bigram needs no cache: the next token depends on the last one only. The cache just counts positions. */
    @Override
    public float[] decode(ParameterStore ps, int[] ids, int newTokens, KvCache cache) {
        return NoGrad.run(() -> decodeStep(ps, ids, newTokens, cache));
    }

    private float[] decodeStep(ParameterStore ps, int[] ids, int newTokens, KvCache cache) {
        int b = cache.batch();
        long[] last = new long[b];
        for (int row = 0; row < b; row++) {
            last[row] = ids[row * newTokens + newTokens - 1];
        }
        try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = NativeArrays.longs(cache.manager(), last, new Shape(b, 1), cache.manager().getDevice());
            float[] out = logits(ps, x, null, false, null).toFloatArray();
            cache.advance(newTokens);
            return out;
        }
    }

    @Override
    public KvCache newCache(ai.djl.ndarray.NDManager manager, int batch) {
        return new KvCache(manager, 0, batch);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[]{new Shape(inputShapes[0].get(0), inputShapes[0].get(1), config.vocabSize())};
    }
}
