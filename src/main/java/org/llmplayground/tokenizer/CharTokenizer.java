package org.llmplayground.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * The simplest tokenizer: one token per Unicode character, the id being its code point ({@code 'A'} = 65,
 * {@code 'é'} = 233, {@code '😀'} = 128512). No training, no unknown characters, but long sequences: the baseline
 * that shows what BPE buys. (The char-level training data of later labs numbers only the characters a corpus uses.)
 */
final class CharTokenizer implements TextTokenizer {
    static final String ID = "char";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String kind() {
        return "characters (Unicode code points)";
    }

    @Override
    public int vocabSize() {
        return Character.MAX_CODE_POINT + 1;
    }

    @Override
    public int[] encode(String text, boolean allowSpecial) {
        return text.codePoints().toArray();
    }

    @Override
    public List<Token> tokenize(String text, boolean allowSpecial) {
        List<Token> tokens = new ArrayList<>(text.length());
        for (int i = 0, n = 0; i < text.length(); n++) {
            int cp = text.codePointAt(i);
            int end = i + Character.charCount(cp);
            tokens.add(new Token(cp, i, end, n, false));
            i = end;
        }
        return tokens;
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length);
        for (int id : ids) {
            sb.appendCodePoint(checkId(id));
        }
        return sb.toString();
    }

    @Override
    public byte[] tokenBytes(int id) {
        return Character.toString(checkId(id)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static int checkId(int id) {
        if (!Character.isValidCodePoint(id)) {
            throw new IllegalArgumentException("Token id " + id + " is not a Unicode code point (0.." + Character.MAX_CODE_POINT + ")");
        }
        return id;
    }
}
