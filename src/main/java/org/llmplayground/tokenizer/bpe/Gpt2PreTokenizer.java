package org.llmplayground.tokenizer.bpe;

/**
 * GPT-2's split pattern as a hand-written scanner, because {@code java.util.regex} spends most of the encode time on
 * it. It produces exactly the chunks of the regex (a property test checks this on random and real text):
 * <pre>
 *   '(?:[sdmt]|ll|ve|re) | ?\p{L}+ | ?\p{N}+ | ?[^\s\p{L}\p{N}]+ | \s+(?!\S) | \s+
 * </pre>
 * At each position the alternatives are tried in that order. The last two treat whitespace so that a run of spaces
 * before a word leaves its final space to the word: {@code "a   b"} → {@code ["a", "  ", " b"]}.
 * Character classes follow tiktoken: {@code \p{L}} letters, {@code \p{N}} numbers, {@code \s} Unicode White_Space.
 */
public final class Gpt2PreTokenizer implements PreTokenizer {
    private static final int LETTER = 1;
    private static final int NUMBER = 2;
    private static final int SPACE = 3;
    private static final int OTHER = 4;

    @Override
    public void split(String text, int from, int to, ChunkSink sink) {
        int i = from;
        while (i < to) {
            int end = nextChunkEnd(text, i, to);
            sink.chunk(i, end);
            i = end;
        }
    }

    private static int nextChunkEnd(String s, int i, int to) {
        char c = s.charAt(i);
        if (c == '\'') {
            int contraction = contractionLength(s, i, to);
            if (contraction > 0) {
                return i + contraction;
            }
        }
        int start = i;
        if (c == ' ' && i + 1 < to) {
            int next = classOf(s.codePointAt(i + 1));
            if (next != SPACE) {
                return runEnd(s, i + 1, to, next); // " word", " 42", " !!"
            }
        }
        int cls = classOf(s.codePointAt(i));
        if (cls != SPACE) {
            return runEnd(s, start, to, cls);
        }
        // whitespace: \s+(?!\S) keeps the last space for the next word; a lone one is \s+
        int end = runEnd(s, start, to, SPACE);
        if (end < to && end - start >= 2) {
            return end - 1;
        }
        return end;
    }

    /** {@code 's 't 'm 'd 're 've 'll} (lower case only, as in GPT-2). */
    private static int contractionLength(String s, int i, int to) {
        if (i + 1 >= to) {
            return 0;
        }
        char a = s.charAt(i + 1);
        if (a == 's' || a == 'd' || a == 'm' || a == 't') {
            return 2;
        }
        if (i + 2 >= to) {
            return 0;
        }
        char b = s.charAt(i + 2);
        boolean two = (a == 'l' && b == 'l') || (a == 'v' && b == 'e') || (a == 'r' && b == 'e');
        return two ? 3 : 0;
    }

    /** End of the run of code points of class {@code cls} starting at {@code i}. */
    private static int runEnd(String s, int i, int to, int cls) {
        while (i < to) {
            int cp = s.codePointAt(i);
            if (classOf(cp) != cls) {
                break;
            }
            i += Character.charCount(cp);
        }
        return i;
    }

    static int classOf(int cp) {
        if (cp < 128) { // fast path for ASCII
            if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') {
                return LETTER;
            }
            if (cp >= '0' && cp <= '9') {
                return NUMBER;
            }
            return cp == ' ' || (cp >= 9 && cp <= 13) ? SPACE : OTHER;
        }
        if (Character.isLetter(cp)) {
            return LETTER;
        }
        int type = Character.getType(cp);
        if (type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER) {
            return NUMBER;
        }
        return isWhiteSpace(cp) ? SPACE : OTHER;
    }

    /** Unicode's White_Space property: space separators, line/paragraph separators, TAB..CR and NEL. */
    static boolean isWhiteSpace(int cp) {
        return Character.isSpaceChar(cp) || (cp >= 9 && cp <= 13) || cp == 0x85;
    }

    @Override
    public String pattern() {
        return SplitPattern.GPT2.regex();
    }
}
