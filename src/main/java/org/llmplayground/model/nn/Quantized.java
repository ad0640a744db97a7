package org.llmplayground.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Locale;

/**
 * A weight matrix held in fewer bits and turned back into floats when it is used ("dequantized on the fly"), as
 * QLoRA holds its frozen base. Two schemes:
 * <pre>
 *   int8   per output row (channel): s = max|w_row| / 127,  q = round(w / s) ∈ [−127, 127],  ŵ = q·s
 *          8 bits a weight + one float per row; error |w − ŵ| ≤ s/2.
 *   q4_0   llama.cpp's Q4_0, per group of 32 weights along a row: m = the weight of largest magnitude (with its
 *          sign), d = m / −8, q = min(15, trunc(w/d + 8.5)) ∈ [0, 15], ŵ = (q − 8)·d
 *          4 bits a weight + one scale per 32 (stored here as a float: 5 bits a weight; llama.cpp's fp16 gives 4.5).
 *          Error ≤ |d|/2, except at the end the clamp cuts (w = −m maps to 7·d): ≤ |d| = max|w|/8 in a group.
 * </pre>
 * Worked example (q4_0, a group whose largest weight is −0.8): d = 0.1; w = 0.33 → trunc(3.3 + 8.5) = 11 → ŵ = 0.3.
 * Codes live in a byte array, two 4-bit codes to a byte for q4_0 (element 2j in the low half, 2j+1 in the high).
 */
public final class Quantized implements AutoCloseable {
    /** How the weights are stored. */
    public enum Scheme {
        INT8, Q4_0;

        /** The name configs and the API use: {@code int8} or {@code q4_0}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Scheme parse(String s) {
            for (Scheme v : values()) {
                if (v.id().equalsIgnoreCase(s == null ? "" : s.trim())) {
                    return v;
                }
            }
            throw new IllegalArgumentException("Unknown quantization '" + s + "': use int8 or q4_0.");
        }
    }

    /** Q4_0's group: 32 consecutive weights of a row share one scale. */
    public static final int GROUP = 32;

    private final Scheme scheme;
    private final int rows;
    private final int cols;
    private final NDArray codes;   // int8 (rows, cols) or uint8 (rows, cols / 2)
    private final NDArray scales;  // float32 (rows, 1) or (rows, cols / 32, 1)

    private Quantized(Scheme scheme, int rows, int cols, NDArray codes, NDArray scales) {
        this.scheme = scheme;
        this.rows = rows;
        this.cols = cols;
        this.codes = codes;
        this.scales = scales;
    }

    /** Quantizes a (rows, cols) weight into arrays owned by {@code manager}. q4_0 needs cols divisible by 32. */
    public static Quantized of(NDArray weight, Scheme scheme, NDManager manager) {
        Shape s = weight.getShape();
        if (s.dimension() != 2) {
            throw new IllegalArgumentException("Only matrices are quantized; got shape " + s + ".");
        }
        int rows = Math.toIntExact(s.get(0));
        int cols = Math.toIntExact(s.get(1));
        Codes c = quantize(weight.toFloatArray(), rows, cols, scheme);
        NDArray codes = scheme == Scheme.INT8
                ? manager.create(java.nio.ByteBuffer.wrap(c.codes()), new Shape(rows, cols), DataType.INT8)
                : manager.create(java.nio.ByteBuffer.wrap(c.codes()), new Shape(rows, cols / 2), DataType.UINT8);
        NDArray scales = scheme == Scheme.INT8
                ? manager.create(c.scales(), new Shape(rows, 1))
                : manager.create(c.scales(), new Shape(rows, cols / GROUP, 1));
        return new Quantized(scheme, rows, cols, codes, scales);
    }

    /** The codes and scales of a row-major (rows, cols) matrix: the arithmetic, without arrays. */
    public record Codes(byte[] codes, float[] scales) {
    }

