package org.llmplayground.generation;

/**
 * Divides the logits by T. softmax(l / T): T &lt; 1 sharpens (the favourite gains), T &gt; 1 flattens. Logits [2, 1, 0]
 * give probabilities [0.665, 0.245, 0.090] at T = 1, [0.867, 0.117, 0.016] at T = 0.5 and [0.506, 0.307, 0.186] at T = 2.
 */
public final class Temperature implements LogitsProcessor {
    private final double t;

    public Temperature(double t) {
        this.t = t;
    }

    @Override
    public String name() {
        return "temperature " + t;
    }

    @Override
    public void process(float[] logits, int[] context, int promptLength) {
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (logits[i] / t);
        }
    }
}
