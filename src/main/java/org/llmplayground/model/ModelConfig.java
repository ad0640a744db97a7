package org.llmplayground.model;

import io.micronaut.serde.annotation.Serdeable;
import org.llmplayground.core.BadInputException;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything that defines a model's shape, one immutable record. Read it like nanoGPT's GPTConfig: GPT-2 small is
 * {@code vocabSize 50257, contextLength 1024, layers 12, heads 12, embeddingSize 768, ffnHiddenSize 3072}.
 *
 * @param architecture      TRANSFORMER, or BIGRAM (then only vocabSize and contextLength matter)
 * @param vocabSize         token ids 0..vocabSize−1 each get an embedding row and an output score (GPT-2: 50,257)
 * @param contextLength     longest sequence the model reads at once, its "block size" (GPT-2: 1,024)
 * @param layers            transformer blocks stacked on the residual stream (GPT-2 small: 12)
 * @param heads             attention heads per block; each head works in embeddingSize / heads dimensions
 * @param kvHeads           key/value heads: heads share keys and values in groups of heads / kvHeads (grouped-query
 *                          attention); equal to heads for classic multi-head attention, 1 for multi-query
 * @param embeddingSize     width of the residual stream, d_model (GPT-2 small: 768)
 * @param ffnHiddenSize     hidden width of the feed-forward network (GPT-2: 4 × 768 = 3,072; Llama-2-7B: 11,008)
 * @param positionEncoding  LEARNED, SINUSOIDAL or ROPE
 * @param activation        GELU, GELU_TANH, RELU or SWIGLU
 * @param norm              LAYER_NORM or RMS_NORM
 * @param normPlacement     PRE (x + f(norm(x))) or POST (norm(x + f(x)))
 * @param bias              biases on the projections and LayerNorms (GPT-2 yes, Llama no)
 * @param tiedEmbeddings    the output head reuses the token embedding matrix (GPT-2), saving vocab × d parameters
 * @param scaleEmbeddings   multiply token embeddings by √d (the original Transformer)
 * @param dropout           probability of zeroing an activation while training (0 at inference)
 * @param normEps           added to the variance inside the norm's square root (GPT-2 1e-5, Llama-2 1e-5)
 * @param ropeTheta         RoPE base: pair i of a head rotates at angle position / θ^(2i/headSize) (Llama: 10,000)
 */
