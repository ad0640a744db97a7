package org.llmplayground.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW (Loshchilov &amp; Hutter) with its state in our hands, so checkpoints can save and restore it exactly.
 * For each parameter w with gradient g, at step t:
 * <pre>
 *   w ← w − lr·λ·w                                  decoupled weight decay (only on matrices, see below)
 *   m ← β1·m + (1 − β1)·g                           running mean of gradients
 *   v ← β2·v + (1 − β2)·g²                          running mean of squared gradients
 *   w ← w − lr · m̂ / (√v̂ + ε)                      m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ): bias-corrected, about lr per coordinate
 * </pre>
 * The update itself is libtorch's fused kernel (through DJL), which also zeroes g afterwards. Weight decay pulls
 * weights towards 0; it is applied to the projection matrices only, not to biases, norm gains or embeddings
 * (nanoGPT's parameter groups, minus the embedding).
 */
public final class AdamW {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final List<Slot> slots = new ArrayList<>();
    private int step;

    /** One parameter with its moments and whether it decays. */
    private record Slot(String name, Parameter parameter, NDArray mean, NDArray variance, boolean decay) {
    }

    public AdamW(PairList<String, Parameter> parameters, NDManager manager, double beta1, double beta2, double eps, double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        for (Pair<String, Parameter> p : parameters) {
            NDArray w = p.getValue().getArray();
            slots.add(new Slot(p.getKey(), p.getValue(), manager.zeros(w.getShape(), w.getDataType(), w.getDevice()),
                    manager.zeros(w.getShape(), w.getDataType(), w.getDevice()), decays(p.getKey())));
        }
    }

    /** Matrices of the attention and feed-forward projections and an untied head decay; everything else does not. */
    static boolean decays(String name) {
        return name.endsWith(".weight") && (name.contains(".attn.") || name.contains(".ffn.") || name.startsWith("head."));
    }

    public int step() {
        return step;
    }

    /** Applies one update with learning rate {@code lr} to every parameter that has a gradient. */
    public void update(double lr) {
        step++;
        double root2 = Math.sqrt(1 - Math.pow(beta2, step));
        double correction = lr * root2 / (1 - Math.pow(beta1, step));
        // the kernel divides by (√v + ε'); with ε' = ε·√(1 − β2ᵗ) this is exactly PyTorch's AdamW, m̂ / (√v̂ + ε)
        float epsilon = (float) (eps * root2);
        for (Slot s : slots) {
            NDArray w = s.parameter().getArray();
            NDArray g = w.getGradient();
            w.getNDArrayInternal().adamUpdate(new NDList(w, g, s.mean(), s.variance()), new NDList(w), (float) lr,
                    (float) correction, s.decay() ? (float) weightDecay : 0f, 1f, -1f, (float) beta1, (float) beta2, epsilon,
                    false, true);
            g.close();
        }
    }

    /** The moments as float arrays ("m.name", "v.name"), for checkpoints. */
    public Map<String, float[]> state() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Slot s : slots) {
            out.put("m." + s.name(), s.mean().toFloatArray());
            out.put("v." + s.name(), s.variance().toFloatArray());
        }
        return out;
    }

    /** Restores moments and step count saved by {@link #state()}; a missing entry is an error naming it. */
    public void restore(Map<String, float[]> state, int savedStep) {
        for (Slot s : slots) {
            float[] m = state.get("m." + s.name());
            float[] v = state.get("v." + s.name());
            if (m == null || v == null) {
                throw new IllegalArgumentException("The optimizer state has no moments for '" + s.name() + "'");
            }
            s.mean().set(m);
            s.variance().set(v);
        }
        step = savedStep;
    }

    public List<String> decayed() {
        return slots.stream().filter(Slot::decay).map(Slot::name).toList();
    }
}
