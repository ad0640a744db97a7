package org.llmplayground.data.clean;

import org.llmplayground.core.BadInputException;

import java.nio.charset.StandardCharsets;

/**
 * Train/validation/test split by document, streaming and reproducible: a document goes to a part by a hash of (seed,
 * its id), so the same seed always puts it in the same part, without holding the corpus in memory or shuffling it.
 * Splitting by document (not by position in one long text) keeps a document's sentences out of two parts, which
 * would leak training text into the validation score. With 10,000 documents the parts land within about 1 % of the
 * asked ratios.
 */
public final class DocumentSplit {
    /** The three parts. */
    public enum Part { TRAIN, VAL, TEST }

    private final double train;
    private final double val;
    private final long seed;

    public DocumentSplit(double train, double val, double test, long seed) {
        if (train <= 0 || val < 0 || test < 0 || Math.abs(train + val + test - 1) > 1e-9) {
            throw new BadInputException("Split ratios must be ≥ 0, train > 0, and add up to 1 (got train " + train + ", val " + val
                    + ", test " + test + ").");
        }
        this.train = train;
        this.val = val;
        this.seed = seed;
    }

    public Part partOf(String documentId) {
        double u = uniform(documentId);
        return u < train ? Part.TRAIN : u < train + val ? Part.VAL : Part.TEST;
    }

    /** A number in [0, 1) from a 64-bit FNV-1a hash of the seed and the id, mixed (splitmix64's finaliser). */
    double uniform(String id) {
        long h = 0xcbf29ce484222325L ^ seed;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return (h >>> 11) * 0x1.0p-53;
    }
}
