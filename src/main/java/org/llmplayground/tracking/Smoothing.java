package org.llmplayground.tracking;

import java.util.ArrayList;
import java.util.List;

/**
 * The curve smoothing experiment trackers use (W&amp;B's "exponential moving average"): s_t = α·s_{t−1} + (1 − α)·x_t,
 * divided by 1 − α^t so the first points are not pulled towards 0. α = 0 leaves the curve as it is; α = 0.9 averages
 * over roughly the last 10 points. Worked example, α = 0.5, x = 4, 2: s_1 = 2 / 0.5 = 4; s_2 = (1 + 1) / 0.75 ≈ 2.667.
 */
public final class Smoothing {
    private Smoothing() {
    }

    /** Smoothed copies of (x, y) points; x is kept. */
    public static List<double[]> ema(List<double[]> points, double alpha) {
        if (alpha < 0 || alpha >= 1) {
            throw new IllegalArgumentException("Smoothing must be in [0, 1), got " + alpha);
        }
        List<double[]> out = new ArrayList<>(points.size());
        double s = 0;
        double weight = 1;
        for (double[] p : points) {
            s = alpha * s + (1 - alpha) * p[1];
            weight *= alpha;
            out.add(new double[]{p[0], s / (1 - weight)});
        }
        return out;
    }
}
