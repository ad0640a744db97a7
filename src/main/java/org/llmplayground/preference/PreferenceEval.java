package org.llmplayground.preference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.llmplayground.generation.Distributions;
import org.llmplayground.model.nn.CausalLm;
import org.llmplayground.model.nn.Lora;
import org.llmplayground.model.nn.NativeArrays;
import org.llmplayground.model.nn.NoGrad;
import org.llmplayground.training.Trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What a preference-tuned model is measured by: how often it gives the chosen answer a higher log-probability than
 * the rejected one (its own preference accuracy, no reference needed), and how far it has moved from its reference,
 * KL(π ‖ π_ref) estimated on answers sampled from π: KL = E_{y~π}[log π(y|x) − log π_ref(y|x)], the mean over sampled
 * answers of the summed per-token log-ratio. E.g. a token drawn with π 0.5 where π_ref gave 0.25 adds log 2 = 0.69.
 */
public final class PreferenceEval {
    private PreferenceEval() {
    }

    /** The share of pairs in {@code batches} (evaluation batches 0..n−1) with log π(chosen) > log π(rejected). */
    public static double logpAccuracy(CausalLm network, ParameterStore ps, NDManager manager, Trainer.Batches batches, int pairsPerBatch,
                                      int n) {
        return NoGrad.run(() -> {
            int right = 0;
            int total = 0;
            for (int i = 0; i < n; i++) {
                int rows = batches.rowsPerBatch(pairsPerBatch);
                int width = batches.width(i, 0);
                long[] x = new long[rows * width];
                long[] y = new long[rows * width];
                batches.fill(i, 0, x, y);
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    float[] logp = logps(network, ps, manager, x, y, batches.padding(), rows, width);
                    for (int p = 0; p < rows / 2; p++) {
                        right += logp[p] > logp[rows / 2 + p] ? 1 : 0;
                        total++;
                    }
                }
            }
            return total == 0 ? 0 : (double) right / total;
        });
    }

    static float[] logps(CausalLm network, ParameterStore ps, NDManager manager, long[] x, long[] y, float[] padding, int rows, int width) {
        float[] mask = new float[y.length];
        long[] safe = new long[y.length];
        for (int i = 0; i < y.length; i++) {
            mask[i] = y[i] >= 0 ? 1 : 0;
            safe[i] = Math.max(0, y[i]);
        }
        NDArray ids = NativeArrays.longs(manager, x, new Shape(rows, width), manager.getDevice());
        NDArray pad = padding == null ? null : NativeArrays.floats(manager, padding, new Shape(rows, width), manager.getDevice());
        return DpoLoss.logps(network.logits(ps, ids, pad, false, null), NativeArrays.longs(manager, safe, new Shape(rows, width, 1), manager.getDevice()),
                NativeArrays.floats(manager, mask, new Shape(rows, width), manager.getDevice())).toFloatArray();
    }

    /**
     * KL(π ‖ π_ref) in nats per answer, estimated from one answer of up to {@code length} tokens sampled from the
     * policy (temperature 1) for each prompt: Σ_t log π(y_t) − log π_ref(y_t), averaged over the prompts. The
     * reference is the network with {@code policy}'s adapters switched off.
     */
    public static double kl(CausalLm network, Lora policy, ParameterStore ps, NDManager manager, List<int[]> prompts, int length, int stop,
                            long seed) {
        return kl(network, Reference.adaptersOff(policy), ps, manager, prompts, length, stop, seed);
    }

    /** As above against any {@link Reference}. */
    public static double kl(CausalLm network, Reference reference, ParameterStore ps, NDManager manager, List<int[]> prompts, int length,
                            int stop, long seed) {
        return NoGrad.run(() -> {
            Random random = new Random(seed);
            double sum = 0;
            for (int[] prompt : prompts) {
                List<Integer> ids = new ArrayList<>();
                for (int id : prompt) {
                    ids.add(id);
                }
                double ratio = 0;
                for (int t = 0; t < length && ids.size() < network.config().contextLength(); t++) {
                    float[] p = lastLogits((m, x) -> network.logits(ps, x, null, false, null), manager, ids);
                    float[] q = lastLogits((m, x) -> reference.logits(network, ps, x, null), manager, ids);
                    double[] pp = Distributions.softmax(p);
                    int next = Distributions.draw(pp, random);
                    ratio += Math.log(pp[next]) - Math.log(Distributions.softmax(q)[next]);
                    if (next == stop) {
                        break;
                    }
                    ids.add(next);
                }
                sum += ratio;
            }
            return prompts.isEmpty() ? 0 : sum / prompts.size();
        });
    }

    private static float[] lastLogits(java.util.function.BiFunction<NDManager, NDArray, NDArray> logits, NDManager manager, List<Integer> ids) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = NativeArrays.longs(manager, ids.stream().mapToLong(Integer::longValue).toArray(), new Shape(1, ids.size()), manager.getDevice());
            return logits.apply(manager, x).get(new ai.djl.ndarray.index.NDIndex("0, -1")).toFloatArray();
        }
    }
}
