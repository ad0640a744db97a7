package org.llmplayground.model;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decides whether a model fits before anything is allocated: its FP32 weights plus one forward pass must fit in the
 * memory the OS reports available (MemAvailable), capped by {@code playground.model.max-bytes} when set. Refusals
 * say both numbers.
 */
@Singleton
public class MemoryBudget {
    private final long cap;

    public MemoryBudget(@Value("${playground.model.max-bytes:0}") long cap) {
        this.cap = cap;
    }

    /** Bytes the OS reports available now, capped by the configured limit. */
    public long available() {
        long os = osAvailable();
        return cap > 0 ? Math.min(cap, os) : os;
    }

    /** Throws a 413 {@link BadInputException} when {@code config} does not fit. */
    public void check(ModelConfig config, String what) {
        MemoryEstimate e = MemoryEstimator.estimate(config, Precision.FP32, 1, Math.min(config.contextLength(), 128));
        long available = available();
        if (e.inference() > available) {
            throw BadInputException.tooLarge(String.format("%s needs about %s (FP32 weights %s plus a forward pass); "
                            + "only %s is available for models here. Pick a smaller configuration.", what,
                    MemoryEstimator.human(e.inference()), MemoryEstimator.human(e.weights()), MemoryEstimator.human(available)));
        }
    }

    /** Throws a 413 {@link BadInputException} when training {@code config} (FP32, AdamW) does not fit. */
    public MemoryEstimate checkTraining(ModelConfig config, int batch, int sequence, String what) {
        MemoryEstimate e = MemoryEstimator.estimate(config, Precision.FP32, batch, sequence);
        long available = available();
        if (e.training() > available) {
            throw BadInputException.tooLarge(String.format("Training %s needs about %s (weights %s, gradients %s, AdamW %s, "
                            + "activations %s at batch %d × %d tokens); only %s is available. Lower batch_size or block_size, "
                            + "or pick a smaller model.", what, MemoryEstimator.human(e.training()), MemoryEstimator.human(e.weights()),
                    MemoryEstimator.human(e.gradients()), MemoryEstimator.human(e.optimizerState()),
                    MemoryEstimator.human(e.activations()), batch, sequence, MemoryEstimator.human(available)));
        }
        return e;
    }

    static long osAvailable() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: fall back to the JVM's view below
        }
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os.getFreeMemorySize();
    }
}
