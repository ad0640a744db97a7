package org.llmplayground.preference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.llmplayground.model.nn.CausalLm;
import org.llmplayground.model.nn.NativeArrays;
import org.llmplayground.model.nn.Scalars;
import org.llmplayground.model.nn.Transformer;
import org.llmplayground.training.Trainer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A reward model: a transformer (initialised from a chosen model) whose output head is replaced by one number, the
 * reward r(x, y) = w·h + b read at the last real token of prompt + answer, where h (d) is the last layer's output
 * after the final norm. Trained on preference pairs with the Bradley–Terry loss −log σ(r_chosen − r_rejected − m):
 * the probability that people prefer the chosen answer is modelled as σ of the reward difference. E.g. rewards
 * 1.0 vs 0.2: −log σ(0.8) = 0.371; rewards 0.5 vs 0.9: −log σ(−0.4) = 0.913. As an objective of the training loop,
 * a micro-batch of n pairs is 2n rows (chosen rows, then rejected rows), as for DPO; the network's trainable
 * weights (all, or its LoRA adapters) and the head train together.
 */
public final class RewardModel implements Trainer.Objective {
    private final Parameter weight; // (1, d)
    private final Parameter bias;   // (1)
    private final double margin;
    private final List<double[]> pairs = new ArrayList<>(); // {r_chosen, r_rejected} of this step

    /** A head for hidden size d, w drawn from N(0, 1/(d+1)) as transformers' reward heads are, b = 0. */
    public RewardModel(int d, double margin, NDManager manager, long seed) {
        Random r = new Random(seed);
        float[] w = new float[d];
        double std = 1 / Math.sqrt(d + 1.0);
        for (int i = 0; i < d; i++) {
            w[i] = (float) (r.nextGaussian() * std);
        }
        this.weight = parameter("reward_head.weight", manager.create(w, new Shape(1, d)));
        this.bias = parameter("reward_head.bias", manager.zeros(new Shape(1)));
        this.margin = margin;
    }

    private static Parameter parameter(String name, NDArray value) {
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
        p.setArray(value);
        value.setRequiresGradient(true);
        return p;
    }

    /** The head's weights, to train with the network ({@link org.llmplayground.training.PreparedRun#trainAlso}). */
    public PairList<String, Parameter> parameters() {
        PairList<String, Parameter> out = new PairList<>();
        out.add(weight.getName(), weight);
        out.add(bias.getName(), bias);
        return out;
    }

    /**
     * The reward of each row, (R): the head applied at the row's last real token ({@code lengths}[i] − 1; padding
     * after it is never read).
     */
    public NDArray rewards(CausalLm network, ParameterStore ps, NDArray ids, NDArray padding, int[] lengths, boolean training) {
        if (!(network instanceof Transformer transformer)) {
            throw new IllegalArgumentException("A reward model reads a transformer's hidden states.");
        }
        NDArray h = transformer.hiddenStates(ps, ids, padding, training);                   // (R, T, d)
        long rows = h.getShape().get(0);
        long width = h.getShape().get(1);
        long d = h.getShape().get(2);
        long[] at = new long[(int) rows];
        for (int i = 0; i < rows; i++) {
            at[i] = i * width + Math.max(0, lengths[i] - 1);                                 // flat index of the last token
        }
        NDArray last = h.reshape(rows * width, d).get(new NDIndex("{}", NativeArrays.longs(h.getManager(), at, new Shape(rows), h.getDevice())));
        return last.matMul(weight.getArray().transpose()).reshape(rows).add(bias.getArray()); // (R)
    }

    /**
     * The rewards of whole texts (token ids of prompt + answer, each at most the context long), in batches of 16 rows
     * padded on the right: scoring on demand, ranking pairs, finding the pairs the model gets wrong.
     */
    public float[] score(CausalLm network, ParameterStore ps, NDManager manager, List<int[]> texts) {
        float[] out = new float[texts.size()];
        org.llmplayground.model.nn.NoGrad.run(() -> {
            for (int from = 0; from < texts.size(); from += 16) {
                List<int[]> rows = texts.subList(from, Math.min(texts.size(), from + 16));
                int width = rows.stream().mapToInt(r -> r.length).max().orElse(1);
                long[] ids = new long[rows.size() * width];
                float[] pad = new float[rows.size() * width];
                int[] lengths = new int[rows.size()];
                for (int r = 0; r < rows.size(); r++) {
                    int[] row = rows.get(r);
                    for (int t = 0; t < row.length; t++) {
                        ids[r * width + t] = row[t];
                        pad[r * width + t] = 1;
                    }
                    lengths[r] = row.length;
                }
                try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray x = NativeArrays.longs(manager, ids, new Shape(rows.size(), width), manager.getDevice());
                    NDArray padding = NativeArrays.floats(manager, pad, new Shape(rows.size(), width), manager.getDevice());
                    float[] r = rewards(network, ps, x, padding, lengths, false).toFloatArray();
                    System.arraycopy(r, 0, out, from, r.length);
                }
            }
        });
        return out;
    }

    /** Sets the head from saved weights (a reward run's checkpoint). */
    public void load(float[] w, float b) {
        weight.getArray().set(w);
        bias.getArray().set(new float[]{b});
    }

    /** −log σ(r_c − r_r − m), averaged over the pairs: softplus(−(r_c − r_r − m)). */
    static NDArray bradleyTerry(NDArray chosen, NDArray rejected, double margin) {
        return Activation.softPlus(Scalars.plus(chosen.sub(rejected), -margin).neg()).mean();
    }

    @Override
    public NDArray loss(CausalLm network, ParameterStore ps, NDArray x, long[] y, NDArray padding, NDManager manager, boolean training) {
        long rows = x.getShape().get(0);
        int n = DpoLoss.pairsOf(x);
        int width = (int) x.getShape().get(1);
        int[] lengths = new int[(int) rows];
        float[] pad = padding == null ? null : padding.toFloatArray();
        for (int r = 0; r < rows; r++) {
            int len = width;
            if (pad != null) {
                len = 0;
                for (int t = 0; t < width; t++) {
                    len += pad[r * width + t] > 0 ? 1 : 0;
                }
            }
            lengths[r] = len;
        }
        NDArray rewards = rewards(network, ps, x, padding, lengths, training);
        float[] v = rewards.toFloatArray();
        for (int i = 0; i < n; i++) {
            pairs.add(new double[]{v[i], v[n + i]});
        }
        return bradleyTerry(rewards.get("0:" + n), rewards.get(n + ":"), margin);
    }

    /** accuracy (share of pairs with r_chosen > r_rejected) and margin (mean r_chosen − r_rejected) over the step's pairs. */
    @Override
    public Map<String, Double> takeMetrics() {
        Map<String, Double> out = new LinkedHashMap<>();
        if (pairs.isEmpty()) {
            return out;
        }
        double right = 0;
        double gap = 0;
        for (double[] p : pairs) {
            right += p[0] > p[1] ? 1 : 0;
            gap += p[0] - p[1];
        }
        out.put("accuracy", right / pairs.size());
        out.put("margin", gap / pairs.size());
        pairs.clear();
        return out;
    }

    @Override
    public double accuracy(Map<String, Double> metrics) {
        return metrics.getOrDefault("accuracy", 0.0);
    }
}
