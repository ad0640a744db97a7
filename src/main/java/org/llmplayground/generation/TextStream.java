package org.llmplayground.generation;

import java.util.List;
import java.util.function.Function;

/**
 * Turns a growing list of token ids into text deltas for streaming. Decoding ids one by one is wrong for byte-level
 * BPE: "é" may be split over two tokens, and the first alone decodes to U+FFFD. So each step decodes the ids since
 * the last point where the text was complete (usually just the new token; two when a character was split) and
 * appends that: decoding the whole sequence at every step would make a long generation quadratic. Text ending in
 * U+FFFD waits for the next token, and so does a tail that could still become a stop sequence ("\nUs" while the stop
 * is "\nUser:"). At the end, {@link #finish} decodes everything once, so the final text is exact even for a
 * tokenizer whose pieces do not simply concatenate.
 */
final class TextStream {
    private final Function<int[], String> decoder;
    private final List<String> stops;
    private String emitted = "";
    private String full = "";
    /** ids[0, committed) decode to committedText, which later tokens no longer change. */
    private int committed;
    private String committedText = "";
    private int stopAt = -1;

    TextStream(Function<int[], String> decoder, List<String> stops) {
        this.decoder = decoder;
        this.stops = stops;
    }

    /** Decodes the generated ids and returns the new text that can be shown now. */
    String push(int[] generated) {
        String tail = decoder.apply(java.util.Arrays.copyOfRange(generated, committed, generated.length));
        full = committedText + tail;
        if (!tail.endsWith("\uFFFD")) {
            committed = generated.length;
            committedText = full;
        }
        findStop();
        String safe = stopAt >= 0 ? full.substring(0, stopAt) : full.substring(0, full.length() - heldBack(full));
        if (!safe.startsWith(emitted)) { // a later token changed earlier text (rare with BPE merges): emit nothing new
            return "";
        }
        String delta = safe.substring(emitted.length());
        emitted = safe;
        return delta;
    }

    /** Decodes all generated ids at once for the final text. */
    void finish(int[] generated) {
        full = decoder.apply(generated);
        stopAt = -1;
        findStop();
    }

    private void findStop() {
        for (String s : stops) {
            int i = full.indexOf(s);
            if (i >= 0 && (stopAt < 0 || i < stopAt)) {
                stopAt = i;
            }
        }
    }

    /** How many trailing characters to hold: an incomplete character, or a prefix of a stop sequence. */
    private int heldBack(String text) {
        int hold = 0;
        if (text.endsWith("\uFFFD")) {
            hold = 1;
        }
        for (String s : stops) {
            for (int len = Math.min(s.length() - 1, text.length()); len > hold; len--) {
                if (text.endsWith(s.substring(0, len))) {
                    hold = len;
                    break;
                }
            }
        }
        return Math.min(hold, text.length());
    }

    boolean stopped() {
        return stopAt >= 0;
    }

    /** The final text: everything before the first stop sequence (or all of it). */
    String text() {
        return stopAt >= 0 ? full.substring(0, stopAt) : full;
    }

    /** What was still held back at the end (no stop came): emitted when the generation finishes. */
    String flush() {
        String rest = text().startsWith(emitted) ? text().substring(emitted.length()) : "";
        emitted = text();
        return rest;
    }
}
