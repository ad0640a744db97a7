package org.llmplayground.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import org.llmplayground.model.FeedForwardActivation;
import org.llmplayground.model.ModelConfig;
import org.llmplayground.model.NormPlacement;
import org.llmplayground.model.NormType;
import org.llmplayground.model.PositionEncoding;

import java.util.ArrayList;
import java.util.List;

/**
 * A decoder-only transformer, configured by {@link ModelConfig}. Token ids (B, T) in, next-token logits (B, T, V) out:
 * <pre>
 *   x = tok_emb[ids] (· √d)  (+ pos_emb[0:T] or sinusoids)          (B, T, d)
 *   for each layer:                       pre-norm                      post-norm
 *       x = x + attn(norm1(x))                                or   x = norm1(x + attn(x))
 *       x = x + ffn(norm2(x))                                 or   x = norm2(x + ffn(x))
 *   x = final_norm(x)                     (pre-norm only)
 *   logits = x · Wᵀ, W = tok_emb (tied) or head                      (B, T, V)
 * </pre>
 * One DJL block holds every parameter under a plain name ({@code tok_emb.weight}, {@code layers.0.attn.q.weight},
 * {@code layers.0.ffn.down.weight}, {@code final_norm.weight}), so importers and the parameter calculator can name
 * them. Inputs: {@code NDList(ids)} or {@code NDList(ids, padding)} with padding (B, T) = 1 for real tokens.
 */
public final class Transformer extends AbstractBlock implements CausalLm {
    private final ModelConfig config;
    private final Parameter tokEmb;
    private final Parameter posEmb;
    private final List<Layer> layers = new ArrayList<>();
    private final Parameter finalNormWeight;
    private final Parameter finalNormBias;
    private final Parameter head;
    /** Per layer, the fused QKV weight and bias used by {@link #decode}; made on first use and kept with the weights. */
    private final java.util.Map<Integer, NDArray[]> decodeQkv = new java.util.concurrent.ConcurrentHashMap<>();
    /** Low-rank adapters on some linear layers while fine-tuning (null: none); the base weights are then frozen. */
    private Lora lora;
    /** Base weights held quantized (QLoRA), by parameter name; their float arrays are released. Empty: none. */
    private final java.util.Map<String, Quantized> quantized = new java.util.HashMap<>();

    public Transformer(ModelConfig config) {
        this.config = config.validate();
        long v = config.vocabSize();
        long d = config.embeddingSize();
        Initializer normal = new NormalInitializer(0.02f);
        // GPT-2: the projections that write into the residual stream are scaled by 1/√(2L), one add per sub-block
        Initializer residual = new NormalInitializer((float) (0.02 / Math.sqrt(2.0 * config.layers())));
        tokEmb = param("tok_emb.weight", Parameter.Type.WEIGHT, normal, v, d);
        posEmb = config.positionEncoding() == PositionEncoding.LEARNED
                ? param("pos_emb.weight", Parameter.Type.WEIGHT, normal, config.contextLength(), d) : null;
        for (int i = 0; i < config.layers(); i++) {
            layers.add(new Layer(i, normal, residual));
        }
        boolean preNorm = config.normPlacement() == NormPlacement.PRE;
        finalNormWeight = preNorm ? param("final_norm.weight", Parameter.Type.GAMMA, Initializer.ONES, d) : null;
        finalNormBias = preNorm && hasNormBias() ? param("final_norm.bias", Parameter.Type.BETA, Initializer.ZEROS, d) : null;
        head = config.tiedEmbeddings() ? null : param("head.weight", Parameter.Type.WEIGHT, normal, v, d);
    }

    private boolean hasNormBias() {
        return config.norm() == NormType.LAYER_NORM && config.bias();
    }

    private Parameter param(String name, Parameter.Type type, Initializer init, long... shape) {
        return addParameter(Parameter.builder().setName(name).setType(type).optShape(new Shape(shape))
                .optInitializer(init).build());
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(logits(ps, inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, training, null));
    }

    @Override
    public NDArray logits(ParameterStore ps, NDArray ids, NDArray padding, boolean training, Probe probe) {
        long t = ids.getShape().get(1);
        if (t > config.contextLength()) {
            throw new IllegalArgumentException("The input has " + t + " tokens; this model reads at most "
                    + config.contextLength() + " (its context length).");
        }
        NDArray x = hidden(ps, ids, padding, training, probe, null);
        return Ops.linear(x, headWeight(ps, ids, training), null);                    // (B, T, V)
    }

