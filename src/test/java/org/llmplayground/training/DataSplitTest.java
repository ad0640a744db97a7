package org.llmplayground.training;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A separate validation set: training blocks come from the training file only, validation blocks from the other. */
class DataSplitTest {
    @TempDir
    Path dir;

    TokenDataset tokens(String name, int value, int n) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        int[] ids = new int[n];
        Arrays.fill(ids, value);
        return TokenDataset.open(TokenDataset.write(ids, 100, d));
    }

    @Test
    void validationBlocksComeFromTheValidationFile() throws Exception {
        try (TokenDataset train = tokens("train", 1, 10_000); TokenDataset val = tokens("val", 2, 500)) {
            DataSplit split = DataSplit.withValidationSet(train.size(), val, 32);
            long[] x = new long[4 * 32];
            long[] y = new long[4 * 32];
            split.sample(train, DataSplit.Part.TRAIN, new Random(1), 4, x, y);
            assertThat(x).containsOnly(1L);
            split.sample(train, DataSplit.Part.VAL, new Random(1), 4, x, y);
            assertThat(x).containsOnly(2L);
            assertThat(y).containsOnly(2L);
            // all of the training file trains (no segment is held out), in whole segments of 4 × 33 tokens
            assertThat(split.tokens(DataSplit.Part.TRAIN)).isEqualTo(10_000 / 132 * 132);
            assertThat(split.tokens(DataSplit.Part.VAL)).isEqualTo(500 / 132 * 132);
        }
    }

    @Test
    void aTooSmallValidationFileIsNamed() throws Exception {
        try (TokenDataset train = tokens("train", 1, 10_000); TokenDataset val = tokens("val", 2, 20)) {
            assertThatThrownBy(() -> DataSplit.withValidationSet(train.size(), val, 32))
                    .hasMessage("The validation corpus has 20 tokens; it needs at least block_size + 1 = 33. Use a larger val part or a smaller block_size.");
        }
    }

    /**
     * nanoGPT's split (val_split: tail): Shakespeare's 1,115,394 characters give 1,003,854 to train and 111,540 to
     * validate, as its prepare.py's int(0.9 * n); blocks of each part stay inside it, and the train part reaches its last
     * token and no further.
     */
    @Test
    void theTailSplitIsNanoGptsLastTenPercent() throws Exception {
        DataSplit shakespeare = new DataSplit(1_115_394, 64, 0.1, 1337, true);
        assertThat(shakespeare.tokens(DataSplit.Part.TRAIN)).isEqualTo(1_003_854);
        assertThat(shakespeare.tokens(DataSplit.Part.VAL)).isEqualTo(111_540);
        int[] ids = new int[1000];
        Arrays.setAll(ids, i -> i < 900 ? 1 : 2);                    // the first 900 tokens are 1s, the last 100 are 2s
        Path d = Files.createDirectories(dir.resolve("tail"));
        try (TokenDataset data = TokenDataset.open(TokenDataset.write(ids, 100, d))) {
            DataSplit split = new DataSplit(data.size(), 32, 0.1, 7, true);
            long[] x = new long[64 * 32];
            long[] y = new long[64 * 32];
            split.sample(data, DataSplit.Part.TRAIN, new Random(1), 64, x, y);
            assertThat(x).containsOnly(1L);
            assertThat(y).containsOnly(1L);
            split.sample(data, DataSplit.Part.VAL, new Random(1), 64, x, y);
            assertThat(x).containsOnly(2L);
            assertThat(y).containsOnly(2L);
        }
        assertThatThrownBy(() -> new DataSplit(300, 32, 0.1, 1, true)).hasMessage("With val_split: tail, both parts need at least "
                + "block_size + 1 = 33 tokens (train 270, val 30). Use a larger corpus, a smaller block_size or another val_fraction.");
    }
}