@Serdeable
public record ModelConfig(Architecture architecture, int vocabSize, int contextLength, int layers, int heads, int kvHeads,
                          int embeddingSize, int ffnHiddenSize, PositionEncoding positionEncoding,
                          FeedForwardActivation activation, NormType norm, NormPlacement normPlacement, boolean bias,
                          boolean tiedEmbeddings, boolean scaleEmbeddings, double dropout, double normEps, double ropeTheta) {

    /** Dimensions per attention head. */
    public int headSize() {
        return heads == 0 ? 0 : embeddingSize / heads;
    }

    /** Width of the key and value projections: kvHeads × headSize. */
    public int kvSize() {
        return kvHeads * headSize();
    }

    /** Everything wrong with this config, each naming the field; empty when it is valid. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (architecture == null) {
            p.add("architecture is required: TRANSFORMER or BIGRAM.");
            return p;
        }
        range(p, "vocabSize", vocabSize, MAX_VOCAB);
        range(p, "contextLength", contextLength, MAX_CONTEXT);
        if (architecture == Architecture.BIGRAM) {
            return p;
        }
        range(p, "layers", layers, MAX_LAYERS);
        range(p, "heads", heads, MAX_HEADS);
        range(p, "kvHeads", kvHeads, MAX_HEADS);
        range(p, "embeddingSize", embeddingSize, MAX_WIDTH);
        range(p, "ffnHiddenSize", ffnHiddenSize, MAX_FFN);
        if (heads > 0 && embeddingSize > 0 && embeddingSize % heads != 0) {
            p.add(String.format("embeddingSize (%d) must be divisible by heads (%d): each head gets embeddingSize / heads dimensions.",
                    embeddingSize, heads));
        }
        if (heads > 0 && kvHeads > 0 && (kvHeads > heads || heads % kvHeads != 0)) {
            p.add(String.format("kvHeads (%d) must divide heads (%d): query heads share each key/value head in equal groups.",
                    kvHeads, heads));
        }
        if (positionEncoding == null) {
            p.add("positionEncoding is required: LEARNED, SINUSOIDAL or ROPE.");
        } else if (positionEncoding != PositionEncoding.LEARNED && heads > 0 && embeddingSize % heads == 0
                && (positionEncoding == PositionEncoding.ROPE ? headSize() : embeddingSize) % 2 != 0) {
            p.add(positionEncoding == PositionEncoding.ROPE
                    ? "RoPE rotates dimensions in pairs: the head size (" + headSize() + ") must be even."
                    : "Sinusoidal encoding pairs sin and cos: embeddingSize (" + embeddingSize + ") must be even.");
        }
        if (activation == null) {
            p.add("activation is required: GELU, GELU_TANH, RELU or SWIGLU.");
        }
        if (norm == null) {
            p.add("norm is required: LAYER_NORM or RMS_NORM.");
        }
        if (normPlacement == null) {
            p.add("normPlacement is required: PRE or POST.");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            p.add("dropout must be at least 0 and below 1 (got " + dropout + ").");
        }
        if (!(normEps > 0 && normEps < 1)) {
            p.add("normEps must be above 0 and below 1 (got " + normEps + ").");
        }
        if (positionEncoding == PositionEncoding.ROPE && !(ropeTheta > 1)) {
            p.add("ropeTheta must be above 1 (got " + ropeTheta + ").");
        }
        return p;
    }

    /*
     * Upper bounds far above any real model (Llama-3-405B: V 128,256, T 131,072, L 126, d 16,384, h 53,248, 128 heads)
     * so that every count stays exact in a long: the largest config allowed has about 2·10^14 parameters, where
     * unbounded ints once gave −5,764,607,452,167,274,496.
     */
    static final int MAX_VOCAB = 10_000_000;
    public static final int MAX_CONTEXT = 1 << 20;
    static final int MAX_LAYERS = 1_000;
    static final int MAX_HEADS = 1_024;
    static final int MAX_WIDTH = 65_536;
    static final int MAX_FFN = 1 << 20;

    private static void range(List<String> p, String field, int value, int max) {
        if (value < 1 || value > max) {
            p.add(String.format("%s must be between 1 and %,d (got %,d).", field, max, value));
        }
    }

    /** Throws a {@link BadInputException} listing every problem. */
    public ModelConfig validate() {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new BadInputException("Invalid model config: " + String.join(" ", problems));
        }
        return this;
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** GPT-2's choices (learned positions, GELU_TANH, pre-LayerNorm, biases, tied head), to start from. */
    public static Builder gpt2Style() {
        return new Builder(new ModelConfig(Architecture.TRANSFORMER, 50257, 1024, 12, 12, 12, 768, 3072,
                PositionEncoding.LEARNED, FeedForwardActivation.GELU_TANH, NormType.LAYER_NORM, NormPlacement.PRE,
                true, true, false, 0.0, 1e-5, 10_000));
    }

    /** Llama's choices (RoPE, SwiGLU, pre-RMSNorm, no biases, separate head), to start from. */
    public static Builder llamaStyle() {
        return new Builder(new ModelConfig(Architecture.TRANSFORMER, 32000, 4096, 32, 32, 32, 4096, 11008,
                PositionEncoding.ROPE, FeedForwardActivation.SWIGLU, NormType.RMS_NORM, NormPlacement.PRE,
                false, false, false, 0.0, 1e-5, 10_000));
    }

    /** Changes one field at a time: {@code gpt2Style().layers(6).heads(6).build()}. */
    public static final class Builder {
        private Architecture architecture;
        private int vocabSize;
        private int contextLength;
        private int layers;
        private int heads;
        private int kvHeads;
        private int embeddingSize;
        private int ffnHiddenSize;
        private PositionEncoding positionEncoding;
        private FeedForwardActivation activation;
        private NormType norm;
        private NormPlacement normPlacement;
        private boolean bias;
        private boolean tiedEmbeddings;
        private boolean scaleEmbeddings;
        private double dropout;
        private double normEps;
        private double ropeTheta;

        private Builder(ModelConfig c) {
            architecture = c.architecture;
            vocabSize = c.vocabSize;
            contextLength = c.contextLength;
            layers = c.layers;
            heads = c.heads;
            kvHeads = c.kvHeads;
            embeddingSize = c.embeddingSize;
            ffnHiddenSize = c.ffnHiddenSize;
            positionEncoding = c.positionEncoding;
            activation = c.activation;
            norm = c.norm;
            normPlacement = c.normPlacement;
            bias = c.bias;
            tiedEmbeddings = c.tiedEmbeddings;
            scaleEmbeddings = c.scaleEmbeddings;
            dropout = c.dropout;
            normEps = c.normEps;
            ropeTheta = c.ropeTheta;
        }

        public Builder architecture(Architecture v) {
            architecture = v;
            return this;
        }

        public Builder vocabSize(int v) {
            vocabSize = v;
            return this;
        }

        public Builder contextLength(int v) {
            contextLength = v;
            return this;
        }

        public Builder layers(int v) {
            layers = v;
            return this;
        }

        /** Sets heads; kvHeads follows unless it was set apart (grouped-query attention). */
        public Builder heads(int v) {
            if (kvHeads == heads) {
                kvHeads = v;
            }
            heads = v;
            return this;
        }

        public Builder kvHeads(int v) {
            kvHeads = v;
            return this;
        }

        public Builder embeddingSize(int v) {
            embeddingSize = v;
            return this;
        }

        public Builder ffnHiddenSize(int v) {
            ffnHiddenSize = v;
            return this;
        }

        /** ffnHiddenSize = round(expansion × embeddingSize), e.g. 4 for GPT-2. */
        public Builder ffnExpansion(double expansion) {
            ffnHiddenSize = (int) Math.round(expansion * embeddingSize);
            return this;
        }

        public Builder positionEncoding(PositionEncoding v) {
            positionEncoding = v;
            return this;
        }

        public Builder activation(FeedForwardActivation v) {
            activation = v;
            return this;
        }

        public Builder norm(NormType v) {
            norm = v;
            return this;
        }

        public Builder normPlacement(NormPlacement v) {
            normPlacement = v;
            return this;
        }

        public Builder bias(boolean v) {
            bias = v;
            return this;
        }

        public Builder tiedEmbeddings(boolean v) {
            tiedEmbeddings = v;
            return this;
        }

        public Builder scaleEmbeddings(boolean v) {
            scaleEmbeddings = v;
            return this;
        }

        public Builder dropout(double v) {
            dropout = v;
            return this;
        }

        public Builder normEps(double v) {
            normEps = v;
            return this;
        }

        public Builder ropeTheta(double v) {
            ropeTheta = v;
            return this;
        }

        public ModelConfig build() {
            return new ModelConfig(architecture, vocabSize, contextLength, layers, heads, kvHeads, embeddingSize,
                    ffnHiddenSize, positionEncoding, activation, norm, normPlacement, bias, tiedEmbeddings,
                    scaleEmbeddings, dropout, normEps, ropeTheta);
        }
    }
}
