package org.llmplayground.training;

/**
 * The learning rate at each optimizer step (1-based), a pure function of the step:
 * <pre>
 *   warm-up   (step ≤ W):  lr = peak · step / W                       (start gently: Adam's moments are still noisy)
 *   cosine:                lr = min + ½(peak − min)(1 + cos(π·p))      p = (step − W) / (S − W), 0 → 1
 *   linear:                lr = peak − (peak − min)·p
 *   constant:              lr = peak
 * </pre>
 * Example, peak 1e-3, min 1e-4, W = 100, S = 5000, cosine: step 50 → 5e-4; step 100 → 1e-3; step 2550 → 5.5e-4;
 * step 5000 → 1e-4.
 */
public record LrSchedule(String kind, double peak, double min, int warmup, int total) {

    public double at(int step) {
        if (warmup > 0 && step <= warmup) {
            return peak * step / warmup;
        }
        double p = total <= warmup ? 1 : Math.min(1, (double) (step - warmup) / (total - warmup));
        return switch (kind) {
            case "cosine" -> min + 0.5 * (peak - min) * (1 + Math.cos(Math.PI * p));
            case "linear" -> peak - (peak - min) * p;
            default -> peak;
        };
    }
}
