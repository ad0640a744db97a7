package org.llmplayground.training;

/** Text to ids and back, as a model was trained; built from a {@link TokenizerSpec}. */
public interface TrainingTokenizer {
    TokenizerSpec spec();

    int vocabSize();

    int[] encode(String text);

    String decode(int[] ids);
}
