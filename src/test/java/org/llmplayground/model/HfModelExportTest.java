package org.llmplayground.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.llmplayground.model.io.HfExporter;
import org.llmplayground.model.io.HfImporter;
import org.llmplayground.model.io.ImportedWeights;
import org.llmplayground.model.io.SafetensorsFile;
import org.llmplayground.model.io.Tensor;
import org.llmplayground.model.io.WeightFormats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Export as a Hugging Face folder is the importer run backwards: a gpt2 and a llama model exported and read back give
 * the same config, the same tensors bit for bit, and the logits PyTorch computed from the originals (the fixtures of
 * model_reference.py); and the bundled GPT-2 mini, exported, is read by Debian's PyTorch (src/test/python/
 * export_reference.py, its own safetensors reader and a GPT2LMHeadModel forward) into the logits our model computes.
 */
class HfModelExportTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures/model");
    static final Path EXPORT_FIXTURE = Path.of("src/test/resources/fixtures/export/gpt2-mini.json");

    static LoadedModel load(ImportedWeights w) {
        return ModelFactory.fromWeights("m", "m", "", w, Device.cpu(), TokenCodecs.ids(w.config().vocabSize()));
    }

    static void export(LoadedModel m, Path dir) throws IOException {
        Map<String, Parameter> params = new LinkedHashMap<>();
        m.network().getParameters().forEach(p -> params.put(p.getKey(), p.getValue()));
        HfExporter.write(m.config(), n -> new Tensor(m.network().values(params.get(n)), params.get(n).getArray().getShape().getShape(), n),
                Map.of(), dir);
    }

    static float[] logits(LoadedModel m, long[] ids) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = m.manager().create(ids, new Shape(1, ids.length));
            return m.network().logits(m.parameterStore(), x, null, false, null).toFloatArray();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "llama-tiny"})
    void exportedFolderReadsBackToTheSameModel(String name, @TempDir Path dir) throws IOException {
        ImportedWeights original = WeightFormats.read(FIXTURES.resolve(name));
        try (LoadedModel m = load(original); SafetensorsFile ref = SafetensorsFile.open(FIXTURES.resolve(name).resolve("reference.safetensors"))) {
            export(m, dir);
            assertThat(HfImporter.looksLike(dir)).isTrue();
            ImportedWeights back = HfImporter.read(dir);
            assertThat(back.config()).isEqualTo(original.config());
            assertThat(back.ignored()).isEmpty();
            assertThat(back.tensors().keySet()).isEqualTo(original.tensors().keySet());
            original.tensors().forEach((k, t) -> assertThat(back.tensors().get(k).data()).as(k).isEqualTo(t.data()));
            try (LoadedModel again = load(back)) {
                WeightImportTest.assertClose(logits(again, ref.longs("input_ids")), ref.tensor("logits").data(), name + " exported logits");
            }
        }
    }

    @Test
    void debianPyTorchReadsTheExportedGpt2MiniIntoTheSameLogits() throws Exception {
        Path dir = Path.of("target/export-check/gpt2-mini");
        ImportedWeights w = WeightFormats.read(Path.of("models/gpt2-mini"));
        try (LoadedModel m = load(w)) {
            export(m, dir);
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(dir.resolve("model.safetensors"))));
            assertThat(EXPORT_FIXTURE).as("make it with: /usr/bin/python3 src/test/python/export_reference.py (after this test wrote "
                    + dir + ")").exists();
            JsonNode fixture = new ObjectMapper().readTree(EXPORT_FIXTURE.toFile());
            assertThat(sha).as("the fixture was made from exactly these bytes").isEqualTo(fixture.get("model_sha256").asText());
            long[] ids = new ObjectMapper().convertValue(fixture.get("input_ids"), long[].class);
            float[] ours = logits(m, ids);
            int vocab = w.config().vocabSize();
            int stride = fixture.get("vocab_stride").asInt();
            JsonNode theirs = fixture.get("logits");
            float worst = 0;
            int k = 0;
            for (int t = 0; t < ids.length; t++) {
                int best = 0;
                for (int v = 0; v < vocab; v++) {
                    if (ours[t * vocab + v] > ours[t * vocab + best]) {
                        best = v;
                    }
                }
                assertThat(best).as("argmax at position " + t).isEqualTo(fixture.get("argmax").get(t).asInt());
                for (int v = 0; v < vocab; v += stride) {
                    worst = Math.max(worst, Math.abs(ours[t * vocab + v] - (float) theirs.get(k++).asDouble()));
                }
            }
            assertThat(k).isEqualTo(theirs.size());
            assertThat(worst).as("largest logit difference from PyTorch").isLessThan(WeightImportTest.TOLERANCE);
        }
    }

    @Test
    void configsWithoutATransformersClassAreRefusedWithTheReason() {
        assertThatThrownBy(() -> HfExporter.family(ModelConfig.gpt2Style().positionEncoding(PositionEncoding.SINUSOIDAL).build()))
                .hasMessage("A model with learned or no RoPE positions exports as GPT-2, which needs learned positions (it has SINUSOIDAL).");
        assertThatThrownBy(() -> HfExporter.family(ModelConfig.llamaStyle().norm(NormType.LAYER_NORM).build()))
                .hasMessage("A RoPE model exports as Llama, which needs RMSNorm, SwiGLU, no biases and unscaled embeddings; this one has "
                        + "LAYER_NORM, SWIGLU.");
        assertThatThrownBy(() -> HfExporter.family(ModelConfig.gpt2Style().normPlacement(NormPlacement.POST).build()))
                .hasMessage("Only pre-norm transformers export (GPT-2 and Llama both normalise before each sublayer); this one is post-norm.");
    }
}
