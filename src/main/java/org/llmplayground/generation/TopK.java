package org.llmplayground.generation;

/**
 * Keeps exactly the k highest logits and sets the rest to −∞ (ties at the border go to the lower token id, so exactly
 * k survive). With k = 2, logits [1, 3, 2, 0] keep tokens 1 and 2: probabilities [0, 0.731, 0.269, 0].
 */
public final class TopK implements LogitsProcessor {
    private final int k;

    public TopK(int k) {
        this.k = k;
    }

    @Override
    public String name() {
        return "top-k " + k;
    }

    @Override
    public void process(float[] logits, int[] context, int promptLength) {
        if (k >= logits.length) {
            return;
        }
        boolean[] keep = new boolean[logits.length];
        for (int id : Distributions.topIndices(logits, k)) {
            keep[id] = true;
        }
        for (int i = 0; i < logits.length; i++) {
            if (!keep[i]) {
                logits[i] = Float.NEGATIVE_INFINITY;
            }
        }
    }
}
