package org.llmplayground.model;

/**
 * Estimates memory from a config (P = parameters, b = batch, s = sequence, d = width, a = heads, L = layers,
 * V = vocabulary). Rules of thumb used by the large-model papers:
 * <ul>
 *   <li>weights: P × bytes per parameter;</li>
 *   <li>FP32 training: gradients 4P, AdamW's two moments 8P; FP16 mixed precision: gradients 2P, and the optimizer
 *       keeps an FP32 master copy plus the moments, 12P;</li>
 *   <li>activations kept for the backward pass, per layer: s·b·d·(34 + 5·a·s/d) bytes at 16 bits (Korthikanti et
 *       al. 2022, no recomputation; twice that at 32 bits), plus the FP32 logits and their gradient, 2·4·b·s·V;</li>
 *   <li>inference: weights, the KV cache 2·L·b·s·kv, and one layer's working set at a time.</li>
 * </ul>
 * GPT-2 small in FP32 needs 0.5 GB of weights and about 2 GB for weights, gradients and AdamW before activations.
 */
public final class MemoryEstimator {
    private MemoryEstimator() {
    }

    public static MemoryEstimate estimate(ModelConfig c, Precision precision, int batch, int sequence) {
        long p = ParameterCounter.count(c).total();
        long bytes = precision.bytes();
        long b = batch;
        long s = Math.min(sequence, c.contextLength());
        long v = c.vocabSize();
        long weights = p * bytes;
        long logits = 2L * 4 * b * s * v;
        long activations;
        long kvCache;
        long working;
        if (c.architecture() == Architecture.BIGRAM) {
            activations = logits;
            kvCache = 0;
            working = 4 * b * s * v;
        } else {
            long d = c.embeddingSize();
            long a = c.heads();
            long perLayer16 = s * b * d * 34 + 5 * a * s * s * b;
            activations = c.layers() * perLayer16 * Math.max(1, bytes) / 2 + logits;
            kvCache = 2L * c.layers() * b * s * c.kvSize() * bytes;
            working = b * s * (4 * d + c.ffnHiddenSize()) * bytes + b * a * s * s * 4 + 4 * b * s * v;
        }
        long gradients;
        long optimizer;
        String note;
        switch (precision) {
            case FP32 -> {
                gradients = 4 * p;
                optimizer = 8 * p;
                note = "FP32: gradients 4 bytes and AdamW moments 8 bytes per parameter.";
            }
            case FP16 -> {
                gradients = 2 * p;
                optimizer = 12 * p;
                note = "FP16 mixed precision: FP16 gradients; the optimizer keeps an FP32 master copy and the moments (12 bytes per parameter).";
            }
            default -> {
                gradients = 0;
                optimizer = 0;
                activations = 0;
                note = "INT8 weights are for inference; training needs FP32 or FP16.";
            }
        }
        long training = precision == Precision.INT8 ? 0 : weights + gradients + optimizer + activations;
        long inference = weights + kvCache + working;
        return new MemoryEstimate(precision, batch, (int) s, p, weights, gradients, optimizer, activations, training, inference, note);
    }

    /** "1.2 GiB", "340.0 MiB", "12 KiB". */
    public static String human(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format("%.1f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format("%.1f MiB", bytes / (double) (1L << 20));
        }
        return String.format("%,d KiB", (bytes + 1023) / 1024);
    }
}
