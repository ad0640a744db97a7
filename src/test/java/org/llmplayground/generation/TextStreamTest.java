package org.llmplayground.generation;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TextStreamTest {
    /** A fake decoder: token i is the i-th string of the table. */
    static String decode(int[] ids, String... table) {
        StringBuilder b = new StringBuilder();
        for (int id : ids) {
            b.append(table[id]);
        }
        return b.toString();
    }

    /** A byte-level decoder: token i is the i-th byte; "é" is the two bytes C3 A9. */
    static String bytes(int[] ids) {
        byte[] table = {(byte) 0xC3, (byte) 0xA9, '!', 'a'};
        byte[] out = new byte[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = table[ids[i]];
        }
        return new String(out, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void incompleteCharactersWaitForTheirNextToken() {
        // "é" split over two byte tokens: the first decodes to U+FFFD until the second arrives
        List<Integer> decodedLengths = new java.util.ArrayList<>();
        TextStream s = new TextStream(ids -> {
            decodedLengths.add(ids.length);
            return bytes(ids);
        }, List.of());
        assertThat(s.push(new int[]{3})).isEqualTo("a");
        assertThat(s.push(new int[]{3, 0})).isEmpty();
        assertThat(s.push(new int[]{3, 0, 1})).isEqualTo("é");
        assertThat(s.push(new int[]{3, 0, 1, 2})).isEqualTo("!");
        // each step decodes only the ids since the text was last complete, not the whole sequence
        assertThat(decodedLengths).containsExactly(1, 1, 2, 1);
    }

    @Test
    void theFinalTextIsDecodedWhole() {
        // a SentencePiece-like decoder drops the leading space of the first piece, so pieces do not concatenate
        String[] pieces = {"Hello", " world"};
        TextStream s = new TextStream(ids -> decode(ids, pieces).stripLeading(), List.of());
        s.push(new int[]{0});
        s.push(new int[]{0, 1});
        s.finish(new int[]{0, 1});
        assertThat(s.text()).isEqualTo("Hello world");
    }

    @Test
    void aPossibleStopSequenceIsHeldBackAndCutWhenItCompletes() {
        String[] table = {"Hi", "\n", "Us", "er:", " there"};
        TextStream s = new TextStream(ids -> decode(ids, table), List.of("\nUser:"));
        assertThat(s.push(new int[]{0})).isEqualTo("Hi");
        assertThat(s.push(new int[]{0, 1})).isEmpty();
        assertThat(s.push(new int[]{0, 1, 2})).isEmpty();
        assertThat(s.push(new int[]{0, 1, 2, 3})).isEmpty();
        assertThat(s.stopped()).isTrue();
        assertThat(s.text()).isEqualTo("Hi");
    }

    @Test
    void aFalseAlarmIsReleased() {
        String[] table = {"Hi", "\n", "Us", "ually"};
        TextStream s = new TextStream(ids -> decode(ids, table), List.of("\nUser:"));
        s.push(new int[]{0});
        assertThat(s.push(new int[]{0, 1, 2})).isEmpty();
        assertThat(s.push(new int[]{0, 1, 2, 3})).isEqualTo("\nUsually");
        assertThat(s.stopped()).isFalse();
        assertThat(s.flush()).isEmpty();
    }

    @Test
    void theTailHeldAtTheEndIsFlushed() {
        String[] table = {"Hi", "\n"};
        TextStream s = new TextStream(ids -> decode(ids, table), List.of("\nUser:"));
        s.push(new int[]{0, 1});
        assertThat(s.flush()).isEqualTo("\n");
        assertThat(s.text()).isEqualTo("Hi\n");
    }
}
