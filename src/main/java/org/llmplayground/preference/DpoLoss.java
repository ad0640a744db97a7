package org.llmplayground.preference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import org.llmplayground.model.nn.CausalLm;
import org.llmplayground.model.nn.Lora;
import org.llmplayground.model.nn.NativeArrays;
import org.llmplayground.model.nn.NoGrad;
import org.llmplayground.model.nn.Scalars;
import org.llmplayground.training.Trainer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Direct Preference Optimization's loss on a micro-batch of preference pairs, as TRL's DPOTrainer computes it. A
 * micro-batch of n pairs is 2n rows: the n prompt + chosen answers, then the n prompt + rejected answers; targets
 * are −1 except on answer tokens. For each row, log π(answer | prompt) = Σ over answer tokens of log softmax(logits)
 * [next token]; the policy's with gradients, the reference's ({@link Reference}: by default the same network with its
 * LoRA adapters switched off, no second copy in memory) without. With z = (log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l)):
 * <ul>
 *   <li>sigmoid (the DPO paper): −log σ(β·z)</li>
 *   <li>hinge (SLiC): max(0, 1 − β·z)</li>
 *   <li>ipo: (z − 1/(2β))², with the log-probabilities averaged over each answer's tokens, as TRL does for IPO</li>
 * </ul>
 * averaged over the pairs. β·(log π − log π_ref) is the implicit reward of an answer: TRL's rewards/chosen and
 * rewards/rejected. Worked example, β = 0.1: policy −10 vs reference −12 on the chosen answer (reward +0.2), −9 vs −8
 * on the rejected one (reward −0.1): z = 2 − (−1) = 3, loss = −log σ(0.3) = 0.554, below log 2 = 0.693 (z = 0).
 */
