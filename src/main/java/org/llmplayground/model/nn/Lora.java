package org.llmplayground.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Low-rank adapters (LoRA, Hu et al. 2021) on a transformer's linear layers. A frozen weight W (out × in) gets a
 * trainable update ΔW = (α / r) · B · A, with A (r × in) and B (out × r):
 * <pre>
 *   y = x·Wᵀ + b + (α/r) · (dropout(x)·Aᵀ)·Bᵀ         x (…, in) → (…, out)
 * </pre>
 * B starts at zero, so at step 0 the adapted model is exactly the base model; A starts random (PEFT's
 * kaiming-uniform, bound 1/√in), so the first gradient of B is not zero. Worked count: GPT-2 small's fused
 * attention input (in 768, out 2,304) at r = 8 trains 8·768 + 2,304·8 = 24,576 numbers instead of 1,769,472 (1.4 %).
 * <p>
 * Targets are named as the model names its weights: {@code q}, {@code k}, {@code v}, {@code o} (attention),
 * {@code up}, {@code gate}, {@code down} (feed-forward), and {@code qkv}: one adapter on the fused q|k|v output, as
 * PEFT puts one on GPT-2's {@code c_attn} (B then has d + 2·kv rows: the q rows first, then k, then v).
 */
public final class Lora {
    /** Every target a transformer layer offers. */
    public static final List<String> TARGETS = List.of("qkv", "q", "k", "v", "o", "up", "gate", "down");

    /**
     * @param layers the layers to adapt (empty: all)
     */
    public record Spec(int rank, double alpha, double dropout, Set<String> targets, Set<Integer> layers) {
        public double scaling() {
            return alpha / rank;
        }
    }

    /** One adapter: its A and B, and what it adapts (in → out). */
    public record Adapter(String name, Parameter a, Parameter b, long in, long out) {
    }

    /** {in, out} of a target's layer in a model of {@code config}, e.g. qkv of GPT-2 small: {768, 2,304}. */
    public static long[] shape(org.llmplayground.model.ModelConfig config, String target) {
        long d = config.embeddingSize();
        long kv = config.kvSize();
        long h = config.ffnHiddenSize();
        return switch (target) {
            case "qkv" -> new long[]{d, d + 2 * kv};
            case "q", "o" -> new long[]{d, d};
            case "k", "v" -> new long[]{d, kv};
            case "up", "gate" -> new long[]{d, h};
            case "down" -> new long[]{h, d};
            default -> throw new IllegalArgumentException("Unknown LoRA target '" + target + "'.");
        };
    }

    /** Trainable numbers of {@code spec} on a model of {@code config}, before anything is built: Σ r·(in + out). */
    public static long count(org.llmplayground.model.ModelConfig config, Spec spec) {
        long perLayer = 0;
        for (String t : spec.targets()) {
            long[] io = shape(config, t);
            perLayer += (long) spec.rank() * (io[0] + io[1]);
        }
        return perLayer * (spec.layers().isEmpty() ? config.layers() : spec.layers().size());
    }

    private final Spec spec;
    private final Map<String, Adapter> adapters = new LinkedHashMap<>();

    Lora(Spec spec) {
        this.spec = spec;
    }

    public Spec spec() {
        return spec;
    }

    /** Whether the forward pass adds the adapters (off: the base model exactly, e.g. DPO's reference). */
    private volatile boolean enabled = true;

    public boolean enabled() {
        return enabled;
    }

    /**
     * Switches the adapters off (the network computes its base, with no second copy of it in memory) or back on:
     * DPO's reference model is the policy with its adapters off.
     */
    public void enable(boolean on) {
        this.enabled = on;
    }

    /** Adds the adapter for {@code name} (e.g. {@code layers.0.attn.qkv}): A kaiming-uniform from {@code random}, B zero. */
    Adapter add(String name, long in, long out, NDManager manager, Random random) {
        float bound = (float) (1 / Math.sqrt(in)); // kaiming_uniform_(a=√5) on (r, in): bound = √(6 / ((1 + 5)·in)) = 1/√in
        float[] a = new float[(int) (spec.rank() * in)];
        for (int i = 0; i < a.length; i++) {
            a[i] = (random.nextFloat() * 2 - 1) * bound;
        }
        Parameter pa = parameter(name + ".lora_A.weight", manager.create(a, new Shape(spec.rank(), in)));
        Parameter pb = parameter(name + ".lora_B.weight", manager.zeros(new Shape(out, spec.rank())));
        Adapter adapter = new Adapter(name, pa, pb, in, out);
        adapters.put(name, adapter);
        return adapter;
    }

    private static Parameter parameter(String name, NDArray value) {
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
        p.setArray(value);
        value.setRequiresGradient(true);
        return p;
    }

    /** The adapter on {@code name}, or null. */
    Adapter get(String name) {
        return adapters.get(name);
    }

    public Map<String, Adapter> adapters() {
        return adapters;
    }

    /** A and B of every adapter, named {@code <layer weight>.lora_A.weight} / {@code .lora_B.weight}: what trains. */
    public PairList<String, Parameter> parameters() {
        PairList<String, Parameter> out = new PairList<>();
        for (Adapter a : adapters.values()) {
            out.add(a.a().getName(), a.a());
            out.add(a.b().getName(), a.b());
        }
        return out;
    }

    /** Trainable numbers: Σ r·(in + out). */
    public long trainableParameters() {
        return adapters.values().stream().mapToLong(a -> (long) spec.rank() * (a.in() + a.out())).sum();
    }

    /** (α/r) · (dropout(x)·Aᵀ)·Bᵀ, the adapter's addition to the layer's output. x (…, in) → (…, out). */
    NDArray delta(ParameterStore ps, Adapter adapter, NDArray x, boolean training) {
        NDArray a = ps.getValue(adapter.a(), x.getDevice(), training);
        NDArray b = ps.getValue(adapter.b(), x.getDevice(), training);
        NDArray h = Ops.linear(Ops.dropout(x, spec.dropout(), training), a, null);        // (…, r)
        return Scalars.times(Ops.linear(h, b, null), spec.scaling());                      // (…, out)
    }

    /** ΔW = (α/r)·B·A (out × in), the update a merge adds to the frozen weight. */
    NDArray deltaWeight(Adapter adapter) {
        return Scalars.times(adapter.b().getArray().matMul(adapter.a().getArray()), spec.scaling());
    }

    void close() {
        for (Adapter a : adapters.values()) {
            a.a().close();
            a.b().close();
        }
        adapters.clear();
    }
}
