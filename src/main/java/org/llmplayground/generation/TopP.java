package org.llmplayground.generation;

import java.util.Arrays;

/**
 * Nucleus sampling (Holtzman et al. 2019): sort tokens by probability, keep the smallest prefix whose total reaches p,
 * drop the tail. Probabilities [0.5, 0.3, 0.15, 0.05] with p = 0.75 keep the first two (0.5 &lt; 0.75 ≤ 0.8), which
 * then carry 0.625 and 0.375. The most likely token always stays.
 * <p>
 * Without sorting the vocabulary: a token's place in the sorted order only matters near the cut. Each token goes to a
 * bucket by how far its logit is below the largest, in steps of 1/16 (bucket b: max − l ∈ [b/16, (b+1)/16), one last
 * bucket for everything 40 or more below); the buckets' probability masses, added from the top, show which bucket the
 * cut falls in; only that bucket is sorted. Every bucket above is kept, every one below dropped. For GPT-2's 50,257
 * tokens that is two passes and a sort of a few hundred entries instead of a sort of 50,257 (ties are broken by the
 * lower id first, as a stable sort by descending logit would).
 */
public final class TopP implements LogitsProcessor {
    private static final int STEPS_PER_NAT = 16;
    private static final int NATS = 40;
    private static final int BUCKETS = STEPS_PER_NAT * NATS + 1;
    private final double p;

    public TopP(double p) {
        this.p = p;
    }

    @Override
    public String name() {
        return "top-p " + p;
    }

    @Override
    public void process(float[] logits, int[] context, int promptLength) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        if (max == Float.NEGATIVE_INFINITY) {
            return;
        }
        // e_i = exp(l_i − max): probabilities times Σ e, so the cut "total ≥ p" is "Σ e of the kept ≥ p · Σ e"
        double[] e = new double[logits.length];
        int[] bucketOf = new int[logits.length];
        double[] mass = new double[BUCKETS];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] == Float.NEGATIVE_INFINITY) {
                bucketOf[i] = -1;
                continue;
            }
            double below = (double) max - logits[i];
            int b = below >= NATS ? BUCKETS - 1 : (int) (below * STEPS_PER_NAT);
            e[i] = Math.exp(-below);
            bucketOf[i] = b;
            mass[b] += e[i];
            sum += e[i];
        }
        double target = (p - 1e-12) * sum;
        double kept = 0;
        int cut = 0;
        while (cut < BUCKETS - 1 && kept + mass[cut] < target) {
            kept += mass[cut++];
        }
        // the bucket the cut falls in: its tokens by descending logit (lower id first on ties), kept until the total is reached
        int n = 0;
        for (int b : bucketOf) {
            n += b == cut ? 1 : 0;
        }
        long[] order = new long[n];
        n = 0;
        for (int i = 0; i < logits.length; i++) {
            if (bucketOf[i] == cut) {
                order[n++] = ((long) descending(logits[i]) << 32) | i;
            }
        }
        Arrays.sort(order);
        int k = 0;
        while (k < order.length && (kept += e[(int) order[k]]) < target) {
            k++;
        }
        for (int rest = k + 1; rest < order.length; rest++) { // the cut bucket's tokens after the total is reached
            logits[(int) order[rest]] = Float.NEGATIVE_INFINITY;
        }
        for (int i = 0; i < logits.length; i++) {
            if (bucketOf[i] > cut) {
                logits[i] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /** An int whose ascending order is the float's descending order (the IEEE bits made sortable, then negated). */
    private static int descending(float f) {
        int bits = Float.floatToIntBits(f);
        int ascending = bits ^ ((bits >> 31) & 0x7fffffff);
        return ~ascending;
    }
}
