package org.llmplayground.model.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.llmplayground.model.FeedForwardActivation;
import org.llmplayground.model.ModelConfig;
import org.llmplayground.model.NormPlacement;
import org.llmplayground.model.NormType;
import org.llmplayground.model.PositionEncoding;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The inverse of {@link HfImporter}: our parameters under Hugging Face names, with the config.json that
 * {@code transformers} reads ({@code GPT2LMHeadModel} or {@code LlamaForCausalLM}). Which family a model exports as
 * follows from its config, the same rule the importer used going the other way:
 * <ul>
 *   <li>learned positions, pre-LayerNorm, GELU, biases, kvHeads = heads → gpt2. Its Conv1D layers store weights as
 *       (in, out), ours as (out, in): every matrix is transposed, and q, k, v are concatenated into c_attn
 *       ((d, 3d) in the file: d=64 → 64×192).</li>
 *   <li>RoPE, pre-RMSNorm, SwiGLU, no biases → llama; matrices keep (out, in) and q/k keep the rotate-half layout
 *       the importer reads, so nothing is permuted.</li>
 * </ul>
 * Anything else (post-norm, sinusoidal positions, a bigram table) has no transformers class to load it, and the
 * exporter says which setting is in the way.
 */
public final class HfExporter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private HfExporter() {
    }

    /** "gpt2" or "llama", or why the config has no transformers class. */
    public static String family(ModelConfig c) {
        List<String> gpt2 = new ArrayList<>();
        if (c.architecture() != org.llmplayground.model.Architecture.TRANSFORMER) {
            throw new IllegalArgumentException("A " + c.architecture().name().toLowerCase() + " model has no Hugging Face class; only "
                    + "transformers export.");
        }
        if (c.normPlacement() != NormPlacement.PRE) {
            throw new IllegalArgumentException("Only pre-norm transformers export (GPT-2 and Llama both normalise before each sublayer); "
                    + "this one is " + c.normPlacement().name().toLowerCase() + "-norm.");
        }
        if (c.positionEncoding() == PositionEncoding.ROPE) {
            if (c.norm() != NormType.RMS_NORM || c.activation() != FeedForwardActivation.SWIGLU || c.bias() || c.scaleEmbeddings()) {
                throw new IllegalArgumentException("A RoPE model exports as Llama, which needs RMSNorm, SwiGLU, no biases and unscaled "
                        + "embeddings; this one has " + c.norm() + ", " + c.activation() + (c.bias() ? ", biases" : "")
                        + (c.scaleEmbeddings() ? ", scaled embeddings" : "") + ".");
            }
            return "llama";
        }
        if (c.positionEncoding() != PositionEncoding.LEARNED) {
            gpt2.add("learned positions (it has " + c.positionEncoding() + ")");
        }
        if (c.norm() != NormType.LAYER_NORM) {
            gpt2.add("LayerNorm (it has " + c.norm() + ")");
        }
        if (c.activation() != FeedForwardActivation.GELU && c.activation() != FeedForwardActivation.GELU_TANH) {
            gpt2.add("GELU (it has " + c.activation() + ")");
        }
        if (!c.bias()) {
            gpt2.add("biases");
        }
        if (c.kvHeads() != c.heads()) {
            gpt2.add("as many key/value heads as heads");
        }
        if (c.scaleEmbeddings()) {
            gpt2.add("unscaled embeddings");
        }
        if (!gpt2.isEmpty()) {
            throw new IllegalArgumentException("A model with learned or no RoPE positions exports as GPT-2, which needs " + String.join(", ", gpt2) + ".");
        }
        return "gpt2";
    }

    /**
     * Writes config.json and model.safetensors into {@code dir}. {@code weights} gives a parameter's values by our
     * name ("layers.0.attn.q.weight"), shaped (out, in) for matrices.
     */
    public static void write(ModelConfig c, Function<String, Tensor> weights, Map<String, Object> extraConfig, Path dir) throws IOException {
        String family = family(c);
        Files.createDirectories(dir);
        Map<String, Tensor> out = new LinkedHashMap<>();
        Map<String, Object> cfg = new LinkedHashMap<>();
        int d = c.embeddingSize();
        if (family.equals("gpt2")) {
            out.put("transformer.wte.weight", weights.apply("tok_emb.weight"));
            out.put("transformer.wpe.weight", weights.apply("pos_emb.weight"));
            for (int i = 0; i < c.layers(); i++) {
                String h = "transformer.h." + i + ".";
                String o = "layers." + i + ".";
                out.put(h + "ln_1.weight", weights.apply(o + "norm1.weight"));
                out.put(h + "ln_1.bias", weights.apply(o + "norm1.bias"));
                // q, k, v (d, d) each, stacked to (3d, d), transposed to Conv1D's (d, 3d)
                out.put(h + "attn.c_attn.weight", concatRows(h + "attn.c_attn.weight", weights.apply(o + "attn.q.weight"),
                        weights.apply(o + "attn.k.weight"), weights.apply(o + "attn.v.weight")).transposed());
                out.put(h + "attn.c_attn.bias", concatRows(h + "attn.c_attn.bias", weights.apply(o + "attn.q.bias"),
                        weights.apply(o + "attn.k.bias"), weights.apply(o + "attn.v.bias")));
                out.put(h + "attn.c_proj.weight", weights.apply(o + "attn.o.weight").transposed());
                out.put(h + "attn.c_proj.bias", weights.apply(o + "attn.o.bias"));
                out.put(h + "ln_2.weight", weights.apply(o + "norm2.weight"));
                out.put(h + "ln_2.bias", weights.apply(o + "norm2.bias"));
                out.put(h + "mlp.c_fc.weight", weights.apply(o + "ffn.up.weight").transposed());
                out.put(h + "mlp.c_fc.bias", weights.apply(o + "ffn.up.bias"));
                out.put(h + "mlp.c_proj.weight", weights.apply(o + "ffn.down.weight").transposed());
                out.put(h + "mlp.c_proj.bias", weights.apply(o + "ffn.down.bias"));
            }
            out.put("transformer.ln_f.weight", weights.apply("final_norm.weight"));
            out.put("transformer.ln_f.bias", weights.apply("final_norm.bias"));
            if (!c.tiedEmbeddings()) {
                out.put("lm_head.weight", weights.apply("head.weight"));
            }
            cfg.put("architectures", List.of("GPT2LMHeadModel"));
            cfg.put("model_type", "gpt2");
            cfg.put("vocab_size", c.vocabSize());
            cfg.put("n_positions", c.contextLength());
            cfg.put("n_ctx", c.contextLength());
            cfg.put("n_embd", d);
            cfg.put("n_layer", c.layers());
            cfg.put("n_head", c.heads());
            cfg.put("n_inner", c.ffnHiddenSize());
            cfg.put("activation_function", c.activation() == FeedForwardActivation.GELU ? "gelu" : "gelu_new");
            cfg.put("layer_norm_epsilon", c.normEps());
            cfg.put("resid_pdrop", 0.0);
            cfg.put("embd_pdrop", 0.0);
            cfg.put("attn_pdrop", 0.0);
        } else {
            out.put("model.embed_tokens.weight", weights.apply("tok_emb.weight"));
            for (int i = 0; i < c.layers(); i++) {
                String h = "model.layers." + i + ".";
                String o = "layers." + i + ".";
                out.put(h + "input_layernorm.weight", weights.apply(o + "norm1.weight"));
                for (String proj : new String[]{"q", "k", "v", "o"}) {
                    out.put(h + "self_attn." + proj + "_proj.weight", weights.apply(o + "attn." + proj + ".weight"));
                }
                out.put(h + "post_attention_layernorm.weight", weights.apply(o + "norm2.weight"));
                out.put(h + "mlp.gate_proj.weight", weights.apply(o + "ffn.gate.weight"));
                out.put(h + "mlp.up_proj.weight", weights.apply(o + "ffn.up.weight"));
                out.put(h + "mlp.down_proj.weight", weights.apply(o + "ffn.down.weight"));
            }
            out.put("model.norm.weight", weights.apply("final_norm.weight"));
            if (!c.tiedEmbeddings()) {
                out.put("lm_head.weight", weights.apply("head.weight"));
            }
            cfg.put("architectures", List.of("LlamaForCausalLM"));
            cfg.put("model_type", "llama");
            cfg.put("vocab_size", c.vocabSize());
            cfg.put("max_position_embeddings", c.contextLength());
            cfg.put("hidden_size", d);
            cfg.put("intermediate_size", c.ffnHiddenSize());
            cfg.put("num_hidden_layers", c.layers());
            cfg.put("num_attention_heads", c.heads());
            cfg.put("num_key_value_heads", c.kvHeads());
            cfg.put("hidden_act", "silu");
            cfg.put("rms_norm_eps", c.normEps());
            cfg.put("rope_theta", c.ropeTheta());
            cfg.put("attention_bias", false);
        }
        cfg.put("tie_word_embeddings", c.tiedEmbeddings());
        cfg.put("torch_dtype", "float32");
        cfg.putAll(extraConfig);
        Files.writeString(dir.resolve("config.json"), JSON.writeValueAsString(cfg));
        SafetensorsWriter.write(out, dir.resolve("model.safetensors"));
    }

    /** Tensors stacked along their first dimension: (a, n) + (b, n) → (a+b, n); vectors (a) + (b) → (a+b). */
    static Tensor concatRows(String name, Tensor... parts) {
        int total = 0;
        long rows = 0;
        for (Tensor t : parts) {
            total += t.data().length;
            rows += t.shape()[0];
        }
        float[] data = new float[total];
        int at = 0;
        for (Tensor t : parts) {
            System.arraycopy(t.data(), 0, data, at, t.data().length);
            at += t.data().length;
        }
        long[] shape = parts[0].shape().clone();
        shape[0] = rows;
        return new Tensor(data, shape, name);
    }
}
