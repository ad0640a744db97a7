package org.llmplayground.corpus;

import org.junit.jupiter.api.Test;
import org.llmplayground.core.BadInputException;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Utf8TextTest {
    @Test
    void acceptsUtf8AndDropsTheByteOrderMark() {
        assertThat(Utf8Text.decode("\uFEFFnaïve 😀".getBytes(StandardCharsets.UTF_8), "x")).isEqualTo("naïve 😀");
    }

    @Test
    void refusesInvalidBytesWithTheirOffset() {
        byte[] latin1 = "café".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> Utf8Text.decode(latin1, "The file 'menu.txt'")).isInstanceOf(BadInputException.class)
                .hasMessage("The file 'menu.txt' is not UTF-8 text: invalid byte 0xE9 at offset 3. Save it as UTF-8 and try again.");
    }

    @Test
    void refusesBinaryAndEmptyFiles() {
        assertThatThrownBy(() -> Utf8Text.decode(new byte[]{'P', 'K', 3, 4, 0, 0}, "The file 'a.zip'"))
                .hasMessage("The file 'a.zip' looks like a binary file (it contains NUL bytes, first at offset 4); only UTF-8 text can be used.");
        assertThatThrownBy(() -> Utf8Text.decode(new byte[0], "The file 'e.txt'")).hasMessage("The file 'e.txt' is empty.");
    }

    @Test
    void uploadNamesAreForDisplayOnly() {
        assertThat(CorpusStore.displayName("../../etc/passwd")).isEqualTo("passwd");
        assertThat(CorpusStore.displayName("C:\\Users\\me\\notes.txt")).isEqualTo("notes.txt");
        assertThat(CorpusStore.displayName("a\u0000b\n.txt")).isEqualTo("ab.txt");
        assertThat(CorpusStore.displayName("")).isEqualTo("upload");
    }
}