    @Override
    public NDArray lastLogits(ParameterStore ps, NDArray ids, int last) {
        long t = ids.getShape().get(1);
        if (t > config.contextLength()) {
            throw new IllegalArgumentException("The input has " + t + " tokens; this model reads at most "
                    + config.contextLength() + " (its context length).");
        }
        NDArray x = hidden(ps, ids, null, false, null, null).get(new ai.djl.ndarray.index.NDIndex(":, " + (t - last) + ":")); // (B, last, d)
        return Ops.linear(x, headWeight(ps, ids, false), null);                                                            // (B, last, V)
    }

    /**
     * The last layer's output after the final norm, (B, T, d): what the output head reads, and what a reward model's
     * scalar head reads at each row's last token.
     */
    public NDArray hiddenStates(ParameterStore ps, NDArray ids, NDArray padding, boolean training) {
        return hidden(ps, ids, padding, training, null, null);
    }

    /**
     * Incremental decoding with a {@link KvCache}: the n new tokens of each row (ids row-major, B × n) are placed
     * after the cached positions; only they go through the layers, attending to the cached keys and values. Returns
     * the logits after each row's last token, (B × V) row-major, and the cache grows by n. The first call (empty
     * cache) is the "prefill" of the prompt; then n = 1 per generated token.
     */
    @Override
    public float[] decode(ParameterStore ps, int[] ids, int newTokens, KvCache cache) {
        return NoGrad.run(() -> decodeStep(ps, ids, newTokens, cache));
    }

    @Override
    public NDArray decodeLogits(ParameterStore ps, int[] ids, int newTokens, KvCache cache, int[] keep) {
        checkDecode(ids, newTokens, cache);
        NDArray x = NativeArrays.longs(cache.manager(), java.util.Arrays.stream(ids).asLongStream().toArray(),
                new Shape(cache.batch(), newTokens), cache.manager().getDevice());
        NDArray h = hidden(ps, x, null, false, null, cache);                                   // (B, n, d)
        if (keep != null) {                                                                   // (K, d): the wanted positions only
            NDArray index = NativeArrays.longs(cache.manager(), java.util.Arrays.stream(keep).asLongStream().toArray(),
                    new Shape(keep.length), cache.manager().getDevice());
            h = h.reshape(-1, h.getShape().get(2)).get(new NDIndex("{}", index));
        }
        NDArray out = Ops.linear(h, headWeight(ps, x, false), null);                             // (B, n, V) or (K, V)
        cache.advance(newTokens);
        return out;
    }

    private void checkDecode(int[] ids, int newTokens, KvCache cache) {
        int b = cache.batch();
        if (ids.length != b * newTokens) {
            throw new IllegalArgumentException("decode: " + ids.length + " ids for " + b + " rows of " + newTokens);
        }
        if (cache.length() + newTokens > config.contextLength()) {
            throw new IllegalArgumentException("The cache holds " + cache.length() + " tokens; " + newTokens + " more exceed "
                    + "this model's context of " + config.contextLength() + ".");
        }
    }

