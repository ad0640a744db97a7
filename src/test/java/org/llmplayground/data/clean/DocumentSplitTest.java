package org.llmplayground.data.clean;

import org.junit.jupiter.api.Test;
import org.llmplayground.core.BadInputException;

import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class DocumentSplitTest {
    @Test
    void partsFollowTheRatiosAndTheSeed() {
        DocumentSplit s = new DocumentSplit(0.8, 0.1, 0.1, 7);
        Map<DocumentSplit.Part, Integer> counts = new EnumMap<>(DocumentSplit.Part.class);
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            counts.merge(s.partOf("doc-" + i), 1, Integer::sum);
        }
        assertThat(counts.get(DocumentSplit.Part.TRAIN) / (double) n).isCloseTo(0.8, within(0.015));
        assertThat(counts.get(DocumentSplit.Part.VAL) / (double) n).isCloseTo(0.1, within(0.015));
        assertThat(counts.get(DocumentSplit.Part.TEST) / (double) n).isCloseTo(0.1, within(0.015));
        // reproducible with the same seed, different with another
        DocumentSplit same = new DocumentSplit(0.8, 0.1, 0.1, 7);
        DocumentSplit other = new DocumentSplit(0.8, 0.1, 0.1, 8);
        int moved = 0;
        for (int i = 0; i < 1000; i++) {
            assertThat(same.partOf("doc-" + i)).isEqualTo(s.partOf("doc-" + i));
            moved += other.partOf("doc-" + i) != s.partOf("doc-" + i) ? 1 : 0;
        }
        assertThat(moved).isGreaterThan(200);
    }

    @Test
    void badRatiosAreNamed() {
        assertThatThrownBy(() -> new DocumentSplit(0.8, 0.3, 0.1, 1)).isInstanceOf(BadInputException.class)
                .hasMessage("Split ratios must be ≥ 0, train > 0, and add up to 1 (got train 0.8, val 0.3, test 0.1).");
        assertThatThrownBy(() -> new DocumentSplit(0, 0.5, 0.5, 1)).isInstanceOf(BadInputException.class);
    }
}
