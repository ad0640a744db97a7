package org.llmplayground.finetune;

import org.llmplayground.generation.chat.ChatTemplate;

import java.util.Arrays;
import java.util.function.Function;

/**
 * Turns an example into the ids a model trains on and the positions it learns from. The template renders the prompt;
 * the reply follows with the template's end marker (or the tokenizer's end-of-text id), so the model learns to stop:
 * <pre>
 *   ids    = tokens(prompt + reply + end)                       "### Response:\n" "5" &lt;|endoftext|&gt;
 *   labels = −1 on the prompt tokens (no loss there), the ids on the reply:   −1 … −1     5     &lt;eot&gt;
 * </pre>
 * The prompt is tokenized with the reply (as Stanford Alpaca does), so the boundary tokens are the ones the model
 * will see; the prompt's own tokens are checked to be a prefix of them, and when they are not (a merge across the
 * boundary) prompt and reply are tokenized apart. An example longer than the context loses tokens from the start of
 * its prompt, never from its reply; one whose reply alone does not fit is left out (counted by the caller).
 */
public final class SftEncoder {
    private final ChatTemplate template;
    private final Function<String, int[]> tokenize;
    private final Integer endOfText;
    private final int context;
    private final boolean trainOnPrompt;

    /** One example as ids: {@code promptTokens} of them are prompt (after {@code cut} were cut from its start). */
    public record Encoded(int[] ids, int promptTokens, int cut) {
        /** Target of position i (0 ≤ i &lt; length − 1): the next id where it is learned, −1 where it is not. */
        public long target(int i, boolean trainOnPrompt) {
            return trainOnPrompt || i + 1 >= promptTokens ? ids[i + 1] : -1;
        }

        public int replyTokens() {
            return ids.length - promptTokens;
        }
    }

    /**
     * @param endOfText the tokenizer's end-of-text id (appended after Alpaca and plain replies), or null if it has none
     * @param context   the most tokens one training row may hold (the model's context or the run's block size)
     */
    public SftEncoder(ChatTemplate template, Function<String, int[]> tokenize, Integer endOfText, int context, boolean trainOnPrompt) {
        this.template = template;
        this.tokenize = tokenize;
        this.endOfText = endOfText;
        this.context = context;
        this.trainOnPrompt = trainOnPrompt;
    }

    public ChatTemplate template() {
        return template;
    }

    public boolean trainOnPrompt() {
        return trainOnPrompt;
    }

    /** The prompt text of an example, as the model will read it. */
    public String prompt(SftExample e) {
        return template.render(e.system(), e.turns(), e.input());
    }

    /**
     * The reply text the model learns, with the template's end marker; a tokenizer without an end-of-text token (a
     * character vocabulary) ends Alpaca and plain replies with a newline instead, which generation stops at.
     */
    public String reply(SftExample e) {
        return template.replyStart() + e.response() + end();
    }

    /** What ends a reply in text: the template's marker, or "\n" when neither it nor the tokenizer has one. */
    public String end() {
        return !template.replyEnd().isEmpty() ? template.replyEnd() : endOfText == null ? "\n" : "";
    }

    public Integer endOfText() {
        return endOfText;
    }

    /** The example's ids, or null when its reply alone (with the end) does not fit the context. */
    public Encoded encode(SftExample e) {
        String prompt = prompt(e);
        int[] promptIds = tokenize.apply(prompt);
        int[] all = tokenize.apply(prompt + reply(e));
        if (!startsWith(all, promptIds)) {
            int[] replyIds = tokenize.apply(reply(e));
            all = concat(promptIds, replyIds);
        }
        if (endOfText != null && template.replyEnd().isEmpty()) {
            all = Arrays.copyOf(all, all.length + 1);
            all[all.length - 1] = endOfText;
        }
        int promptTokens = promptIds.length;
        int reply = all.length - promptTokens;
        if (reply + 1 > context) { // at least one prompt token must remain to predict the first reply token from
            return null;
        }
        int cut = Math.max(0, all.length - context);
        if (cut > 0) {
            all = Arrays.copyOfRange(all, cut, all.length);
            promptTokens -= cut;
        }
        return new Encoded(all, promptTokens, cut);
    }

    private static boolean startsWith(int[] all, int[] prefix) {
        return prefix.length <= all.length && Arrays.equals(all, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
