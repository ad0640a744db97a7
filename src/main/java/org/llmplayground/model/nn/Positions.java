package org.llmplayground.model.nn;

/**
 * Position encodings as plain arrays (computed in double, then stored as float), so they can be checked against the
 * formulas directly.
 */
public final class Positions {
    private Positions() {
    }

    /**
     * The original Transformer's table, (T, d) row-major: PE[pos][2i] = sin(pos / 10000^(2i/d)) and
     * PE[pos][2i+1] = cos(pos / 10000^(2i/d)). Each pair of dimensions is a wave of its own wavelength, from 2π to
     * 10000·2π, so nearby positions have similar vectors and any offset is a fixed rotation.
     */
    public static float[] sinusoidal(int positions, int d) {
        float[] pe = new float[positions * d];
        for (int pos = 0; pos < positions; pos++) {
            for (int i = 0; i < d / 2; i++) {
                double angle = pos / Math.pow(10_000, 2.0 * i / d);
                pe[pos * d + 2 * i] = (float) Math.sin(angle);
                pe[pos * d + 2 * i + 1] = (float) Math.cos(angle);
            }
        }
        return pe;
    }

    /**
     * RoPE angles for the "rotate half" layout (as in Hugging Face Llama): for position p and dimension j of a head
     * of size hs, angle = p · θ^(−2(j mod hs/2)/hs). Returns {cos, sin}, each (T, hs) row-major. A query at p and a
     * key at q rotated this way have a dot product that depends only on p − q.
     */
    public static float[][] rope(int positions, int headSize, double theta) {
        int half = headSize / 2;
        float[] cos = new float[positions * headSize];
        float[] sin = new float[positions * headSize];
        for (int p = 0; p < positions; p++) {
            for (int j = 0; j < headSize; j++) {
                double invFreq = Math.pow(theta, -2.0 * (j % half) / headSize);
                double angle = p * invFreq;
                cos[p * headSize + j] = (float) Math.cos(angle);
                sin[p * headSize + j] = (float) Math.sin(angle);
            }
        }
        return new float[][]{cos, sin};
    }
}
