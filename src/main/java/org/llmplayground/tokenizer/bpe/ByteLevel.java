package org.llmplayground.tokenizer.bpe;

/**
 * GPT-2's "bytes to unicode" alphabet: each of the 256 byte values gets a printable character, so that byte-level
 * tokens can be written in text files (encoder.json, vocab.bpe, Hugging Face tokenizer.json).
 * <p>
 * Printable Latin-1 bytes map to themselves ({@code 'A'} → {@code 'A'}); the other 68 (control bytes, space, 0x7F–0xA0,
 * 0xAD) are shifted to U+0100 and up, in byte order. So a space (0x20) is written {@code 'Ġ'} (U+0120) and a newline
 * (0x0A) {@code 'Ċ'} (U+010A): the GPT-2 token {@code "Ġthe"} is the bytes {@code " the"}.
 */
public final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[324];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + shifted++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {
    }

    /** {@code encode(" hi".getBytes(UTF_8))} → {@code "Ġhi"}. */
    public static String encode(byte[] bytes) {
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(out);
    }

    /** Inverse of {@link #encode}; throws if a character is outside the 256-character alphabet. */
    public static byte[] decode(String token) {
        byte[] out = new byte[token.length()];
        for (int i = 0; i < token.length(); i++) {
            int b = byteOf(token.charAt(i));
            if (b < 0) {
                throw new IllegalArgumentException("Character U+" + Integer.toHexString(token.charAt(i)).toUpperCase()
                        + " in token '" + token + "' is not in the byte-level alphabet");
            }
            out[i] = (byte) b;
        }
        return out;
    }

    /** True when every character of {@code token} is in the alphabet (a byte-level token string). */
    public static boolean isByteLevel(String token) {
        for (int i = 0; i < token.length(); i++) {
            if (byteOf(token.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    private static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }
}
