package org.llmplayground.finetune;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmplayground.core.BadInputException;
import org.llmplayground.model.io.ImportedWeights;
import org.llmplayground.model.io.SafetensorsFile;
import org.llmplayground.model.io.WeightFormats;
import org.llmplayground.model.nn.Lora;
import org.llmplayground.model.nn.Transformer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Adapters in PEFT's files: PEFT's own adapter is read exactly, ours are written as PEFT writes them, and read back. */
class PeftAdaptersTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/lora");
    NDManager manager;
    Transformer model;

    @BeforeEach
    void gpt2Mini() throws Exception {
        ImportedWeights w = WeightFormats.read(Path.of("models/gpt2-mini"));
        manager = NDManager.newBaseManager();
        model = new Transformer(w.config());
        model.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
        for (Pair<String, Parameter> p : model.getParameters()) {
            p.getValue().getArray().set(w.tensors().get(p.getKey()).data());
        }
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void peftsAdapterIsReadWithItsSettingsAndWeights() throws Exception {
        Lora lora = PeftAdapters.load(GOLDEN.resolve("peft_adapter_after_step3"), model);
        assertThat(lora.spec()).isEqualTo(new Lora.Spec(8, 16, 0, Set.of("qkv"), Set.of()));
        try (SafetensorsFile after = SafetensorsFile.open(GOLDEN.resolve("adapter_after_step3.safetensors"))) {
            for (int i = 0; i < 2; i++) {
                Lora.Adapter a = lora.adapters().get("layers." + i + ".attn.qkv");
                assertThat(a.a().getArray().toFloatArray()).isEqualTo(after.tensor("base_model.model.transformer.h." + i + ".attn.c_attn.lora_A.weight").data());
                assertThat(a.b().getArray().toFloatArray()).isEqualTo(after.tensor("base_model.model.transformer.h." + i + ".attn.c_attn.lora_B.weight").data());
            }
        }
    }

    @Test
    void oursAreWrittenInPeftsLayoutAndReadBack(@TempDir Path dir) throws Exception {
        Lora lora = PeftAdapters.load(GOLDEN.resolve("peft_adapter_after_step3"), model);
        float[] a0 = lora.adapters().get("layers.0.attn.qkv").a().getArray().toFloatArray();
        PeftAdapters.save(model, "gpt2-mini", dir);
        JsonNode config = new ObjectMapper().readTree(dir.resolve(PeftAdapters.CONFIG).toFile());
        JsonNode peft = new ObjectMapper().readTree(GOLDEN.resolve("peft_adapter_after_step3").resolve(PeftAdapters.CONFIG).toFile());
        for (String field : new String[]{"peft_type", "task_type", "r", "lora_alpha", "target_modules", "fan_in_fan_out", "bias",
                "lora_dropout", "use_rslora", "use_dora"}) {
            assertThat(config.get(field).asText()).as(field).isEqualTo(peft.get(field).asText());
        }
        try (SafetensorsFile ours = SafetensorsFile.open(dir.resolve(PeftAdapters.WEIGHTS));
             SafetensorsFile theirs = SafetensorsFile.open(GOLDEN.resolve("peft_adapter_after_step3").resolve(PeftAdapters.WEIGHTS))) {
            assertThat(ours.entries().keySet()).isEqualTo(theirs.entries().keySet());
            for (String key : theirs.entries().keySet()) {
                assertThat(ours.tensor(key).data()).as(key).isEqualTo(theirs.tensor(key).data());
                assertThat(ours.entries().get(key).shape()).isEqualTo(theirs.entries().get(key).shape());
            }
        }
        model.detachLora();
        assertThat(PeftAdapters.load(dir, model).adapters().get("layers.0.attn.qkv").a().getArray().toFloatArray()).isEqualTo(a0);
    }

    @Test
    void anAdapterOfAnotherModelIsRefusedAndTheBaseStaysAsItWas(@TempDir Path dir) throws Exception {
        Path llama = Files.createDirectories(dir.resolve("llama-adapter"));
        Files.writeString(llama.resolve(PeftAdapters.CONFIG), "{\"peft_type\": \"LORA\", \"r\": 8, \"lora_alpha\": 16, "
                + "\"target_modules\": [\"q_proj\", \"v_proj\"]}");
        assertThatThrownBy(() -> PeftAdapters.load(llama, model)).isInstanceOf(BadInputException.class)
                .hasMessage("The adapter targets 'q_proj', which a gpt2 model does not have (it has c_attn, c_fc, c_proj).");
        // the right module, but rank 4 weights under a rank 8 config: trained on another base
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.copy(GOLDEN.resolve("peft_adapter_after_step3").resolve(PeftAdapters.WEIGHTS), other.resolve(PeftAdapters.WEIGHTS));
        Files.writeString(other.resolve(PeftAdapters.CONFIG), "{\"peft_type\": \"LORA\", \"r\": 4, \"lora_alpha\": 8, \"target_modules\": [\"c_attn\"]}");
        assertThatThrownBy(() -> PeftAdapters.load(other, model)).isInstanceOf(BadInputException.class)
                .hasMessage("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight has shape [8, 64] but this model needs [4, 64]: "
                        + "the adapter was trained on another base.");
        assertThat(model.lora()).isNull();
        for (Pair<String, Parameter> p : model.getParameters()) {
            assertThat(p.getValue().requiresGradient()).as(p.getKey()).isTrue(); // unfrozen again
        }
        model.attachLora(new Lora.Spec(4, 8, 0, Set.of("q"), Set.of()), 1);
        assertThatThrownBy(() -> PeftAdapters.save(model, "gpt2-mini", dir.resolve("q-only"))).isInstanceOf(BadInputException.class)
                .hasMessage("LoRA on 'q' has no module of its own in a gpt2 model on the Hugging Face Hub, so PEFT could not read it; "
                        + "adapt down, o, qkv, up.");
    }

    @Test
    void badSettingsAreRefusedBeforeAnythingChanges() {
        assertThatThrownBy(() -> model.attachLora(new Lora.Spec(0, 16, 0, Set.of("qkv"), Set.of()), 1))
                .hasMessage("The LoRA rank must be between 1 and 64 for qkv (64 → 192); got 0.");
        assertThatThrownBy(() -> model.attachLora(new Lora.Spec(100, 16, 0, Set.of("o"), Set.of()), 1))
                .hasMessage("The LoRA rank must be between 1 and 64 for o (64 → 64); got 100.");
        assertThatThrownBy(() -> model.attachLora(new Lora.Spec(8, 16, 0, Set.of("c_attn"), Set.of()), 1))
                .hasMessage("Unknown LoRA target 'c_attn': this model's linear layers are qkv, q, k, v, o, up, gate, down.");
        assertThatThrownBy(() -> model.attachLora(new Lora.Spec(8, 16, 0, Set.of("gate"), Set.of()), 1))
                .hasMessage("LoRA target 'gate' needs a gated (SwiGLU) feed-forward; this model's is gelu_tanh (adapt up and down instead).");
        assertThatThrownBy(() -> model.attachLora(new Lora.Spec(8, 16, 0, Set.of("qkv"), Set.of(2)), 1))
                .hasMessage("Layer 2 does not exist: this model has layers 0 to 1.");
        assertThat(model.lora()).isNull();
        Lora lora = model.attachLora(new Lora.Spec(4, 8, 0, Set.of("qkv", "o", "up", "down"), Set.of(1)), 1);
        // layer 1 only: qkv 4·(64 + 192) + o 4·(64 + 64) + up 4·(64 + 256) + down 4·(256 + 64)
        assertThat(lora.trainableParameters()).isEqualTo(4L * (256 + 128 + 320 + 320));
        assertThat(lora.adapters().keySet()).containsExactly("layers.1.attn.qkv", "layers.1.attn.o", "layers.1.ffn.up", "layers.1.ffn.down");
    }
}