    public static Codes quantize(float[] w, int rows, int cols, Scheme scheme) {
        if (scheme == Scheme.Q4_0 && cols % GROUP != 0) {
            throw new IllegalArgumentException("Q4_0 quantizes rows in groups of " + GROUP + "; this matrix has " + cols
                    + " columns. Use int8 for it.");
        }
        if (scheme == Scheme.INT8) {
            byte[] q = new byte[rows * cols];
            float[] scales = new float[rows];
            for (int r = 0; r < rows; r++) {
                float max = 0;
                for (int j = 0; j < cols; j++) {
                    max = Math.max(max, Math.abs(w[r * cols + j]));
                }
                float scale = max / 127f;
                scales[r] = scale;
                float inv = scale == 0 ? 0 : 1 / scale;
                for (int j = 0; j < cols; j++) {
                    q[r * cols + j] = (byte) Math.max(-127, Math.min(127, Math.round(w[r * cols + j] * inv)));
                }
            }
            return new Codes(q, scales);
        }
        byte[] q = new byte[rows * cols / 2];
        float[] scales = new float[rows * cols / GROUP];
        for (int g = 0; g < scales.length; g++) {
            int start = g * GROUP;
            float amax = 0;
            float max = 0;
            for (int j = 0; j < GROUP; j++) { // the weight of largest magnitude, sign kept (ggml's quantize_row_q4_0_ref)
                float v = w[start + j];
                if (Math.abs(v) > amax) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8;
            float id = d == 0 ? 0 : 1 / d;
            scales[g] = d;
            for (int j = 0; j < GROUP; j += 2) {
                int lo = Math.min(15, (int) (w[start + j] * id + 8.5f));
                int hi = Math.min(15, (int) (w[start + j + 1] * id + 8.5f));
                q[(start + j) / 2] = (byte) (lo | hi << 4);
            }
        }
        return new Codes(q, scales);
    }

    /** ŵ from codes and scales, row-major: the reference {@link #dequantize()} must equal. */
    public static float[] dequantize(Codes c, int rows, int cols, Scheme scheme) {
        float[] out = new float[rows * cols];
        for (int i = 0; i < out.length; i++) {
            out[i] = scheme == Scheme.INT8 ? c.codes()[i] * c.scales()[i / cols]
                    : (((c.codes()[i / 2] >> (i % 2 == 0 ? 0 : 4)) & 15) - 8) * c.scales()[i / GROUP];
        }
        return out;
    }

    /**
     * ŵ as a float (rows, cols) array, made now from the codes (the caller closes it, or its manager does). q4_0:
     * a byte b holds lo = b mod 16 and hi = (b − lo)/16; [lo, hi] pairs interleave back to the row order.
     */
    public NDArray dequantize() {
        if (scheme == Scheme.INT8) {
            return codes.toType(DataType.FLOAT32, false).mul(scales);                  // (rows, cols)·(rows, 1)
        }
        NDArray b = codes.toType(DataType.FLOAT32, false);                               // (rows, cols/2)
        NDArray lo = b.mod(16);
        NDArray hi = Scalars.over(b.sub(lo), 16);
        NDArray q = lo.expandDims(2).concat(hi.expandDims(2), 2).reshape(rows, cols / GROUP, GROUP); // (rows, groups, 32)
        return Scalars.plus(q, -8).mul(scales).reshape(rows, cols);                                 // × (rows, groups, 1)
    }

    /**
     * {@link #dequantize()} into {@code into}: the work's temporaries live in a scope closed at once, only ŵ stays
     * (the codes visit the scope and come back to their own manager).
     */
    public NDArray dequantize(NDManager into) {
        try (NDManager scope = into.newSubManager()) {
            codes.tempAttach(scope);
            scales.tempAttach(scope);
            NDArray w = dequantize();
            w.attach(into);
            return w;
        }
    }

    public Scheme scheme() {
        return scheme;
    }

    /** The stored codes (int8, or two 4-bit codes a byte) and scales, as bytes and floats: what a saved model holds. */
    public Codes codes() {
        return new Codes(codes.toByteArray(), scales.toFloatArray());
    }

    /** The shapes of {@link #codes()}: codes (rows, cols) or (rows, cols / 2); scales (rows, 1) or (rows, cols / 32, 1). */
    public long[][] shapes() {
        return new long[][]{codes.getShape().getShape(), scales.getShape().getShape()};
    }

    /** Bytes held: the codes and the scales. */
    public long bytes() {
        return bytes(rows, cols, scheme);
    }

    /** Bytes a (rows, cols) matrix takes in {@code scheme}, before anything is built (for estimates). */
    public static long bytes(long rows, long cols, Scheme scheme) {
        return scheme == Scheme.INT8 ? rows * cols + rows * 4L : rows * cols / 2 + rows * cols / GROUP * 4L;
    }

    @Override
    public void close() {
        codes.close();
        scales.close();
    }
}
