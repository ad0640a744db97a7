package org.llmplayground.tokenizer.bpe;

import java.nio.charset.StandardCharsets;

/**
 * Maps UTF-8 byte positions of a piece of text back to UTF-16 char positions (what Java and JavaScript strings
 * index). Byte-level tokens can end inside a character: in {@code "é!"} (bytes C3 A9 21) a token {@code [C3]} covers
 * half of "é"; we say it covers the whole character, so {@code charStart(0) = 0} and {@code charEnd(0) = 1}.
 */
public final class Utf8Offsets {
    private final byte[] bytes;
    private final int[] charStart;
    private final int[] charEnd;

    /** Offsets for {@code text[from, to)}; char positions are absolute in {@code text}. */
    public Utf8Offsets(String text, int from, int to) {
        String s = text.substring(from, to);
        this.bytes = s.getBytes(StandardCharsets.UTF_8);
        this.charStart = new int[bytes.length];
        this.charEnd = new int[bytes.length];
        int b = 0;
        for (int c = 0; c < s.length(); ) {
            int cp = s.codePointAt(c);
            int units = Character.charCount(cp);
            for (int k = 0, n = utf8Length(cp); k < n && b < bytes.length; k++, b++) {
                charStart[b] = from + c;
                charEnd[b] = from + c + units;
            }
            c += units;
        }
    }

    public byte[] bytes() {
        return bytes;
    }

    /** Char where the character holding byte {@code b} starts. */
    public int charStart(int b) {
        return charStart[b];
    }

    /** Char just after the character holding byte {@code b}. */
    public int charEnd(int b) {
        return charEnd[b];
    }

    static int utf8Length(int cp) {
        if (cp < 0x80 || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)) {
            return 1; // a lone surrogate is not Unicode; Java's UTF-8 encoder writes it as one '?'
        }
        if (cp < 0x800) {
            return 2;
        }
        return cp < 0x10000 ? 3 : 4;
    }
}
