package org.llmplayground.generation;

import java.util.Random;

/** Softmax, log-softmax, top-N and drawing a token: the small numeric helpers decoding needs, in double precision. */
public final class Distributions {
    private Distributions() {
    }

    /** p_i = exp(l_i − max) / Σ exp(l_j − max); subtracting the max keeps exp from overflowing. −∞ gives 0. */
    public static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = logits[i] == Float.NEGATIVE_INFINITY ? 0 : Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** log p_i = l_i − max − log Σ exp(l_j − max). */
    public static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += l == Float.NEGATIVE_INFINITY ? 0 : Math.exp(l - max);
        }
        double log = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] == Float.NEGATIVE_INFINITY ? Double.NEGATIVE_INFINITY : logits[i] - log;
        }
        return out;
    }

    /** The ids of the n highest values, highest first; ties go to the lower id. */
    public static int[] topIndices(float[] values, int n) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i];
        }
        return topIndices(d, n);
    }

    public static int[] topIndices(double[] values, int n) {
        int k = Math.min(n, values.length);
        // a partial selection: keep a sorted list of the best k seen so far (k is small: ≤ 100 for the UI)
        int[] best = new int[k];
        int size = 0;
        for (int i = 0; i < values.length; i++) {
            if (size == k && !(values[i] > values[best[k - 1]])) {
                continue;
            }
            int pos = size < k ? size++ : k - 1;
            while (pos > 0 && values[i] > values[best[pos - 1]]) {
                best[pos] = best[pos - 1];
                pos--;
            }
            best[pos] = i;
        }
        return best;
    }

    /** The index of the largest value (the lowest such index on ties). */
    public static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Draws an index with probability p_i: one uniform number u, the first i where p_0 + … + p_i &gt; u. */
    public static int draw(double[] p, Random random) {
        double u = random.nextDouble();
        double total = 0;
        int last = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                total += p[i];
                last = i;
                if (u < total) {
                    return i;
                }
            }
        }
        return last; // rounding left u just above the total
    }
}
