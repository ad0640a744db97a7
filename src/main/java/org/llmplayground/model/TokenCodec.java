package org.llmplayground.model;

import java.util.List;

/** How a model's input is written: text through a tokenizer, digits, or raw token ids; and how ids are labelled. */
public interface TokenCodec {
    /** What the user types, e.g. "Text (GPT-2 tokenizer)" or "Token ids, e.g. 1, 403, 261". */
    String inputHint();

    /**
     * Whether the input is text written through a tokenizer: what prompts, chat and the OpenAI API need. Models that
     * read token ids or digits can be looked inside, but not prompted with text.
     */
    default boolean readsText() {
        return false;
    }

    /** The ids of the input; bad input is a {@link org.llmplayground.core.BadInputException} saying why. */
    int[] encode(String input);

    /** A short label for one token, for heatmap axes and distributions. */
    String label(int id);

    /**
     * The text of a sequence of ids, as generation shows it. Codecs without a text form write one label per token
     * followed by a space ("2 0 1 "), so the text of a longer sequence always extends the text of its prefix.
     */
    default String decode(int[] ids) {
        StringBuilder b = new StringBuilder();
        for (int id : ids) {
            b.append(label(id)).append(' ');
        }
        return b.toString();
    }

    /** The end-of-text token, after which a model's text is over, or −1 when the vocabulary has none. */
    default int endOfText() {
        return -1;
    }

    default List<String> labels(int[] ids) {
        java.util.List<String> out = new java.util.ArrayList<>(ids.length);
        for (int id : ids) {
            out.add(label(id));
        }
        return out;
    }
}