public final class DpoLoss implements Trainer.Objective {
    /** The loss variants TRL calls loss_type. */
    public enum Type {
        SIGMOID, HINGE, IPO;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Type parse(String s) {
            for (Type t : values()) {
                if (t.id().equals(s)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("dpo.loss must be sigmoid, hinge or ipo (got '" + s + "').");
        }
    }

    private final Type type;
    private final double beta;
    private final Reference reference;
    private final double rpoAlpha;
    private final List<double[]> pairs = new ArrayList<>(); // {π(y_w), π(y_l), π_ref(y_w), π_ref(y_l)} of this step

    /**
     * @param policy the adapters that make the policy; switched off, the network is the reference
     */
    public DpoLoss(Type type, double beta, Lora policy) {
        this(type, beta, policy, 0);
    }

    /**
     * @param rpoAlpha weight of the NLL of the chosen answers added to the loss (TRL's rpo_alpha): −Σ log π(chosen
     *                 tokens) / their count. 0: plain DPO
     */
    public DpoLoss(Type type, double beta, Lora policy, double rpoAlpha) {
        this(type, beta, Reference.adaptersOff(policy), rpoAlpha);
    }

    /** With another reference (e.g. a frozen copy of the starting network). */
    public DpoLoss(Type type, double beta, Reference reference, double rpoAlpha) {
        if (!(beta > 0) || !Double.isFinite(beta)) {
            throw new IllegalArgumentException("dpo.beta must be above 0 (got " + beta + "): it scales the implicit reward; 0.1 is usual.");
        }
        this.type = type;
        this.beta = beta;
        this.reference = reference;
        this.rpoAlpha = rpoAlpha;
    }

    @Override
    public NDArray loss(CausalLm network, ParameterStore ps, NDArray x, long[] y, NDArray padding, NDManager manager, boolean training) {
        long rows = x.getShape().get(0);
        int n = pairsOf(x);
        long cols = x.getShape().get(1);
        float[] mask = new float[y.length];
        long[] safe = new long[y.length];
        float[] count = new float[(int) rows];
        for (int i = 0; i < y.length; i++) {
            mask[i] = y[i] >= 0 ? 1 : 0;
            safe[i] = Math.max(0, y[i]);                 // gather needs a valid id; the mask zeroes it
            count[(int) (i / cols)] += mask[i];
        }
        NDArray targets = NativeArrays.longs(manager, safe, new Shape(rows, cols, 1), manager.getDevice());
        NDArray weights = NativeArrays.floats(manager, mask, new Shape(rows, cols), manager.getDevice());
        NDArray logp = logps(network.logits(ps, x, padding, training, null), targets, weights);   // (2n), with gradients
        NDArray ref = NoGrad.run(() -> logps(reference.logits(network, ps, x, padding), targets, weights)); // (2n)
        float[] p = logp.toFloatArray();
        float[] r = ref.toFloatArray();
        for (int i = 0; i < n; i++) {
            pairs.add(new double[]{p[i], p[n + i], r[i], r[n + i]});
        }
        NDArray chosenLogp = logp.get("0:" + n);                                               // summed per answer, for RPO
        if (type == Type.IPO) { // IPO compares mean log-probabilities per answer token
            NDArray tokens = NativeArrays.floats(manager, count, new Shape(rows), manager.getDevice());
            logp = logp.div(tokens);
            ref = ref.div(tokens);
        }
        NDArray ratio = logp.sub(ref);                                                            // (2n)
        NDArray z = ratio.get("0:" + n).sub(ratio.get(n + ":"));                                 // (n)
        NDArray losses = switch (type) {
            case SIGMOID -> Activation.softPlus(Scalars.times(z, -beta));                         // −log σ(βz) = softplus(−βz)
            case HINGE -> Activation.relu(Scalars.plus(Scalars.times(z, -beta), 1));              // max(0, 1 − βz)
            case IPO -> {
                NDArray d = Scalars.plus(z, -1 / (2 * beta));
                yield d.mul(d);                                                                     // (z − 1/(2β))²
            }
        };
        NDArray loss = losses.mean();
        if (rpoAlpha > 0) { // RPO: + α · NLL of the chosen answers, per token
            float tokens = 0;
            for (int i = 0; i < n; i++) {
                tokens += count[i];
            }
            NDArray nll = Scalars.times(chosenLogp.sum(), -1.0 / Math.max(1, tokens));
            loss = loss.add(Scalars.times(nll, rpoAlpha));
        }
        return loss;
    }

    /** The pairs of a preference batch x (2n, T): its chosen rows, then its rejected rows. */
    static int pairsOf(NDArray x) {
        long rows = x.getShape().get(0);
        if (rows % 2 != 0) {
            throw new IllegalArgumentException("A preference batch has a chosen and a rejected row per pair; got " + rows + " rows.");
        }
        return (int) (rows / 2);
    }

    /** Σ over answer tokens of log softmax(logits)[target]: logits (R, T, V), targets (R, T, 1), weights (R, T) → (R). */
    static NDArray logps(NDArray logits, NDArray targets, NDArray weights) {
        NDArray tokenLogps = logits.logSoftmax(-1).gather(targets, 2).squeeze(2);               // (R, T)
        return tokenLogps.mul(weights).sum(new int[]{1});
    }

    /**
     * TRL's step metrics over the pairs of the step: rewards/chosen and rewards/rejected (mean β·(log π − log π_ref)),
     * rewards/margins (their mean difference), rewards/accuracies (share of pairs whose chosen reward is higher),
     * logps/chosen and logps/rejected (the policy's mean log-probabilities).
     */
    @Override
    public Map<String, Double> takeMetrics() {
        Map<String, Double> out = new LinkedHashMap<>();
        if (pairs.isEmpty()) {
            return out;
        }
        double chosen = 0;
        double rejected = 0;
        double right = 0;
        double logpChosen = 0;
        double logpRejected = 0;
        for (double[] q : pairs) {
            double rc = beta * (q[0] - q[2]);
            double rr = beta * (q[1] - q[3]);
            chosen += rc;
            rejected += rr;
            right += rc > rr ? 1 : 0;
            logpChosen += q[0];
            logpRejected += q[1];
        }
        int n = pairs.size();
        out.put("rewards/chosen", chosen / n);
        out.put("rewards/rejected", rejected / n);
        out.put("rewards/margins", (chosen - rejected) / n);
        out.put("rewards/accuracies", right / n);
        out.put("logps/chosen", logpChosen / n);
        out.put("logps/rejected", logpRejected / n);
        pairs.clear();
        return out;
    }

    /** An evaluation's accuracy: the share of held-out pairs whose chosen answer the policy rewards more. */
    @Override
    public double accuracy(Map<String, Double> metrics) {
        return metrics.getOrDefault("rewards/accuracies", 0.0);
    }

    public Type type() {
        return type;
    }

    public double beta() {
        return beta;
    }

}
