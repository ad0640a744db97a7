package org.llmplayground.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Counts, vocabulary, histogram bins and percentiles on documents small enough to check by hand. */
class DatasetStatsTest {
    @Test
    void countsWordsVocabularyLengthsAndTokens() {
        DatasetStats s = new DatasetStats("char", String::length);
        s.add("The cat sat.");                 // 3 words
        s.add("the CAT, the dog!");            // 4 words: the, cat, the, dog
        s.add("one");                          // 1 word
        for (int i = 0; i < 7; i++) {
            s.add("a b c d e f g h i j");      // 10 words each
        }
        DatasetStats.Snapshot snap = s.snapshot();
        assertThat(snap.documents()).isEqualTo(10);
        assertThat(snap.words()).isEqualTo(3 + 4 + 1 + 70);
        assertThat(snap.characters()).isEqualTo(12 + 17 + 3 + 7 * 19);
        assertThat(snap.tokens()).isEqualTo(snap.characters());
        // the, cat, sat, dog, one, a … j
        assertThat(snap.vocabulary()).isEqualTo(5 + 10);
        assertThat(snap.topWords().get(0)).isEqualTo(new DatasetStats.WordCount("a", 7));
        assertThat(snap.topWords()).contains(new DatasetStats.WordCount("the", 3));
        // lengths sorted: 1, 3, 4, 10 ×7 → p5 = 1st, p25 = 3rd, p50 = 5th, max 10
        assertThat(snap.percentiles()).containsEntry("p5", 1L).containsEntry("p25", 4L).containsEntry("p50", 10L).containsEntry("max", 10L);
        assertThat(snap.meanWords()).isEqualTo(7.8);
        // bins 1, 2–3, 4–7, 8–15
        assertThat(snap.lengthHistogram()).containsExactly(new DatasetStats.Bin(1, 1, 1), new DatasetStats.Bin(2, 3, 1),
                new DatasetStats.Bin(4, 7, 1), new DatasetStats.Bin(8, 15, 7));
        assertThat(new DatasetStats(null, null).snapshot().tokens()).isNull();
        assertThat(List.copyOf(snap.percentiles().keySet())).containsExactly("p5", "p25", "p50", "p75", "p95", "p99", "max");
    }
}
