package org.llmplayground.model;

import org.llmplayground.core.Troubleshooting;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.llmplayground.core.BadInputException;
import org.llmplayground.model.io.ImportedWeights;
import org.llmplayground.model.io.SafetensorsFile;
import org.llmplayground.model.io.Tensor;
import org.llmplayground.model.io.WeightFormats;
import org.llmplayground.model.nn.Probe;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Weights imported through our readers into our DJL transformer give what PyTorch computes from the same weights
 * (fixtures made by src/test/python/model_reference.py): logits, the residual stream after block 0 and layer 0's
 * attention, each to 1e-4.
 */
class WeightImportTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures/model");
    static final float TOLERANCE = 1e-4f;

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "llama-tiny", "llama-tiny-bf16", "stories260K", "gpt-nano-sort"})
    void importedModelMatchesPyTorch(String name) throws IOException {
        Path source = switch (name) {
            case "stories260K" -> Path.of("models/stories260K/stories260K.bin");
            case "gpt-nano-sort" -> Path.of("models/gpt-nano-sort/gpt-nano-sort-model.json");
            default -> FIXTURES.resolve(name);
        };
        ImportedWeights weights = WeightFormats.read(source);
        try (SafetensorsFile ref = SafetensorsFile.open(FIXTURES.resolve(name).resolve("reference.safetensors"));
             LoadedModel model = ModelFactory.fromWeights(name, name, "", weights, Device.cpu(), TokenCodecs.ids(weights.config().vocabSize()))) {
            long[] ids = ref.longs("input_ids");
            float[][] captured = new float[2][];
            float[] logits;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray x = model.manager().create(ids, new Shape(1, ids.length));
                logits = model.network().logits(model.parameterStore(), x, null, false, new Probe() {
                    @Override
                    public void attention(int layer, NDArray w) {
                        if (layer == 0) {
                            captured[0] = w.toFloatArray();
                        }
                    }

                    @Override
                    public void blockOutput(int layer, NDArray h) {
                        if (layer == 0) {
                            captured[1] = h.toFloatArray();
                        }
                    }
                }).toFloatArray();
            }
            assertClose(logits, ref.tensor("logits").data(), name + " logits");
            assertClose(captured[1], ref.tensor("hidden.0").data(), name + " residual stream after block 0");
            assertClose(captured[0], ref.tensor("attention.0").data(), name + " layer 0 attention");
        }
    }

    static void assertClose(float[] actual, float[] expected, String what) {
        assertThat(actual).as(what + " size").hasSameSizeAs(expected);
        float worst = 0;
        for (int i = 0; i < actual.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        assertThat(worst).as(what + ": largest difference").isLessThan(TOLERANCE);
    }

    @Test
    void bundledFormatsGiveTheirConfigs() throws IOException {
        ModelConfig stories = WeightFormats.read(Path.of("models/stories260K/stories260K.bin")).config();
        assertThat(stories).isEqualTo(ModelPresets.get("tinystories-260k").config());
        ModelConfig sort = WeightFormats.read(Path.of("models/gpt-nano-sort/gpt-nano-sort-model.json")).config();
        // every tensor of the checkpoint except the attention-mask buffers: 41 tensors, 85,728 values (PROVENANCE.txt
        // says 85,296, which leaves out the three c_attn biases, 3 × 144)
        assertThat(ParameterCounter.count(sort).total()).isEqualTo(85_728);
    }

    @Test
    void missingAndMisShapedTensorsAreNamed(@TempDir Path dir) throws IOException {
        Path gpt2 = FIXTURES.resolve("gpt2-tiny");
        Path missing = copyWithout(gpt2, dir.resolve("missing"), "h.1.ln_2.bias");
        assertThatThrownBy(() -> WeightFormats.read(missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Tensor 'h.1.ln_2.bias' is missing from the checkpoint");

        Path shorter = copyWithout(gpt2, dir.resolve("shorter"), null);
        Files.writeString(shorter.resolve("config.json"), Files.readString(gpt2.resolve("config.json"))
                .replace("\"n_positions\": 32", "\"n_positions\": 16"));
        ImportedWeights w = WeightFormats.read(shorter);
        assertThatThrownBy(() -> ModelFactory.fromWeights("x", "x", "", w, Device.cpu(), TokenCodecs.ids(97)))
                .isInstanceOf(BadInputException.class)
                .hasMessage("Tensor 'wpe.weight' has shape [32, 24]; the config needs [16, 24] for 'pos_emb.weight'.");
    }

    @Test
    void aTrainingCheckpointFolderIsAWeightFormat() throws IOException {
        ImportedWeights w = WeightFormats.read(Path.of("models/shakespeare-char"));
        assertThat(w.format()).isEqualTo("llm-playground checkpoint");
        assertThat(w.config().layers()).isEqualTo(4);
        assertThat(w.config().vocabSize()).isEqualTo(65);
        assertThat(w.tensors().get("layers.0.attn.q.weight").shape()).containsExactly(128, 128);
        assertThat(org.llmplayground.model.io.PlaygroundCheckpoint.tokenizer(Path.of("models/shakespeare-char")).chars()).hasSize(65);
    }

    @Test
    void unknownAndBrokenFilesAreRefused(@TempDir Path dir) throws IOException {
        Path notes = Files.writeString(dir.resolve("notes.txt"), "hello");
        assertThatThrownBy(() -> WeightFormats.read(notes)).hasMessageStartingWith("Unknown weight format at notes.txt: expected a checkpoint folder of the Training lab, a folder with config.json");
        byte[] stories = Files.readAllBytes(Path.of("models/stories260K/stories260K.bin"));
        Path truncated = Files.write(dir.resolve("cut.bin"), Arrays.copyOf(stories, 500_000));
        assertThatThrownBy(() -> WeightFormats.read(truncated))
                .hasMessage("Not a llama2.c checkpoint: the header implies 1056540 bytes but the file has 500000");
        Path bert = Files.createDirectories(dir.resolve("bert"));
        Files.writeString(bert.resolve("config.json"), "{\"model_type\": \"bert\"}");
        Files.copy(FIXTURES.resolve("gpt2-tiny/model.safetensors"), bert.resolve("model.safetensors"));
        assertThatThrownBy(() -> WeightFormats.read(bert)).hasMessage("config.json has model_type 'bert'; the importer reads 'gpt2' and 'llama'")
                .matches(e -> Troubleshooting.linkFor(e.getMessage()).orElseThrow().equals("/docs/troubleshooting#an-import-fails"));
        Path garbage = Files.createDirectories(dir.resolve("garbage"));
        Files.writeString(garbage.resolve("config.json"), "{\"model_type\": \"gpt2\"}");
        Files.write(garbage.resolve("model.safetensors"), new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertThatThrownBy(() -> WeightFormats.read(garbage)).hasMessageContaining("is not a safetensors file");
    }

    @Test
    void halfPrecisionWidensExactly() {
        assertThat(invokeHalf((short) 0x3C00)).isEqualTo(1.0f);
        assertThat(invokeHalf((short) 0xC000)).isEqualTo(-2.0f);
        assertThat(invokeHalf((short) 0x7BFF)).isEqualTo(65504f);
        assertThat(invokeHalf((short) 0x0001)).isEqualTo(5.9604645e-8f);
    }

    static float invokeHalf(short h) {
        try {
            var m = SafetensorsFile.class.getDeclaredMethod("halfToFloat", short.class);
            m.setAccessible(true);
            return (float) m.invoke(null, h);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Copies a Hugging Face fixture folder, optionally leaving one tensor out of model.safetensors. */
    static Path copyWithout(Path from, Path to, String drop) throws IOException {
        Files.createDirectories(to);
        Files.copy(from.resolve("config.json"), to.resolve("config.json"));
        Map<String, Tensor> kept = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(from.resolve("model.safetensors"))) {
            for (String name : f.entries().keySet()) {
                if (!name.equals(drop)) {
                    kept.put(name, f.tensor(name));
                }
            }
        }
        writeSafetensors(kept, to.resolve("model.safetensors"));
        return to;
    }

    static void writeSafetensors(Map<String, Tensor> tensors, Path path) throws IOException {
        org.llmplayground.model.io.SafetensorsWriter.write(tensors, path);
    }
}
