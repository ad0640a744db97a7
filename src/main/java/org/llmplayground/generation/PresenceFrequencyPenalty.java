package org.llmplayground.generation;

/**
 * OpenAI's penalties on what the model has generated so far (not the prompt): for a token generated c times,
 * logit −= c · frequency_penalty + (c &gt; 0 ? presence_penalty : 0). The frequency term grows with each repeat; the
 * presence term is a flat "you already said that". E.g. c = 3, frequency 0.5, presence 0.4: logit −= 1.9.
 */
public final class PresenceFrequencyPenalty implements LogitsProcessor {
    private final double presence;
    private final double frequency;

    public PresenceFrequencyPenalty(double presence, double frequency) {
        this.presence = presence;
        this.frequency = frequency;
    }

    @Override
    public String name() {
        return "presence " + presence + " / frequency " + frequency;
    }

    @Override
    public void process(float[] logits, int[] context, int promptLength) {
        int[] counts = new int[logits.length];
        for (int i = promptLength; i < context.length; i++) {
            if (context[i] >= 0 && context[i] < logits.length) {
                counts[context[i]]++;
            }
        }
        for (int id = 0; id < logits.length; id++) {
            if (counts[id] > 0) {
                logits[id] -= (float) (counts[id] * frequency + presence);
            }
        }
    }
}
