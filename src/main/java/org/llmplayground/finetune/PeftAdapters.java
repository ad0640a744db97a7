package org.llmplayground.finetune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.llmplayground.core.BadInputException;
import org.llmplayground.model.ModelConfig;
import org.llmplayground.model.NormType;
import org.llmplayground.model.PositionEncoding;
import org.llmplayground.model.io.SafetensorsFile;
import org.llmplayground.model.io.SafetensorsWriter;
import org.llmplayground.model.io.Tensor;
import org.llmplayground.model.nn.Lora;
import org.llmplayground.model.nn.Transformer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * LoRA adapters on disk in Hugging Face PEFT's layout, so PEFT ({@code PeftModel.from_pretrained}) reads what this
 * app trains and this app reads what PEFT trains:
 * <pre>
 *   adapter_config.json        {"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ["c_attn"], …}
 *   adapter_model.safetensors  base_model.model.transformer.h.0.attn.c_attn.lora_A.weight  [r, in]
 *                              base_model.model.transformer.h.0.attn.c_attn.lora_B.weight  [out, r]  …
 * </pre>
 * Module names are those of the base model's Hugging Face family: GPT-2 (learned positions, LayerNorm) names the
 * fused attention input {@code c_attn}, the attention output {@code attn.c_proj}, the MLP {@code mlp.c_fc} and
 * {@code mlp.c_proj}; Llama (RoPE, RMSNorm) names {@code self_attn.q_proj … o_proj} and {@code mlp.gate_proj, up_proj,
 * down_proj}. A and B have the same shapes in both ({@code fan_in_fan_out} only changes how PEFT merges GPT-2's
 * transposed Conv1D weights).
 */
public final class PeftAdapters {
    public static final String CONFIG = "adapter_config.json";
    public static final String WEIGHTS = "adapter_model.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PeftAdapters() {
    }

    /** The Hugging Face family whose module names a model's adapters take. */
    enum Family {
        GPT2(Map.of("qkv", "attn.c_attn", "o", "attn.c_proj", "up", "mlp.c_fc", "down", "mlp.c_proj"), "transformer.h."),
        LLAMA(Map.of("q", "self_attn.q_proj", "k", "self_attn.k_proj", "v", "self_attn.v_proj", "o", "self_attn.o_proj",
                "gate", "mlp.gate_proj", "up", "mlp.up_proj", "down", "mlp.down_proj"), "model.layers.");

        final Map<String, String> modules;
        final String layers;

        Family(Map<String, String> modules, String layers) {
            this.modules = modules;
            this.layers = layers;
        }

        static Family of(ModelConfig c) {
            return c.positionEncoding() == PositionEncoding.ROPE && c.norm() == NormType.RMS_NORM ? LLAMA : GPT2;
        }

        /** "qkv" → "c_attn": the last part of the module name, what PEFT's target_modules lists. */
        String module(String target) {
            String m = modules.get(target);
            if (m == null) {
                throw new BadInputException("LoRA on '" + target + "' has no module of its own in a " + name().toLowerCase()
                        + " model on the Hugging Face Hub, so PEFT could not read it; adapt " + String.join(", ", new TreeSet<>(modules.keySet())) + ".");
            }
            return m;
        }

        /**
         * The targets a PEFT {@code target_modules} entry adapts: PEFT matches a module whose name ends with it, so
         * GPT-2's "c_proj" is both the attention output and the MLP's second layer, "attn.c_proj" only the first.
         */
        Set<String> targets(String peftModule) {
            Set<String> out = new TreeSet<>();
            for (Map.Entry<String, String> e : modules.entrySet()) {
                if (e.getValue().equals(peftModule) || e.getValue().endsWith("." + peftModule)) {
                    out.add(e.getKey());
                }
            }
            if (out.isEmpty()) {
                throw new BadInputException("The adapter targets '" + peftModule + "', which a " + name().toLowerCase()
                        + " model does not have (it has " + String.join(", ", new TreeSet<>(modules.values().stream()
                        .map(v -> v.substring(v.indexOf('.') + 1)).toList())) + ").");
            }
            return out;
        }

        /** The shortest name PEFT matches to this target alone: "c_attn", but "attn.c_proj" (GPT-2's MLP has a c_proj too). */
        String peftName(String target) {
            String full = module(target);
            String last = full.substring(full.indexOf('.') + 1);
            return targets(last).size() == 1 ? last : full;
        }
    }

    /** The safetensors key of one matrix of the adapter of {@code target} in {@code layer}. */
    static String key(Family f, int layer, String target, String ab) {
        return "base_model.model." + f.layers + layer + "." + f.module(target) + ".lora_" + ab + ".weight";
    }

    /** Writes the adapters of {@code model} into {@code dir} (created), with {@code base} as base_model_name_or_path. */
    public static void save(Transformer model, String base, Path dir) throws IOException {
        Lora lora = model.lora();
        if (lora == null) {
            throw new BadInputException("The model has no LoRA adapters to save.");
        }
        Family f = Family.of(model.config());
        Lora.Spec spec = lora.spec();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Set<String> modules = new LinkedHashSet<>();
        Set<Integer> layers = new TreeSet<>();
        for (Lora.Adapter a : lora.adapters().values()) {
            int layer = Integer.parseInt(a.name().split("\\.")[1]);
            String target = a.name().substring(a.name().lastIndexOf('.') + 1);
            modules.add(f.peftName(target));
            layers.add(layer);
            tensors.put(key(f, layer, target, "A"), new Tensor(a.a().getArray().toFloatArray(), a.a().getArray().getShape().getShape(), "A"));
            tensors.put(key(f, layer, target, "B"), new Tensor(a.b().getArray().toFloatArray(), a.b().getArray().getShape().getShape(), "B"));
        }
        ObjectNode c = JSON.createObjectNode();
        c.put("peft_type", "LORA");
        c.put("task_type", "CAUSAL_LM");
        c.put("base_model_name_or_path", base);
        c.put("r", spec.rank());
        if (spec.alpha() == Math.rint(spec.alpha())) {
            c.put("lora_alpha", (long) spec.alpha()); // an int, as PEFT writes it
        } else {
            c.put("lora_alpha", spec.alpha());
        }
        c.put("lora_dropout", spec.dropout());
        c.putPOJO("target_modules", List.copyOf(modules));
        c.put("fan_in_fan_out", f == Family.GPT2);
        c.put("bias", "none");
        c.put("inference_mode", true);
        c.put("init_lora_weights", true);
        if (!spec.layers().isEmpty()) {
            c.putPOJO("layers_to_transform", List.copyOf(layers));
        } else {
            c.putNull("layers_to_transform");
        }
        c.putNull("modules_to_save");
        c.put("use_rslora", false);
        c.put("use_dora", false);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(CONFIG), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(c));
        SafetensorsWriter.write(tensors, dir.resolve(WEIGHTS));
    }

    /** The LoRA settings an adapter folder describes, for {@code config}'s family (refused with the reason). */
    public static Lora.Spec spec(Path dir, ModelConfig config) throws IOException {
        JsonNode c = JSON.readTree(dir.resolve(CONFIG).toFile());
        if (!"LORA".equals(c.path("peft_type").asText())) {
            throw new BadInputException(dir.getFileName() + " is a " + c.path("peft_type").asText("?") + " adapter; only LoRA is read.");
        }
        if (c.path("use_dora").asBoolean(false) || c.path("use_rslora").asBoolean(false)) {
            throw new BadInputException(dir.getFileName() + " uses DoRA or rsLoRA, which this app does not implement.");
        }
        Family f = Family.of(config);
        Set<String> targets = new TreeSet<>();
        for (JsonNode m : c.path("target_modules")) {
            targets.addAll(f.targets(m.asText()));
        }
        Set<Integer> layers = new TreeSet<>();
        for (JsonNode l : c.path("layers_to_transform")) {
            layers.add(l.asInt());
        }
        return new Lora.Spec(c.path("r").asInt(), c.path("lora_alpha").asDouble(), c.path("lora_dropout").asDouble(0), targets, layers);
    }

    /** Attaches the adapters of {@code dir} to {@code model} (which must be their base's network) with their A and B. */
    public static Lora load(Path dir, Transformer model) throws IOException {
        Lora.Spec spec = spec(dir, model.config());
        Family f = Family.of(model.config());
        Lora lora;
        try {
            lora = model.attachLora(spec, 0);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("The adapter in " + dir.getFileName() + " does not fit this model: " + e.getMessage());
        }
        try (SafetensorsFile file = SafetensorsFile.open(dir.resolve(WEIGHTS))) {
            for (Lora.Adapter a : lora.adapters().values()) {
                int layer = Integer.parseInt(a.name().split("\\.")[1]);
                String target = a.name().substring(a.name().lastIndexOf('.') + 1);
                set(file, key(f, layer, target, "A"), a.a().getArray(), dir);
                set(file, key(f, layer, target, "B"), a.b().getArray(), dir);
            }
        } catch (RuntimeException | IOException e) {
            model.detachLora(); // the base model untouched
            throw e;
        }
        return lora;
    }

    private static void set(SafetensorsFile file, String key, ai.djl.ndarray.NDArray into, Path dir) throws IOException {
        if (!file.has(key)) {
            throw new BadInputException(dir.getFileName() + "/" + WEIGHTS + " has no '" + key + "'.");
        }
        Tensor t = file.tensor(key);
        long[] shape = into.getShape().getShape();
        if (!java.util.Arrays.equals(t.shape(), shape)) {
            throw new BadInputException(String.format("%s has shape %s but this model needs %s: the adapter was trained on another base.",
                    key, t.shapeText(), java.util.Arrays.toString(shape)));
        }
        into.set(t.data());
    }
}
