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

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[]{new Shape(inputShapes[0].get(0), inputShapes[0].get(1), config.vocabSize())};
    }
}
