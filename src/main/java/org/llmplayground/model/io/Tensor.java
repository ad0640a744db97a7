package org.llmplayground.model.io;

import java.util.Arrays;

/**
 * A float32 tensor read from a weight file: row-major data, its shape, and the name it had in the file (for error
 * messages after it was renamed, split or transposed).
 */
public record Tensor(float[] data, long[] shape, String source) {
    public Tensor {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("Tensor '" + source + "' has " + data.length + " values but shape "
                    + Arrays.toString(shape) + " needs " + n);
        }
    }

    public long rows() {
        return shape[0];
    }

    public long cols() {
        return shape.length > 1 ? shape[1] : 1;
    }

    /** Rows [from, to) of a 2-D tensor. */
    public Tensor rows(int from, int to, String what) {
        int cols = (int) cols();
        return new Tensor(Arrays.copyOfRange(data, from * cols, to * cols), new long[]{to - from, cols}, what);
    }

    /** Entries [from, to) of a 1-D tensor. */
    public Tensor slice(int from, int to, String what) {
        return new Tensor(Arrays.copyOfRange(data, from, to), new long[]{to - from}, what);
    }

    /** The transpose of a 2-D tensor: (r, c) → (c, r). */
    public Tensor transposed() {
        int r = (int) rows();
        int c = (int) cols();
        float[] out = new float[data.length];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                out[j * r + i] = data[i * c + j];
            }
        }
        return new Tensor(out, new long[]{c, r}, source + " (transposed)");
    }

    public String shapeText() {
        return Arrays.toString(shape);
    }
}
