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
}
