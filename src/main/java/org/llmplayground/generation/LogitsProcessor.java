package org.llmplayground.generation;

/**
 * One step of turning the model's raw scores into the distribution a token is drawn from. Each processor edits the
 * logits of one row in place; a token set to −∞ can no longer be chosen.
 */
public interface LogitsProcessor {
    /** A short name for traces and the UI, e.g. "top-k 40". */
    String name();

    /**
     * @param logits  the scores of every vocabulary entry for the next token (edited in place)
     * @param context the prompt followed by the tokens generated so far
     * @param promptLength how many of {@code context} are the prompt
     */
    void process(float[] logits, int[] context, int promptLength);
}
