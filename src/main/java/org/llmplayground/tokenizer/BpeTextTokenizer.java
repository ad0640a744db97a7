package org.llmplayground.tokenizer;

import org.llmplayground.tokenizer.bpe.BpeTokenizer;

import java.util.ArrayList;
import java.util.List;

/** Our own byte-level BPE: GPT-2's vocabulary or one trained in the lab. */
final class BpeTextTokenizer implements TextTokenizer {
    private final String id;
    private final String kind;
    private final BpeTokenizer bpe;

    BpeTextTokenizer(String id, String kind, BpeTokenizer bpe) {
        this.id = id;
        this.kind = kind;
        this.bpe = bpe;
    }

    BpeTokenizer bpe() {
        return bpe;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public int vocabSize() {
        return bpe.vocabSize();
    }

    @Override
    public int[] encode(String text, boolean allowSpecial) {
        return bpe.encode(text, allowSpecial);
    }

    @Override
    public List<Token> tokenize(String text, boolean allowSpecial) {
        List<Token> tokens = new ArrayList<>(text.length() / 3 + 1);
        bpe.encodeDetailed(text, allowSpecial, (tid, start, end, chunk, special) -> tokens.add(new Token(tid, start, end, chunk, special)));
        return tokens;
    }

    @Override
    public String decode(int[] ids) {
        return bpe.decode(ids);
    }

    @Override
    public byte[] tokenBytes(int tokenId) {
        return bpe.tokenBytes(tokenId);
    }
}