    private float[] decodeStep(ParameterStore ps, int[] ids, int newTokens, KvCache cache) {
        int b = cache.batch();
        checkDecode(ids, newTokens, cache);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = NativeArrays.longs(cache.manager(), java.util.Arrays.stream(ids).asLongStream().toArray(),
                    new Shape(b, newTokens), cache.manager().getDevice());
            NDArray h = hidden(ps, x, null, false, null, cache);                        // (B, n, d)
            if (newTokens > 1) {
                h = h.get(new NDIndex().addAllDim().addSliceDim(newTokens - 1, newTokens)); // (B, 1, d): only the last one is scored
            }
            float[] out = Ops.linear(h, headWeight(ps, x, false), null).toFloatArray(); // (B, 1, V)
            cache.advance(newTokens);
            return out;
        }
    }

    /**
     * Puts LoRA adapters on the layers and targets of {@code spec} and freezes every base weight: from now on only the
     * adapters train ({@link #trainableParameters()}), and the outputs equal the base model's until B moves. A is
     * drawn from {@code seed}. Refused with the reason: a target the model lacks, a layer that does not exist, a rank
     * of 0 or above the layer's smaller side, adapters already attached.
     */
    public Lora attachLora(Lora.Spec spec, long seed) {
        if (lora != null) {
            throw new IllegalStateException("This model already has LoRA adapters; detach or merge them first.");
        }
        java.util.Set<String> targets = new java.util.TreeSet<>(spec.targets());
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("Choose at least one layer to adapt: " + String.join(", ", Lora.TARGETS) + ".");
        }
        for (String t : targets) {
            if (!Lora.TARGETS.contains(t)) {
                throw new IllegalArgumentException("Unknown LoRA target '" + t + "': this model's linear layers are "
                        + String.join(", ", Lora.TARGETS) + ".");
            }
        }
        if (targets.contains("gate") && config.activation() != FeedForwardActivation.SWIGLU) {
            throw new IllegalArgumentException("LoRA target 'gate' needs a gated (SwiGLU) feed-forward; this model's is "
                    + config.activation().name().toLowerCase(java.util.Locale.ROOT) + " (adapt up and down instead).");
        }
        if (targets.contains("qkv") && (targets.contains("q") || targets.contains("k") || targets.contains("v"))) {
            throw new IllegalArgumentException("LoRA target 'qkv' already covers q, k and v: choose it or them, not both.");
        }
        for (int layer : spec.layers()) {
            if (layer < 0 || layer >= config.layers()) {
                throw new IllegalArgumentException("Layer " + layer + " does not exist: this model has layers 0 to " + (config.layers() - 1) + ".");
            }
        }
        Lora made = new Lora(spec);
        NDManager manager = owner();
        java.util.Random random = new java.util.Random(seed);
        for (int i = 0; i < config.layers(); i++) {
            if (!spec.layers().isEmpty() && !spec.layers().contains(i)) {
                continue;
            }
            for (String t : Lora.TARGETS) { // a fixed order, so the same seed draws the same A's
                if (!targets.contains(t)) {
                    continue;
                }
                long[] io = Lora.shape(config, t);
                if (spec.rank() < 1 || spec.rank() > Math.min(io[0], io[1])) {
                    made.close();
                    throw new IllegalArgumentException(String.format("The LoRA rank must be between 1 and %d for %s (%d → %d); got %d.",
                            Math.min(io[0], io[1]), t, io[0], io[1], spec.rank()));
                }
                made.add(adapterName(i, t), io[0], io[1], manager, random);
            }
        }
        for (ai.djl.util.Pair<String, Parameter> p : getParameters()) {
            p.getValue().freeze(true);
        }
        lora = made;
        return made;
    }

    /** Where the adapter of target {@code t} in layer {@code i} lives: the name of the weight it adapts, less ".weight". */
    static String adapterName(int i, String t) {
        String p = "layers." + i + ".";
        return switch (t) {
            case "qkv", "q", "k", "v", "o" -> p + "attn." + t;
            default -> p + "ffn." + t;
        };
    }

    /** The attached adapters, or null. */
    public Lora lora() {
        return lora;
    }

    /** Removes the adapters (the base model again) and unfreezes the base weights. */
    public void detachLora() {
        if (lora != null) {
            lora.close();
            lora = null;
        }
        for (ai.djl.util.Pair<String, Parameter> p : getParameters()) {
            p.getValue().freeze(false);
        }
    }

    /**
     * Folds the adapters into the weights, W ← W + (α/r)·B·A, and removes them: one standalone model whose outputs
     * equal the adapted one's, at the base model's speed. The fused qkv adapter's rows go to q, k and v in order.
     */
    public void mergeLora() {
        if (lora == null) {
            throw new IllegalStateException("There are no LoRA adapters to merge.");
        }
        // without autograd: B·A of adapters that require gradients would otherwise leave the weights with a graph
        // (no longer leaves, which freezing them again refuses)
        NoGrad.run(this::mergeAdapters);
        decodeQkv.clear(); // the fused decoding weights were made from the unmerged ones
        detachLora();
    }

    private void mergeAdapters() {
        long d = config.embeddingSize();
        long kv = config.kvSize();
        for (Lora.Adapter a : lora.adapters().values()) {
            NDArray delta = lora.deltaWeight(a);                                           // (out, in)
            if (a.name().endsWith(".attn.qkv")) {
                String p = a.name().substring(0, a.name().length() - "qkv".length());
                addTo(p + "q.weight", delta.get(new NDIndex().addSliceDim(0, d)));
                addTo(p + "k.weight", delta.get(new NDIndex().addSliceDim(d, d + kv)));
                addTo(p + "v.weight", delta.get(new NDIndex().addSliceDim(d + kv, d + 2 * kv)));
            } else {
                addTo(a.name() + ".weight", delta);
            }
            delta.close();
        }
    }

    private void addTo(String weight, NDArray delta) {
        NDArray w = getParameters().get(weight).getArray();
        w.addi(delta);
    }

    /**
     * Holds the frozen base's linear weights (q, k, v, o, up, gate, down of every block) quantized and releases their
     * float arrays, as QLoRA does: each use dequantizes them on the fly. Embeddings, norms and biases stay float.
     * Call it after the base weights are loaded and LoRA is attached. Returns {float bytes, quantized bytes} of the
     * weights it converted.
     */
    public long[] quantizeBase(Quantized.Scheme scheme) {
        return quantizeWeights(scheme, false);
    }

    /** The manager that owns the weights (kept once the embedding's float array is released by quantization). */
    private NDManager owner;

    private NDManager owner() {
        return owner != null ? owner : tokEmb.getArray().getManager();
    }

    /**
     * {@link #quantizeBase}, and with {@code embeddings} also the token embedding (and an untied output head), per row
     * (one token's vector) for int8: what a quantized model of its own holds, where a small model's embedding is most
     * of its size (gpt2-mini: 3.2M of its 3.3M parameters). Lookups and the output head then dequantize it each pass.
     */
    public long[] quantizeWeights(Quantized.Scheme scheme, boolean embeddings) {
        if (!quantized.isEmpty()) {
            throw new IllegalStateException("The base weights are already quantized.");
        }
        long before = 0;
        long after = 0;
        NDManager manager = owner();
        owner = manager;
        List<Parameter> targets = new java.util.ArrayList<>();
        for (Layer layer : layers) {
            targets.addAll(layer.linearWeights());
        }
        if (embeddings) {
            if (config.embeddingSize() % Quantized.GROUP != 0 && scheme == Quantized.Scheme.Q4_0) {
                throw new IllegalArgumentException(String.format("Q4_0 needs the embedding width to be a multiple of %d (this model: %d); "
                        + "use int8.", Quantized.GROUP, config.embeddingSize()));
            }
            targets.add(tokEmb);
            if (head != null) {
                targets.add(head);
            }
        }
        {
            for (Parameter p : targets) {
                if (config.ffnHiddenSize() % Quantized.GROUP != 0 && scheme == Quantized.Scheme.Q4_0
                        || config.embeddingSize() % Quantized.GROUP != 0 && scheme == Quantized.Scheme.Q4_0) {
                    throw new IllegalArgumentException(String.format("Q4_0 needs the layers' input sizes to be multiples of %d "
                            + "(this model: %d and %d); use int8.", Quantized.GROUP, config.embeddingSize(), config.ffnHiddenSize()));
                }
                Quantized q = Quantized.of(p.getArray(), scheme, manager);
                before += p.getShape().size() * 4;
                after += q.bytes();
                quantized.put(p.getName(), q);
                p.freeze(true);
                p.close(); // the float copy goes: the codes are the weight now
            }
        }
        decodeQkv.clear();
        return new long[]{before, after};
    }

    /** The base weights held quantized, by parameter name (empty: none). */
    public java.util.Map<String, Quantized> quantizedWeights() {
        return java.util.Collections.unmodifiableMap(quantized);
    }

    /** How the base is quantized, or null when it is not. */
    public Quantized.Scheme quantization() {
        return quantized.isEmpty() ? null : quantized.values().iterator().next().scheme();
    }

    /**
     * The value of weight {@code p} for this pass: its array, or, for a quantized base weight, ŵ dequantized now into
     * {@code x}'s manager (freed with the pass's other temporaries).
     */
    private NDArray weight(ParameterStore ps, Parameter p, NDArray x, boolean training) {
        Quantized q = quantized.get(p.getName());
        return q == null ? ps.getValue(p, x.getDevice(), training) : q.dequantize(x.getManager());
    }

    /** A weight's values to save: its array, or a quantized weight dequantized. */
    @Override
    public float[] values(Parameter p) {
        Quantized q = quantized.get(p.getName());
        if (q == null) {
            return p.getArray().toFloatArray();
        }
        try (NDManager scope = owner().newSubManager()) {
            return q.dequantize(scope).toFloatArray();
        }
    }

    /** With adapters: only A and B of each (the base is frozen); without: every weight. */
    @Override
    public PairList<String, Parameter> trainableParameters() {
        return lora != null ? lora.parameters() : getParameters();
    }

    @Override
    public KvCache newCache(NDManager manager, int batch) {
        return new KvCache(manager, config.layers(), batch);
    }

    /** Keeps arrays past the current NDScope, owned by the manager of the model's weights. */
    private NDArray[] keep(NDArray[] arrays) {
        NDManager owner = owner();
        for (NDArray a : arrays) {
            if (a != null) {
                NDScope.unregister(a);
                a.attach(owner);
            }
        }
        return arrays;
    }

    private NDArray headWeight(ParameterStore ps, NDArray ids, boolean training) {
        return weight(ps, head == null ? tokEmb : head, ids, training);
    }

    /**
     * The residual stream after the last block (and final norm) for tokens at positions past..past+T−1, where past is
     * the cache length (0 without a cache). (B, T) → (B, T, d).
     */
    private NDArray hidden(ParameterStore ps, NDArray ids, NDArray padding, boolean training, Probe probe, KvCache cache) {
        long t = ids.getShape().get(1);
        int past = cache == null ? 0 : cache.length();
        NDArray wte = weight(ps, tokEmb, ids, training);
        NDArray x = Embedding.embedding(ids, wte, SparseFormat.DENSE).head();          // (B, T, d)
        if (config.scaleEmbeddings()) {
            x = Scalars.times(x, Math.sqrt(config.embeddingSize()));
        }
        if (config.positionEncoding() == PositionEncoding.LEARNED) {
            // rows past..past+T−1 of the table (an NDIndex built directly: parsing "{}:{}" costs more than the slice)
            x = x.add(ps.getValue(posEmb, ids.getDevice(), training).get(new NDIndex().addSliceDim(past, past + t)));
        } else if (config.positionEncoding() == PositionEncoding.SINUSOIDAL) {
            int d = config.embeddingSize();
            float[] table = lastRows(Positions.sinusoidal((int) (past + t), d), (int) t, d);
            x = x.add(NativeArrays.floats(x.getManager(), table, new Shape(t, d), x.getDevice()));
        }
        x = Ops.dropout(x, config.dropout(), training);
        if (probe != null) {
            probe.embedded(x);
        }
        // one new token attends to everything before it: no mask needed
        NDArray mask = cache == null ? Ops.attentionMask(x, t, padding) : t == 1 ? null : Ops.causalMask(x, t, past);
        NDArray[] rope = config.positionEncoding() == PositionEncoding.ROPE ? ropeTables(x, past, t) : null;
        for (Layer layer : layers) {
            x = layer.forward(ps, x, mask, rope, training, probe, cache);
        }
        if (finalNormWeight != null) {
            x = norm(ps, x, finalNormWeight, finalNormBias, training);
        }
        return x;
    }

    /** The last {@code rows} rows of a row-major table with {@code width} columns. */
    private static float[] lastRows(float[] table, int rows, int width) {
        return java.util.Arrays.copyOfRange(table, table.length - rows * width, table.length);
    }

    /** cos and sin for positions past..past+T−1, each (1, 1, T, hs), for rotating queries and keys. */
    private NDArray[] ropeTables(NDArray like, int past, long t) {
        int hs = config.headSize();
        float[][] cs = Positions.rope((int) (past + t), hs, config.ropeTheta());
        Shape shape = new Shape(1, 1, t, hs);
        return new NDArray[]{NativeArrays.floats(like.getManager(), lastRows(cs[0], (int) t, hs), shape, like.getDevice()),
                NativeArrays.floats(like.getManager(), lastRows(cs[1], (int) t, hs), shape, like.getDevice())};
    }

    private NDArray norm(ParameterStore ps, NDArray x, Parameter weight, Parameter bias, boolean training) {
        NDArray g = ps.getValue(weight, x.getDevice(), training);
        float eps = (float) config.normEps();
        if (config.norm() == NormType.RMS_NORM) {
            return Ops.rmsNorm(x, g, eps);
        }
        return Ops.layerNorm(x, g, bias == null ? null : ps.getValue(bias, x.getDevice(), training), eps);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[]{new Shape(inputShapes[0].get(0), inputShapes[0].get(1), config.vocabSize())};
    }

    /** One transformer block: its parameters and its forward pass. */
    private final class Layer {
        private final int index;
        private final Parameter norm1;
        private final Parameter norm1Bias;
        private final Parameter q;
        private final Parameter k;
        private final Parameter v;
        private final Parameter o;
        private final Parameter qBias;
        private final Parameter kBias;
        private final Parameter vBias;
        private final Parameter oBias;
        private final Parameter norm2;
        private final Parameter norm2Bias;
        private final Parameter up;
        private final Parameter gate;
        private final Parameter down;
        private final Parameter upBias;
        private final Parameter gateBias;
        private final Parameter downBias;

        Layer(int i, Initializer normal, Initializer residual) {
            index = i;
            long d = config.embeddingSize();
            long kv = config.kvSize();
            long h = config.ffnHiddenSize();
            boolean b = config.bias();
            String p = "layers." + i + ".";
            norm1 = param(p + "norm1.weight", Parameter.Type.GAMMA, Initializer.ONES, d);
            norm1Bias = hasNormBias() ? param(p + "norm1.bias", Parameter.Type.BETA, Initializer.ZEROS, d) : null;
            q = param(p + "attn.q.weight", Parameter.Type.WEIGHT, normal, d, d);
            k = param(p + "attn.k.weight", Parameter.Type.WEIGHT, normal, kv, d);
            v = param(p + "attn.v.weight", Parameter.Type.WEIGHT, normal, kv, d);
            o = param(p + "attn.o.weight", Parameter.Type.WEIGHT, residual, d, d);
            qBias = b ? param(p + "attn.q.bias", Parameter.Type.BIAS, Initializer.ZEROS, d) : null;
            kBias = b ? param(p + "attn.k.bias", Parameter.Type.BIAS, Initializer.ZEROS, kv) : null;
            vBias = b ? param(p + "attn.v.bias", Parameter.Type.BIAS, Initializer.ZEROS, kv) : null;
            oBias = b ? param(p + "attn.o.bias", Parameter.Type.BIAS, Initializer.ZEROS, d) : null;
            norm2 = param(p + "norm2.weight", Parameter.Type.GAMMA, Initializer.ONES, d);
            norm2Bias = hasNormBias() ? param(p + "norm2.bias", Parameter.Type.BETA, Initializer.ZEROS, d) : null;
            boolean gated = config.activation() == FeedForwardActivation.SWIGLU;
            up = param(p + "ffn.up.weight", Parameter.Type.WEIGHT, normal, h, d);
            gate = gated ? param(p + "ffn.gate.weight", Parameter.Type.WEIGHT, normal, h, d) : null;
            down = param(p + "ffn.down.weight", Parameter.Type.WEIGHT, residual, d, h);
            upBias = b ? param(p + "ffn.up.bias", Parameter.Type.BIAS, Initializer.ZEROS, h) : null;
            gateBias = b && gated ? param(p + "ffn.gate.bias", Parameter.Type.BIAS, Initializer.ZEROS, h) : null;
            downBias = b ? param(p + "ffn.down.bias", Parameter.Type.BIAS, Initializer.ZEROS, d) : null;
        }

        NDArray forward(ParameterStore ps, NDArray x, NDArray mask, NDArray[] rope, boolean training, Probe probe, KvCache cache) {
            if (config.normPlacement() == NormPlacement.PRE) {
                x = x.add(attention(ps, norm(ps, x, norm1, norm1Bias, training), mask, rope, training, probe, cache));
                x = x.add(feedForward(ps, norm(ps, x, norm2, norm2Bias, training), training));
            } else {
                x = norm(ps, x.add(attention(ps, x, mask, rope, training, probe, cache)), norm1, norm1Bias, training);
                x = norm(ps, x.add(feedForward(ps, x, training)), norm2, norm2Bias, training);
            }
            if (probe != null) {
                probe.blockOutput(index, x);
            }
            return x;
        }

        /**
         * Causal self-attention: softmax(QKᵀ/√hs + mask)·V per head, heads concatenated, projected back to d. With a
         * cache, K and V are the cached ones with this call's appended: (B, Hkv, past + T, hs).
         */
        NDArray attention(ParameterStore ps, NDArray x, NDArray mask, NDArray[] rope, boolean training, Probe probe, KvCache cache) {
            long b = x.getShape().get(0);
            long t = x.getShape().get(1);
            int heads = config.heads();
            int kvHeads = config.kvHeads();
            int hs = config.headSize();
            // one matrix product for q, k and v: x (B, T, d) · [Wq/√hs; Wk; Wv]ᵀ → (B, T, d + 2·kv), then split.
            // Scaling Wq (d × d entries) instead of the scores (B × H × T × T) gives the same QKᵀ/√hs for less work.
            // Training rebuilds the fused matrix each pass (the weights change and autograd must see the concat);
            // decoding builds it once per model, since inference weights do not change.
            NDArray[] wb = cache == null ? fusedQkv(ps, x, training) : decodeQkv.computeIfAbsent(index, i -> keep(fusedQkv(ps, x, false)));
            long d = config.embeddingSize();
            NDList qkv = Ops.linear(x, wb[0], wb[1]).split(new long[]{d, d + config.kvSize()}, 2);
            if (lora != null && lora.enabled()) {
                qkv = adaptQkv(ps, x, qkv, training);
            }
            // One new token (decoding): (B, 1, n·hs) → (B, n, 1, hs) is a plain reshape, no transpose needed.
            boolean single = cache != null && t == 1;
            NDArray qh = single ? qkv.get(0).reshape(b, heads, 1, hs) : heads(qkv.get(0), b, t, heads, hs); // (B, H, T, hs), / √hs
            NDArray kh = single ? qkv.get(1).reshape(b, kvHeads, 1, hs) : heads(qkv.get(1), b, t, kvHeads, hs); // (B, Hkv, T, hs)
            NDArray vh = single ? qkv.get(2).reshape(b, kvHeads, 1, hs) : heads(qkv.get(2), b, t, kvHeads, hs);
            if (rope != null) {
                qh = rotate(qh, rope, hs);
                kh = rotate(kh, rope, hs);
            }
            // Kᵀ (B, Hkv, hs, T). The cache keeps keys transposed: a new token's key is one more column, and q·Kᵀ
            // needs no transpose at each step.
            NDArray kt = single && rope == null ? kh.reshape(b, kvHeads, hs, 1) : kh.transpose(0, 1, 3, 2);
            if (cache != null) {
                if (cache.length() > 0) {
                    kt = cache.keys(index).concat(kt, 3);                                 // (B, Hkv, hs, past + T)
                    vh = cache.values(index).concat(vh, 2);                               // (B, Hkv, past + T, hs)
                }
                cache.store(index, kt, vh);
            }
            if (kvHeads < heads) { // each key/value head serves heads / kvHeads query heads
                kt = repeatKv(kt, heads / kvHeads);
                vh = repeatKv(vh, heads / kvHeads);
            }
            NDArray scores = qh.matMul(kt);                                              // (B, H, T, past + T)
            if (mask != null) {
                scores = scores.add(mask);
            }
            NDArray weights = scores.softmax(-1);
            if (probe != null) {
                probe.attention(index, weights);
            }
            weights = Ops.dropout(weights, config.dropout(), training);
            NDArray y = single ? weights.matMul(vh).reshape(b, 1, config.embeddingSize())   // (B, 1, d)
                    : weights.matMul(vh).transpose(0, 2, 1, 3).reshape(b, t, config.embeddingSize()); // (B, T, d)
            return Ops.dropout(linear(ps, y, o, oBias, training), config.dropout(), training);
        }

        /**
         * q, k, v plus their adapters' deltas: one fused adapter (split like the fused weight) or one per projection.
         * The q delta is scaled by 1/√hs too, as the fused Wq is.
         */
        private NDList adaptQkv(ParameterStore ps, NDArray x, NDList qkv, boolean training) {
            double scale = 1 / Math.sqrt(config.headSize());
            NDArray[] parts = {qkv.get(0), qkv.get(1), qkv.get(2)};
            Lora.Adapter fused = lora.get(adapterName(index, "qkv"));
            if (fused != null) {
                long d = config.embeddingSize();
                NDList deltas = lora.delta(ps, fused, x, training).split(new long[]{d, d + config.kvSize()}, 2);
                for (int i = 0; i < 3; i++) {
                    parts[i] = parts[i].add(i == 0 ? Scalars.times(deltas.get(0), scale) : deltas.get(i));
                }
            }
            String[] names = {"q", "k", "v"};
            for (int i = 0; i < 3; i++) {
                Lora.Adapter one = lora.get(adapterName(index, names[i]));
                if (one != null) {
                    NDArray delta = lora.delta(ps, one, x, training);
                    parts[i] = parts[i].add(i == 0 ? Scalars.times(delta, scale) : delta);
                }
            }
            return new NDList(parts);
        }

        /** [Wq/√hs; Wk; Wv] (d + 2·kv, d) and the matching bias (or null). */
        private NDArray[] fusedQkv(ParameterStore ps, NDArray x, boolean training) {
            double scale = 1 / Math.sqrt(config.headSize());
            NDArray w = Scalars.times(weight(ps, q, x, training), scale)
                    .concat(weight(ps, k, x, training)).concat(weight(ps, v, x, training));
            NDArray bias = qBias == null ? null : Scalars.times(ps.getValue(qBias, x.getDevice(), training), scale)
                    .concat(ps.getValue(kBias, x.getDevice(), training)).concat(ps.getValue(vBias, x.getDevice(), training));
            return new NDArray[]{w, bias};
        }

        NDArray feedForward(ParameterStore ps, NDArray x, boolean training) {
            NDArray hidden = linear(ps, x, up, upBias, training);                        // (B, T, h)
            hidden = switch (config.activation()) {
                case GELU -> Activation.gelu(hidden);
                case GELU_TANH -> Ops.geluTanh(hidden);
                case RELU -> Activation.relu(hidden);
                case SWIGLU -> Ops.silu(linear(ps, x, gate, gateBias, training)).mul(hidden);
            };
            return Ops.dropout(linear(ps, hidden, down, downBias, training), config.dropout(), training);
        }

        /** The linear layers' weights this block has (gate only in a SwiGLU feed-forward). */
        List<Parameter> linearWeights() {
            List<Parameter> out = new ArrayList<>(List.of(q, k, v, o, up));
            if (gate != null) {
                out.add(gate);
            }
            out.add(down);
            return out;
        }

        private NDArray linear(ParameterStore ps, NDArray x, Parameter w, Parameter bias, boolean training) {
            NDArray y = Ops.linear(x, weight(ps, w, x, training),
                    bias == null ? null : ps.getValue(bias, x.getDevice(), training));
            if (lora != null && lora.enabled()) {
                String name = w.getName();
                Lora.Adapter adapter = lora.get(name.substring(0, name.length() - ".weight".length()));
                if (adapter != null) {
                    y = y.add(lora.delta(ps, adapter, x, training));
                }
            }
            return y;
        }
    }

    /** (B, T, n·hs) → (B, n, T, hs). */
    private static NDArray heads(NDArray x, long b, long t, int n, int hs) {
        return x.reshape(b, t, n, hs).transpose(0, 2, 1, 3);
    }

    /** x·cos + rotate_half(x)·sin, where rotate_half([x1, x2]) = [−x2, x1] on the two halves of each head. */
    private static NDArray rotate(NDArray x, NDArray[] rope, int hs) {
        NDArray x1 = x.get(new NDIndex("..., 0:{}", hs / 2));
        NDArray x2 = x.get(new NDIndex("..., {}:", hs / 2));
        NDArray rotated = x2.neg().concat(x1, -1);
        return x.mul(rope[0]).add(rotated.mul(rope[1]));
    }

    /** (B, Hkv, T, hs) → (B, Hkv·n, T, hs), each key/value head repeated n times in a row (as HF's repeat_kv). */
    private static NDArray repeatKv(NDArray x, int n) {
        Shape s = x.getShape();
        return x.expandDims(2).broadcast(s.get(0), s.get(1), n, s.get(2), s.get(3)).reshape(s.get(0), s.get(1) * n, s.get(2), s.get(3));
    }
}
