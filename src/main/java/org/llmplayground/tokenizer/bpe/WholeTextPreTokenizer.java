package org.llmplayground.tokenizer.bpe;

/** No split: the whole text is one chunk (minbpe's BasicTokenizer). */
final class WholeTextPreTokenizer implements PreTokenizer {
    @Override
    public void split(String text, int from, int to, ChunkSink sink) {
        if (to > from) {
            sink.chunk(from, to);
        }
    }

    @Override
    public String pattern() {
        return "";
    }
}
