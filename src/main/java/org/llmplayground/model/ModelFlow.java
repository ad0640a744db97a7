package org.llmplayground.model;

import io.micronaut.serde.annotation.Serdeable;

import java.util.ArrayList;
import java.util.List;

/**
 * The path of a batch through the model, step by step with tensor shapes: what the Architecture lab draws.
 * For GPT-2 small at B = 1, T = 128: ids (1, 128) → embeddings (1, 128, 768) → 12 × [attention with scores
 * (1, 12, 128, 128), feed-forward through (1, 128, 3072)] → logits (1, 128, 50257).
 */
public final class ModelFlow {
    private ModelFlow() {
    }

    /** One box of the diagram; {@code repeated} marks the steps inside the block that repeats {@code layers} times. */
    @Serdeable
    public record Step(String name, String shape, String detail, boolean repeated) {
    }

    public static List<Step> steps(ModelConfig c, int batch, int sequence) {
        c.validate();
        long b = batch;
        long t = Math.min(sequence, c.contextLength());
        long v = c.vocabSize();
        List<Step> s = new ArrayList<>();
        s.add(new Step("Token ids", shape(b, t), "integers below " + v, false));
        if (c.architecture() == Architecture.BIGRAM) {
            s.add(new Step("Bigram table lookup", shape(b, t, v), "row ids[b, t] of a " + v + " × " + v + " table", false));
            s.add(new Step("Next-token logits", shape(b, t, v), "softmax gives probabilities", false));
            return s;
        }
        long d = c.embeddingSize();
        long h = c.heads();
        long hs = c.headSize();
        s.add(new Step("Token embedding", shape(b, t, d), "look up rows of a " + v + " × " + d + " matrix"
                + (c.scaleEmbeddings() ? ", times √" + d : ""), false));
        switch (c.positionEncoding()) {
            case LEARNED -> s.add(new Step("+ Position embedding", shape(b, t, d), "learned " + c.contextLength() + " × " + d + " table", false));
            case SINUSOIDAL -> s.add(new Step("+ Sinusoidal positions", shape(b, t, d), "fixed sin/cos waves, no parameters", false));
            case ROPE -> { // applied inside attention
            }
        }
        boolean pre = c.normPlacement() == NormPlacement.PRE;
        String norm = c.norm() == NormType.LAYER_NORM ? "LayerNorm" : "RMSNorm";
        if (pre) {
            s.add(new Step(norm, shape(b, t, d), "normalise each position", true));
        }
        s.add(new Step("Queries, keys, values", "q " + shape(b, h, t, hs) + ", k/v " + shape(b, c.kvHeads(), t, hs),
                h + " heads of " + hs + (c.kvHeads() < h ? "; " + c.kvHeads() + " key/value heads shared" : "")
                        + (c.positionEncoding() == PositionEncoding.ROPE ? "; q and k rotated by position (RoPE)" : ""), true));
        s.add(new Step("Attention scores", shape(b, h, t, t), "softmax(q·kᵀ / √" + hs + " + causal mask)", true));
        s.add(new Step("Weighted values → output projection", shape(b, t, d), "heads concatenated, projected back to " + d, true));
        s.add(new Step(pre ? "+ Residual" : "+ Residual, then " + norm, shape(b, t, d), "x = x + attention", true));
        if (pre) {
            s.add(new Step(norm, shape(b, t, d), "normalise each position", true));
        }
        String act = switch (c.activation()) {
            case SWIGLU -> "silu(gate) × up";
            case RELU -> "ReLU";
            default -> "GELU";
        };
        s.add(new Step("Feed-forward up", shape(b, t, c.ffnHiddenSize()), act, true));
        s.add(new Step("Feed-forward down", shape(b, t, d), "back to the residual width", true));
        s.add(new Step(pre ? "+ Residual" : "+ Residual, then " + norm, shape(b, t, d), "x = x + feed-forward", true));
        if (pre) {
            s.add(new Step("Final " + norm, shape(b, t, d), "", false));
        }
        s.add(new Step("Output head → logits", shape(b, t, v), c.tiedEmbeddings() ? "reuses the token embedding matrix" : "its own " + v + " × " + d + " matrix", false));
        return s;
    }

    static String shape(long... dims) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            sb.append(i > 0 ? ", " : "").append(String.format("%,d", dims[i]));
        }
        return sb.append(')').toString();
    }
}
