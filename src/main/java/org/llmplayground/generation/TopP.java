package org.llmplayground.generation;

/**
 * Nucleus sampling (Holtzman et al. 2019): sort tokens by probability, keep the smallest prefix whose total reaches p,
 * drop the tail. Probabilities [0.5, 0.3, 0.15, 0.05] with p = 0.75 keep the first two (0.5 &lt; 0.75 ≤ 0.8), which
 * then carry 0.625 and 0.375. The most likely token always stays.
 */
public final class TopP implements LogitsProcessor {
    private final double p;

    public TopP(double p) {
        this.p = p;
    }

    @Override
    public String name() {
        return "top-p " + p;
    }

    @Override
    public void process(float[] logits, int[] context, int promptLength) {
        double[] probs = Distributions.softmax(logits);
        int[] order = Distributions.topIndices(logits, logits.length);
        boolean[] keep = new boolean[logits.length];
        double total = 0;
        for (int id : order) {
            keep[id] = true;
            total += probs[id];
            if (total >= p - 1e-12) {
                break;
            }
        }
        for (int i = 0; i < logits.length; i++) {
            if (!keep[i]) {
                logits[i] = Float.NEGATIVE_INFINITY;
            }
        }
    }
}
