package org.llmplayground.model;

/**
 * Text to ids and back, exactly as a model was trained on them; built from the {@link TokenizerSpec} stored with
 * the model's checkpoints, so a trained model always reads text the way it learned it.
 */
public interface ModelTokenizer {
    TokenizerSpec spec();

    int vocabSize();

    int[] encode(String text);

    String decode(int[] ids);

    /** The end-of-text token (e.g. GPT-2's {@code <|endoftext|>}, 50256), or −1 when the vocabulary has none. */
    default int endOfText() {
        return -1;
    }
}
