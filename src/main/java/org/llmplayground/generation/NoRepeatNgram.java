package org.llmplayground.generation;

/**
 * Forbids repeating any n-gram (Hugging Face's no_repeat_ngram_size): if the text ends with the n−1 tokens
 * a b and "a b c" occurred before, c gets −∞. With n = 2 on "the cat the" the next token cannot be "cat".
 */
public final class NoRepeatNgram implements LogitsProcessor {
    private final int n;

    public NoRepeatNgram(int n) {
        this.n = n;
    }

    @Override
    public String name() {
        return "no-repeat " + n + "-gram";
    }

    @Override
    public void process(float[] logits, int[] context, int promptLength) {
        int len = context.length;
        if (len < n - 1 || n < 1) {
            return;
        }
        // every earlier start i whose first n−1 tokens equal the last n−1 tokens bans the token that followed them
        for (int i = 0; i + n <= len; i++) {
            boolean same = true;
            for (int j = 0; j < n - 1 && same; j++) {
                same = context[i + j] == context[len - (n - 1) + j];
            }
            if (same) {
                int banned = context[i + n - 1];
                if (banned >= 0 && banned < logits.length) {
                    logits[banned] = Float.NEGATIVE_INFINITY;
                }
            }
        }
    }
}
