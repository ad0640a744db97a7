package org.llmplayground.tokenizer.bpe;

/**
 * Splits text into chunks before BPE runs, so that merges never cross chunk boundaries (a word never merges with the
 * punctuation after it). {@code "Hello world!!"} with GPT-2's pattern gives {@code ["Hello", " world", "!!"]}.
 */
public interface PreTokenizer {
    /** Receives one chunk as the half-open char range {@code [start, end)} of the text. */
    @FunctionalInterface
    interface ChunkSink {
        void chunk(int start, int end);
    }

    /** Splits {@code text[from, to)}, reporting chunks in order; together they cover the range exactly. */
    void split(String text, int from, int to, ChunkSink sink);

    /** The regular expression this splitter implements ("" for none), as stored in saved tokenizers. */
    String pattern();
}
