package org.llmplayground.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Counts parameters from a config alone, without building the model. For GPT-2 small (d = 768, L = 12, V = 50,257,
 * T = 1,024, tied head):
 * <pre>
 *   token embedding   V·d                                  38,597,376
 *   positions         T·d                                     786,432
 *   attention         L·(4·d·d + 4·d)      (q, k, v, o + biases)  28,348,416
 *   feed-forward      L·(2·d·4d + 4d + d)  (up, down + biases)    56,669,184
 *   block norms       L·2·(2·d)            (γ and β, twice)          36,864
 *   final norm        2·d                                          1,536
 *   head              0 (tied)
 *   total                                                     124,439,808
 * </pre>
 * With grouped-query attention k and v are kvHeads·headSize wide; SwiGLU adds a third d·h matrix; RMSNorm has γ only.
 */
public final class ParameterCounter {
    private ParameterCounter() {
    }

    public static ParameterBreakdown count(ModelConfig c) {
        c.validate();
        List<ParameterBreakdown.Component> parts = new ArrayList<>();
        if (c.architecture() == Architecture.BIGRAM) {
            long v = c.vocabSize();
            parts.add(new ParameterBreakdown.Component("Bigram table", "table", v * v, fmt(v) + " × " + fmt(v)));
            return new ParameterBreakdown(v * v, parts);
        }
        long v = c.vocabSize();
        long d = c.embeddingSize();
        long l = c.layers();
        long h = c.ffnHiddenSize();
        long kv = c.kvSize();
        boolean b = c.bias();

        parts.add(new ParameterBreakdown.Component("Token embedding", "tok_emb.", v * d, fmt(v) + " × " + fmt(d)));
        long positions = c.positionEncoding() == PositionEncoding.LEARNED ? (long) c.contextLength() * d : 0;
        parts.add(new ParameterBreakdown.Component("Position embedding", "pos_emb.", positions,
                positions > 0 ? fmt(c.contextLength()) + " × " + fmt(d) : c.positionEncoding() + ": computed, no parameters"));

        long attention = d * d + 2 * d * kv + d * d + (b ? d + 2 * kv + d : 0);
        parts.add(new ParameterBreakdown.Component("Attention (query, key, value, output)", "layers.*.attn.", l * attention,
                fmt(l) + " × (" + fmt(d) + "×" + fmt(d) + " q + 2 × " + fmt(d) + "×" + fmt(kv) + " k,v + " + fmt(d) + "×" + fmt(d)
                        + " o" + (b ? " + biases" : "") + ")"));

        boolean gated = c.activation() == FeedForwardActivation.SWIGLU;
        long ffn = (gated ? 3 : 2) * d * h + (b ? (gated ? 2 * h : h) + d : 0);
        parts.add(new ParameterBreakdown.Component("Feed-forward", "layers.*.ffn.", l * ffn,
                fmt(l) + " × (" + (gated ? "3" : "2") + " × " + fmt(d) + "×" + fmt(h) + (b ? " + biases" : "") + ")"));

        long norm = c.norm() == NormType.LAYER_NORM && b ? 2 * d : d;
        parts.add(new ParameterBreakdown.Component("Norms in blocks", "layers.*.norm", l * 2 * norm,
                fmt(l) + " × 2 × " + fmt(norm)));
        long finalNorm = c.normPlacement() == NormPlacement.PRE ? norm : 0;
        parts.add(new ParameterBreakdown.Component("Final norm", "final_norm.", finalNorm,
                finalNorm > 0 ? fmt(norm) : "none with post-norm"));
        long head = c.tiedEmbeddings() ? 0 : v * d;
        parts.add(new ParameterBreakdown.Component("Output head", "head.", head,
                head > 0 ? fmt(v) + " × " + fmt(d) : "tied to the token embedding"));

        long total = parts.stream().mapToLong(ParameterBreakdown.Component::parameters).sum();
        return new ParameterBreakdown(total, parts);
    }

    static String fmt(long n) {
        return String.format("%,d", n);
    }
}
