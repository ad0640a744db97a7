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

    @Test
    void incompleteCharactersWaitForTheirNextToken() {
        // "é" split over two byte tokens: the first decodes to U+FFFD until the second arrives
        TextStream s = new TextStream(ids -> ids.length == 2 ? "é" : ids.length == 1 ? "\uFFFD" : "é!", List.of());
        assertThat(s.push(new int[]{0})).isEmpty();
        assertThat(s.push(new int[]{0, 1})).isEqualTo("é");
        assertThat(s.push(new int[]{0, 1, 2})).isEqualTo("!");
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
