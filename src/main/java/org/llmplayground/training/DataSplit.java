package org.llmplayground.training;

import org.llmplayground.core.BadInputException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Train/validation split and block sampling. The token stream is cut into segments of S = 4·(block + 1) tokens; a
 * seeded shuffle sends {@code valFraction} of the segments to validation, so val text comes from all over the
 * corpus, never overlaps training text, and the split is the same for the same seed. A block is a random window of
 * block + 1 tokens inside one segment: x = its first block tokens, y = the same shifted by one.
 * <pre>
 *   tokens:  … [ segment 17 (train) ][ segment 18 (val) ][ segment 19 (train) ] …
 *   block:          |x0 x1 … x127|
 *   target:            |y0 y1 … y127| = x shifted by one token
 * </pre>
 */
public final class DataSplit {
    public enum Part { TRAIN, VAL }

    private final int block;
    private final int segmentLength;
    private final long[] train;
    private final long[] val;
    /** The validation tokens when they come from their own file (a Data lab split); null: from the training data. */
    private final TokenDataset valData;
    private final int valSegmentLength;

    public DataSplit(long tokens, int block, double valFraction, long seed) {
        this(tokens, block, valFraction, seed, false);
    }

    /**
     * With {@code tail}, nanoGPT's split instead: the first (1 − valFraction) of the tokens train and the rest
     * validates, each part one segment that blocks are drawn from anywhere in (nanoGPT: {@code n = int(0.9 * len(data))},
     * {@code ix = randint(len(part) - block_size)}). 1,115,394 characters of Shakespeare: 1,003,854 train, 111,540 val.
     */
    public DataSplit(long tokens, int block, double valFraction, long seed, boolean tail) {
        this.block = block;
        long minimum = 2L * (block + 1);
        if (tokens < minimum) {
            throw new BadInputException(String.format("The corpus has %,d tokens; training needs at least 2 × (block_size + 1) = %,d "
                    + "(one block for training and one for validation). Use a larger corpus or a smaller block_size.", tokens, minimum));
        }
        if (tail) {
            long n = (long) (valFraction > 0 ? tokens * (1 - valFraction) : tokens); // int(0.9 * len(data)), truncated as in Python
            if (n < block + 1L || tokens - n < block + 1L) {
                throw new BadInputException(String.format("With val_split: tail, both parts need at least block_size + 1 = %,d tokens "
                        + "(train %,d, val %,d). Use a larger corpus, a smaller block_size or another val_fraction.", block + 1, n, tokens - n));
            }
            this.segmentLength = (int) n;
            this.train = new long[]{0};
            this.val = new long[]{n};
            this.valData = null;
            this.valSegmentLength = (int) (tokens - n);
            return;
        }
        int s = (int) Math.max(block + 1L, Math.min(4L * (block + 1), tokens / 2));
        this.segmentLength = s;
        int n = (int) (tokens / s);
        List<Long> starts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            starts.add((long) i * s);
        }
        Collections.shuffle(starts, new Random(seed));
        int valCount = Math.max(1, (int) Math.round(n * valFraction));
        this.val = starts.subList(0, valCount).stream().mapToLong(Long::longValue).sorted().toArray();
        this.train = starts.subList(valCount, n).stream().mapToLong(Long::longValue).sorted().toArray();
        this.valData = null;
        this.valSegmentLength = s;
    }

    private DataSplit(int block, int segmentLength, long[] train, TokenDataset valData, int valSegmentLength, long[] val) {
        this.block = block;
        this.segmentLength = segmentLength;
        this.train = train;
        this.valData = valData;
        this.valSegmentLength = valSegmentLength;
        this.val = val;
    }

    /**
     * Validation on its own token file, e.g. the val part of a Data lab split: every segment of the training data
     * trains, and validation blocks come from {@code valData}, cut into segments the same way.
     */
    public static DataSplit withValidationSet(long trainTokens, TokenDataset valData, int block) {
        if (trainTokens < block + 1L) {
            throw new BadInputException(String.format("The corpus has %,d tokens; training needs at least block_size + 1 = %,d.",
                    trainTokens, block + 1));
        }
        if (valData.size() < block + 1L) {
            throw new BadInputException(String.format("The validation corpus has %,d tokens; it needs at least block_size + 1 = %,d. "
                    + "Use a larger val part or a smaller block_size.", valData.size(), block + 1));
        }
        int s = (int) Math.min(4L * (block + 1), trainTokens);
        int sv = (int) Math.min(4L * (block + 1), valData.size());
        return new DataSplit(block, s, starts(trainTokens / s, s), valData, sv, starts(valData.size() / sv, sv));
    }

    private static long[] starts(long n, int s) {
        long[] out = new long[(int) n];
        for (int i = 0; i < n; i++) {
            out[i] = (long) i * s;
        }
        return out;
    }

    public int segmentLength() {
        return segmentLength;
    }

    public long tokens(Part part) {
        return part == Part.TRAIN ? (long) train.length * segmentLength : (long) val.length * valSegmentLength;
    }

    /**
     * Fills x and y ({@code batch × block} ids each) with random blocks of {@code part}; the same {@code random}
     * state gives the same batch.
     */
    public void sample(TokenDataset data, Part part, Random random, int batch, long[] x, long[] y) {
        long[] segments = part == Part.TRAIN ? train : val;
        int length = part == Part.TRAIN ? segmentLength : valSegmentLength;
        TokenDataset source = part == Part.VAL && valData != null ? valData : data;
        for (int b = 0; b < batch; b++) {
            long start = segments[random.nextInt(segments.length)] + random.nextInt(length - block);
            source.copy(start, x, b * block, block);
            source.copy(start + 1, y, b * block, block);
        }
    }
}
