package org.llmplayground.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.llmplayground.model.FeedForwardActivation;
import org.llmplayground.model.ModelConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hugging Face checkpoints: a folder with config.json and model.safetensors (or shards listed in
 * model.safetensors.index.json), for {@code model_type} "gpt2" and "llama".
 * <ul>
 *   <li>GPT-2 uses Conv1D layers that store weights as (in, out): transposed here to our (out, in), and the fused
 *       {@code c_attn} (d → 3d) is cut into q, k and v.</li>
 *   <li>Llama stores (out, in) already and rotates the two halves of each head, as we do.</li>
 * </ul>
 */
public final class HfImporter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HfImporter() {
    }

    public static boolean looksLike(Path dir) {
        return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve("config.json"));
    }

    public static ImportedWeights read(Path dir) throws IOException {
        JsonNode cfg;
        try {
            cfg = JSON.readTree(Files.readString(dir.resolve("config.json")));
        } catch (IOException e) {
            throw new IllegalArgumentException("config.json in " + dir.getFileName() + " is not valid JSON");
        }
        String type = cfg.path("model_type").asText("");
        try (Shards shards = Shards.open(dir)) {
            return switch (type) {
                case "gpt2" -> gpt2(cfg, shards);
                case "llama" -> llama(cfg, shards);
                default -> throw new IllegalArgumentException("config.json has model_type '" + type
                        + "'; the importer reads 'gpt2' and 'llama'");
            };
        }
    }

    private static ImportedWeights gpt2(JsonNode cfg, Shards st) throws IOException {
        int d = required(cfg, "n_embd");
        int layers = required(cfg, "n_layer");
        String p = st.has("transformer.wte.weight") ? "transformer." : "";
        ModelConfig config = ModelConfig.gpt2Style().vocabSize(required(cfg, "vocab_size")).contextLength(required(cfg, "n_positions"))
                .layers(layers).heads(required(cfg, "n_head")).embeddingSize(d)
                .ffnHiddenSize(cfg.path("n_inner").isInt() ? cfg.get("n_inner").asInt() : 4 * d)
                .activation("gelu".equals(cfg.path("activation_function").asText()) ? FeedForwardActivation.GELU : FeedForwardActivation.GELU_TANH)
                .normEps(cfg.path("layer_norm_epsilon").asDouble(1e-5))
                .tiedEmbeddings(cfg.path("tie_word_embeddings").asBoolean(true) || !st.has("lm_head.weight"))
                .build().validate();
        Map<String, Tensor> t = new LinkedHashMap<>();
        Set<String> used = new LinkedHashSet<>();
        t.put("tok_emb.weight", st.get(p + "wte.weight", used));
        t.put("pos_emb.weight", st.get(p + "wpe.weight", used));
        for (int i = 0; i < layers; i++) {
            String h = p + "h." + i + ".";
            String o = "layers." + i + ".";
            t.put(o + "norm1.weight", st.get(h + "ln_1.weight", used));
            t.put(o + "norm1.bias", st.get(h + "ln_1.bias", used));
            Tensor qkv = st.get(h + "attn.c_attn.weight", used).transposed(); // (3d, d)
            Tensor qkvBias = st.get(h + "attn.c_attn.bias", used);
            String[] names = {"q", "k", "v"};
            for (int j = 0; j < 3; j++) {
                t.put(o + "attn." + names[j] + ".weight", qkv.rows(j * d, (j + 1) * d, h + "attn.c_attn.weight[" + names[j] + "]"));
                t.put(o + "attn." + names[j] + ".bias", qkvBias.slice(j * d, (j + 1) * d, h + "attn.c_attn.bias[" + names[j] + "]"));
            }
            t.put(o + "attn.o.weight", st.get(h + "attn.c_proj.weight", used).transposed());
            t.put(o + "attn.o.bias", st.get(h + "attn.c_proj.bias", used));
            t.put(o + "norm2.weight", st.get(h + "ln_2.weight", used));
            t.put(o + "norm2.bias", st.get(h + "ln_2.bias", used));
            t.put(o + "ffn.up.weight", st.get(h + "mlp.c_fc.weight", used).transposed());
            t.put(o + "ffn.up.bias", st.get(h + "mlp.c_fc.bias", used));
            t.put(o + "ffn.down.weight", st.get(h + "mlp.c_proj.weight", used).transposed());
            t.put(o + "ffn.down.bias", st.get(h + "mlp.c_proj.bias", used));
        }
        t.put("final_norm.weight", st.get(p + "ln_f.weight", used));
        t.put("final_norm.bias", st.get(p + "ln_f.bias", used));
        if (!config.tiedEmbeddings()) {
            t.put("head.weight", st.get("lm_head.weight", used));
        }
        return new ImportedWeights("Hugging Face GPT-2 (safetensors)", config, t, st.unused(used));
    }

    private static ImportedWeights llama(JsonNode cfg, Shards st) throws IOException {
        int layers = required(cfg, "num_hidden_layers");
        int heads = required(cfg, "num_attention_heads");
        boolean tied = cfg.path("tie_word_embeddings").asBoolean(false);
        ModelConfig config = ModelConfig.llamaStyle().vocabSize(required(cfg, "vocab_size"))
                .contextLength(required(cfg, "max_position_embeddings")).layers(layers).heads(heads)
                .kvHeads(cfg.path("num_key_value_heads").asInt(heads)).embeddingSize(required(cfg, "hidden_size"))
                .ffnHiddenSize(required(cfg, "intermediate_size")).normEps(cfg.path("rms_norm_eps").asDouble(1e-6))
                .ropeTheta(cfg.path("rope_theta").asDouble(10_000)).tiedEmbeddings(tied)
                .bias(cfg.path("attention_bias").asBoolean(false)).build().validate();
        if (config.bias()) {
            throw new IllegalArgumentException("config.json sets attention_bias; Llama checkpoints with biases are not supported");
        }
        Map<String, Tensor> t = new LinkedHashMap<>();
        Set<String> used = new LinkedHashSet<>();
        t.put("tok_emb.weight", st.get("model.embed_tokens.weight", used));
        for (int i = 0; i < layers; i++) {
            String h = "model.layers." + i + ".";
            String o = "layers." + i + ".";
            t.put(o + "norm1.weight", st.get(h + "input_layernorm.weight", used));
            for (String proj : new String[]{"q", "k", "v", "o"}) {
                t.put(o + "attn." + proj + ".weight", st.get(h + "self_attn." + proj + "_proj.weight", used));
            }
            t.put(o + "norm2.weight", st.get(h + "post_attention_layernorm.weight", used));
            t.put(o + "ffn.gate.weight", st.get(h + "mlp.gate_proj.weight", used));
            t.put(o + "ffn.up.weight", st.get(h + "mlp.up_proj.weight", used));
            t.put(o + "ffn.down.weight", st.get(h + "mlp.down_proj.weight", used));
        }
        t.put("final_norm.weight", st.get("model.norm.weight", used));
        if (!tied) {
            t.put("head.weight", st.get("lm_head.weight", used));
        }
        return new ImportedWeights("Hugging Face Llama (safetensors)", config, t, st.unused(used));
    }

    private static int required(JsonNode cfg, String field) {
        if (!cfg.path(field).canConvertToInt()) {
            throw new IllegalArgumentException("config.json lacks the integer field '" + field + "'");
        }
        return cfg.get(field).asInt();
    }

    /** One or several safetensors files seen as one map of tensors. */
    private static final class Shards implements AutoCloseable {
        private final Map<String, SafetensorsFile> owner = new LinkedHashMap<>();
        private final List<SafetensorsFile> files = new ArrayList<>();

        static Shards open(Path dir) throws IOException {
            Shards s = new Shards();
            try {
                Path index = dir.resolve("model.safetensors.index.json");
                List<Path> paths = new ArrayList<>();
                if (Files.isRegularFile(index)) {
                    Set<String> shardNames = new LinkedHashSet<>();
                    JSON.readTree(Files.readString(index)).path("weight_map").forEach(n -> shardNames.add(n.asText()));
                    shardNames.forEach(f -> paths.add(dir.resolve(f).normalize()));
                } else if (Files.isRegularFile(dir.resolve("model.safetensors"))) {
                    paths.add(dir.resolve("model.safetensors"));
                } else {
                    throw new IllegalArgumentException(dir.getFileName() + " has config.json but no model.safetensors");
                }
                for (Path p : paths) {
                    if (!p.startsWith(dir)) {
                        throw new IllegalArgumentException("The index names a shard outside the model folder: " + p);
                    }
                    SafetensorsFile f = SafetensorsFile.open(p);
                    s.files.add(f);
                    f.entries().keySet().forEach(k -> s.owner.put(k, f));
                }
                return s;
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
        }

        boolean has(String name) {
            return owner.containsKey(name);
        }

        Tensor get(String name, Set<String> used) throws IOException {
            SafetensorsFile f = owner.get(name);
            if (f == null) {
                throw new IllegalArgumentException("Tensor '" + name + "' is missing from the checkpoint");
            }
            used.add(name);
            return f.tensor(name);
        }

        List<String> unused(Set<String> used) {
            return owner.keySet().stream().filter(k -> !used.contains(k)).toList();
        }

        @Override
        public void close() throws IOException {
            for (SafetensorsFile f : files) {
                f.close();
            }
        }
    }
}
