package org.llmplayground.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.llmplayground.model.ModelConfig;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * minGPT weights as JSON (the format of bbycroft/llm-viz's gpt-nano-sort): {@code "config"} with n_layer, n_head,
 * n_embd, vocab_size, block_size, then one entry per tensor of minGPT's state_dict with its shape and base64 float32
 * data. minGPT uses nn.Linear (weights already (out, in)), a fused c_attn, GPT-2's tanh GELU and its own untied head;
 * {@code attn.bias} is the causal-mask buffer, not a weight.
 */
public final class MinGptImporter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MinGptImporter() {
    }

    public static boolean looksLike(String json) {
        try {
            JsonNode root = JSON.readTree(json);
            return root.path("config").has("n_layer") && root.has("transformer.wte.weight");
        } catch (IOException e) {
            return false;
        }
    }

    public static ImportedWeights read(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("Not a minGPT JSON checkpoint: it is not JSON");
        }
        JsonNode c = root.path("config");
        int d = field(c, "n_embd");
        int layers = field(c, "n_layer");
        ModelConfig config = ModelConfig.gpt2Style().vocabSize(field(c, "vocab_size")).contextLength(field(c, "block_size"))
                .layers(layers).heads(field(c, "n_head")).embeddingSize(d).ffnHiddenSize(4 * d).tiedEmbeddings(false)
                .build().validate();
        Map<String, Tensor> t = new LinkedHashMap<>();
        List<String> ignored = new ArrayList<>();
        t.put("tok_emb.weight", tensor(root, "transformer.wte.weight"));
        t.put("pos_emb.weight", tensor(root, "transformer.wpe.weight"));
        for (int i = 0; i < layers; i++) {
            String h = "transformer.h." + i + ".";
            String o = "layers." + i + ".";
            t.put(o + "norm1.weight", tensor(root, h + "ln_1.weight"));
            t.put(o + "norm1.bias", tensor(root, h + "ln_1.bias"));
            Tensor qkv = tensor(root, h + "attn.c_attn.weight");
            Tensor qkvBias = tensor(root, h + "attn.c_attn.bias");
            String[] names = {"q", "k", "v"};
            for (int j = 0; j < 3; j++) {
                t.put(o + "attn." + names[j] + ".weight", qkv.rows(j * d, (j + 1) * d, h + "attn.c_attn.weight[" + names[j] + "]"));
                t.put(o + "attn." + names[j] + ".bias", qkvBias.slice(j * d, (j + 1) * d, h + "attn.c_attn.bias[" + names[j] + "]"));
            }
            t.put(o + "attn.o.weight", tensor(root, h + "attn.c_proj.weight"));
            t.put(o + "attn.o.bias", tensor(root, h + "attn.c_proj.bias"));
            t.put(o + "norm2.weight", tensor(root, h + "ln_2.weight"));
            t.put(o + "norm2.bias", tensor(root, h + "ln_2.bias"));
            t.put(o + "ffn.up.weight", tensor(root, h + "mlp.c_fc.weight"));
            t.put(o + "ffn.up.bias", tensor(root, h + "mlp.c_fc.bias"));
            t.put(o + "ffn.down.weight", tensor(root, h + "mlp.c_proj.weight"));
            t.put(o + "ffn.down.bias", tensor(root, h + "mlp.c_proj.bias"));
            ignored.add(h + "attn.bias");
        }
        t.put("final_norm.weight", tensor(root, "transformer.ln_f.weight"));
        t.put("final_norm.bias", tensor(root, "transformer.ln_f.bias"));
        t.put("head.weight", tensor(root, "lm_head.weight"));
        return new ImportedWeights("minGPT JSON", config, t, ignored);
    }

    private static int field(JsonNode c, String name) {
        if (!c.path(name).canConvertToInt()) {
            throw new IllegalArgumentException("The minGPT config lacks the integer field '" + name + "'");
        }
        return c.get(name).asInt();
    }

    private static Tensor tensor(JsonNode root, String name) {
        JsonNode node = root.path(name);
        if (node.isMissingNode()) {
            throw new IllegalArgumentException("Tensor '" + name + "' is missing from the minGPT checkpoint");
        }
        if (!"torch.float32".equals(node.path("dtype").asText("torch.float32"))) {
            throw new IllegalArgumentException("Tensor '" + name + "' has dtype " + node.path("dtype").asText() + "; expected torch.float32");
        }
        long[] shape = new long[node.path("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = node.path("shape").get(i).asLong();
        }
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(node.path("data").asText())).order(ByteOrder.LITTLE_ENDIAN);
        float[] data = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(data);
        return new Tensor(data, shape, name);
    }
}
