package org.llmplayground.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.micronaut.serde.annotation.Serdeable;
import org.llmplayground.model.MemoryEstimate;
import org.llmplayground.model.MemoryEstimator;
import org.llmplayground.model.ModelConfig;
import org.llmplayground.model.ParameterCounter;
import org.llmplayground.model.Precision;

/**
 * What a config will cost before it runs. Time: a training step costs about 6·N FLOPs per token (2 for the forward
 * pass, 4 for the backward, N = parameters) plus 12·L·d·T for attention over T tokens of context (nanoGPT's
 * estimate_mfu), divided by the FLOP/s this machine reached in the latest run, or, before any run, by half the speed
 * of a measured 512 × 512 matrix product. Memory: {@link MemoryEstimator}'s FP32 training estimate.
 * <p>
 * Example, the default baby GPT: N ≈ 0.81 M, 16 × 128 = 2,048 tokens per step, (6·0.81 M + 12·4·128·128) · 2,048 ≈
 * 11.6 GFLOP per step; at 115 GFLOP/s that is 0.1 s per step, 8.4 minutes for 5,000 steps.
 */
@Serdeable
public record TrainingEstimate(long parameters, long tokensPerStep, double gflopPerStep, double gflopsPerSecond,
                               double secondsPerStep, double totalSeconds, MemoryEstimate memory, String basis,
                               int stepsLostOnCrash) {
    private static volatile Double matmulFlops;

    static TrainingEstimate of(TrainingConfig c, ModelConfig m, Double measuredFlops) {
        return of(c, m, null, measuredFlops);
    }

    /**
     * With {@code measuredStepSeconds} (a real step of this network timed here, see {@link StepTimer}) the time comes
     * from that; otherwise from the FLOPs at the latest run's speed, or at half a matrix product's.
     */
    static TrainingEstimate of(TrainingConfig c, ModelConfig m, Double measuredStepSeconds, Double measuredFlops) {
        TrainingConfig.Training t = c.training();
        long tokens = (long) t.batchSize() * t.blockSize() * t.gradientAccumulation();
        double flops = flopsPerToken(m, t.blockSize()) * tokens;
        String basis;
        double speed;
        if (measuredStepSeconds != null && measuredStepSeconds > 0) {
            speed = flops / measuredStepSeconds;
            basis = String.format("%s per step measured on this machine with this network and batch (median of %d or more "
                    + "timed steps, after a warm-up)", org.llmplayground.core.jobs.Eta.duration(measuredStepSeconds), StepTimer.MIN_STEPS);
        } else if (measuredFlops != null && measuredFlops > 0) {
            speed = measuredFlops;
            basis = String.format("the %.0f GFLOP/s your latest run reached on this machine", speed / 1e9);
        } else {
            speed = matmulSpeed() * 0.5;
            basis = String.format("half the %.0f GFLOP/s of a 512 × 512 matrix product measured here (a training step mixes in "
                    + "slower element-wise work); your first run will give a better figure", speed * 2 / 1e9);
        }
        double perStep = flops / speed;
        // evaluations: 2 × eval_batches forward passes (a third of a step each) every eval_interval steps
        double evalShare = 2.0 * t.evalBatches() / 3 / t.evalInterval();
        double total = perStep * t.maxSteps() * (1 + evalShare);
        MemoryEstimate memory = MemoryEstimator.estimate(m, Precision.FP32, t.batchSize(), t.blockSize());
        // a crash (power cut, kill -9) loses what was trained since the last checkpoint: at most save_interval steps
        int lost = Math.min(t.saveInterval(), t.maxSteps());
        return new TrainingEstimate(ParameterCounter.count(m).total(), tokens, flops / 1e9, speed / 1e9, perStep, total, memory, basis, lost);
    }

    /** 6·N + 12·L·d·T: forward and backward matrix products per token, with attention over T positions. */
    static double flopsPerToken(ModelConfig m, int context) {
        long n = ParameterCounter.count(m).total();
        return 6.0 * n + 12.0 * m.layers() * m.embeddingSize() * context;
    }

    /** FLOP/s of a 512 × 512 × 512 float matrix product on the CPU, measured once per process (best of 5). */
    static double matmulSpeed() {
        Double cached = matmulFlops;
        if (cached != null) {
            return cached;
        }
        double best = Double.MAX_VALUE;
        try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            NDArray a = manager.randomUniform(-1, 1, new Shape(512, 512));
            NDArray b = manager.randomUniform(-1, 1, new Shape(512, 512));
            for (int i = 0; i < 8; i++) {
                long t0 = System.nanoTime();
                try (NDArray c = a.matMul(b)) {
                    c.getFloat(0, 0); // wait for the result
                }
                if (i >= 3) {
                    best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                }
            }
        }
        matmulFlops = 2.0 * 512 * 512 * 512 / best;
        return matmulFlops;
    }
}
