package org.llmplayground.corpus;

import org.llmplayground.core.BadInputException;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8 decoding for uploads: invalid bytes or binary content are refused with where and why. */
public final class Utf8Text {
    private Utf8Text() {
    }

    /**
     * Decodes {@code bytes} or throws a {@link BadInputException} such as
     * "The file 'x.bin' is not UTF-8 text: invalid byte 0xFF at offset 17."
     */
    public static String decode(byte[] bytes, String what) {
        if (bytes.length == 0) {
            throw new BadInputException(what + " is empty.");
        }
        for (int i = 0; i < Math.min(bytes.length, 1 << 20); i++) {
            if (bytes[i] == 0) {
                throw new BadInputException(what + " looks like a binary file (it contains NUL bytes, first at offset " + i
                        + "); only UTF-8 text can be used.");
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw new BadInputException(String.format("%s is not UTF-8 text: invalid byte 0x%02X at offset %,d. "
                    + "Save it as UTF-8 and try again.", what, bytes[in.position()] & 0xFF, in.position()));
        }
        decoder.flush(out);
        out.flip();
        String text = out.toString();
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a byte-order mark is not content
        }
        return text;
    }
}
