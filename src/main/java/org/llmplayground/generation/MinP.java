package org.llmplayground.generation;

/**
 * Min-p sampling (Nguyen et al. 2024): keep tokens whose probability is at least min_p times the favourite's. The cut
 * follows the model's confidence: with min_p = 0.1 and a favourite at 0.9 anything under 0.09 goes; when the
 * favourite has 0.2, tokens down to 0.02 stay.
 */
public final class MinP implements LogitsProcessor {
    private final double minP;

    public MinP(double minP) {
        this.minP = minP;
    }

    @Override
    public String name() {
        return "min-p " + minP;
    }

    @Override
    public void process(float[] logits, int[] context, int promptLength) {
        double[] probs = Distributions.softmax(logits);
        double max = 0;
        for (double q : probs) {
            max = Math.max(max, q);
        }
        double cut = minP * max;
        for (int i = 0; i < logits.length; i++) {
            if (probs[i] < cut) {
                logits[i] = Float.NEGATIVE_INFINITY;
            }
        }
    }
}
