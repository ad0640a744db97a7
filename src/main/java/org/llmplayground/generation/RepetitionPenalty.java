package org.llmplayground.generation;

/**
 * CTRL's repetition penalty (Keskar et al. 2019, as Hugging Face's RepetitionPenaltyLogitsProcessor): every token that
 * already occurs in the text (prompt included) becomes less likely. With θ = 1.2, a seen token's logit 3.0 becomes
 * 3.0 / 1.2 = 2.5 and a logit −1.0 becomes −1.0 · 1.2 = −1.2 (dividing a negative logit would raise it). θ &lt; 1
 * encourages repetition instead.
 */
public final class RepetitionPenalty implements LogitsProcessor {
    private final double theta;

    public RepetitionPenalty(double theta) {
        this.theta = theta;
    }

    @Override
    public String name() {
        return "repetition penalty " + theta;
    }

    @Override
    public void process(float[] logits, int[] context, int promptLength) {
        boolean[] seen = new boolean[logits.length];
        for (int id : context) {
            if (id >= 0 && id < logits.length && !seen[id]) {
                seen[id] = true;
                float l = logits[id];
                logits[id] = (float) (l > 0 ? l / theta : l * theta);
            }
        }
    }
}
