package org.llmplayground.model.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.app.web.JettyServer;
import org.llmplayground.core.Workspace;
import org.llmplayground.model.ModelPresets;
import org.llmplayground.support.TestApp;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every /api/v1/transformer endpoint against the running app (model memory capped at 1 GiB). */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransformerApiTest implements TestPropertyProvider {
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    JettyServer jetty;
    @Inject
    Workspace workspace;
    @Inject
    org.llmplayground.model.ModelService models;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(TestApp.freshWorkspace("transformer-api"));
        p.put("playground.model.max-bytes", String.valueOf(1L << 30));
        return p;
    }

    JsonNode post(String path, Object body, int status) throws Exception {
        HttpResponse<String> r = TestApp.postJson(jetty.baseUrl() + "/api/v1/transformer" + path, JSON.writeValueAsString(body));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    static Map<String, Object> gpt2Config(Map<String, Object> changes) throws Exception {
        Map<String, Object> c = JSON.convertValue(ModelPresets.get("gpt2-small").config(), Map.class);
        c.putAll(changes);
        return c;
    }

    @Test
    void presetsHaveIdsAndConfigs() throws Exception {
        JsonNode presets = JSON.readTree(TestApp.get(jetty.baseUrl() + "/api/v1/transformer/presets").body());
        List<String> ids = new java.util.ArrayList<>();
        presets.forEach(p -> ids.add(p.get("id").asText()));
        assertThat(ids).contains("bigram", "baby-gpt", "gpt2-small", "gpt2-medium", "gpt2-large", "gpt2-xl", "llama2-7b", "tinystories-15m");
        assertThat(presets.get(2).get("config").get("embeddingSize").asInt()).isEqualTo(768);
    }

    @Test
    void parameterCountFromPresetOrConfig() throws Exception {
        JsonNode byPreset = post("/parameter-count", Map.of("preset", "gpt2-small"), 200);
        assertThat(byPreset.get("total").asLong()).isEqualTo(124_439_808L);
        assertThat(byPreset.get("breakdown").get(0).get("name").asText()).isEqualTo("Token embedding");
        assertThat(post("/parameter-count", Map.of("preset", "llama2-7b"), 200).get("total").asLong()).isEqualTo(6_738_415_616L);
        JsonNode untied = post("/parameter-count", Map.of("config", gpt2Config(Map.of("tiedEmbeddings", false))), 200);
        assertThat(untied.get("total").asLong()).isEqualTo(124_439_808L + 50257L * 768);
    }

    @Test
    void configureValidatesAndAnalyses() throws Exception {
        JsonNode a = post("/configure", Map.of("preset", "gpt2-small", "batch", 8, "sequence", 1024), 200);
        assertThat(a.get("parameters").get("total").asLong()).isEqualTo(124_439_808L);
        assertThat(a.get("memory").get(0).get("precision").asText()).isEqualTo("FP32");
        assertThat(a.get("memory").get(0).get("weights").asLong()).isEqualTo(4 * 124_439_808L);
        assertThat(a.get("flow").toString()).contains("(8, 12, 1,024, 1,024)");

        assertThat(post("/configure", Map.of("config", gpt2Config(Map.of("heads", 5, "kvHeads", 5))), 400).get("message").asText())
                .isEqualTo("Invalid model config: embeddingSize (768) must be divisible by heads (5): each head gets embeddingSize / heads dimensions.");
        assertThat(post("/configure", Map.of("config", gpt2Config(Map.of("layers", 0, "contextLength", 0))), 400).get("message").asText())
                .isEqualTo("Invalid model config: contextLength must be between 1 and 1,048,576 (got 0). layers must be between 1 and 1,000 (got 0).");
        assertThat(post("/configure", Map.of("config", gpt2Config(Map.of("vocabSize", 1000)), "tokenizer", "gpt2"), 400).get("message").asText())
                .isEqualTo("vocabSize (1,000) is smaller than the gpt2 tokenizer's vocabulary (50,257): token ids from 1,000 up would have no embedding row.");
        assertThat(post("/configure", Map.of("preset", "gpt9"), 400).get("message").asText()).startsWith("Unknown preset 'gpt9'. Known: bigram, baby-gpt");
        assertThat(post("/configure", Map.of(), 400).get("message").asText()).isEqualTo("Give a preset (e.g. \"gpt2-small\") or a full config.");
        assertThat(post("/configure", Map.of("config", Map.of("architecture", "TRANSFORMER", "positionEncoding", "ALIBI")), 400)
                .get("message").asText()).startsWith("A value in the request body has the wrong type: expected ModelConfig at line 1");
    }

    @Test
    void compareSideBySide() throws Exception {
        JsonNode r = post("/compare", Map.of("models", List.of(Map.of("preset", "gpt2-small"), Map.of("preset", "gpt2-medium"),
                Map.of("config", gpt2Config(Map.of("layers", 6))))), 200);
        assertThat(r.size()).isEqualTo(3);
        assertThat(r.get(1).get("parameters").get("total").asLong()).isEqualTo(354_823_168L);
        assertThat(r.get(2).get("parameters").get("total").asLong()).isEqualTo(124_439_808L - 6 * 7_087_872L);
    }

    @Test
    void buildRunsAForwardPassAndRefusesWhatDoesNotFit() throws Exception {
        JsonNode ok = post("/build", Map.of("preset", "baby-gpt", "tokens", 64), 200);
        assertThat(ok.get("parameters").asLong()).isEqualTo(10_745_088L);
        assertThat(ok.get("outputShape").toString()).isEqualTo("[1,64,65]");
        JsonNode big = post("/build", Map.of("preset", "gpt2-xl"), 413);
        assertThat(big.get("message").asText()).matches("gpt2-xl needs about 5\\.9 GiB \\(FP32 weights 5\\.8 GiB plus a forward pass\\); "
                + "only 1\\.0 GiB is available for models here\\. Pick a smaller configuration\\.");
        assertThat(big.get("help").asText()).isEqualTo("/docs/troubleshooting#out-of-memory");
        assertThat(ok.has("help")).isFalse();
    }

    @Test
    void attentionOfTheBundledSortModel() throws Exception {
        JsonNode r = post("/visualize/attention", Map.of("model", "gpt-nano-sort", "input", "2 0 1 1 0 2 0 0 1"), 200);
        assertThat(r.get("tokens").toString()).isEqualTo("[\"2\",\"0\",\"1\",\"1\",\"0\",\"2\",\"0\",\"0\",\"1\"]");
        JsonNode att = r.get("attention");
        assertThat(att.size()).isEqualTo(3);          // layers
        assertThat(att.get(0).size()).isEqualTo(3);   // heads
        JsonNode row = att.get(2).get(1).get(4);       // layer 2, head 1, query 4
        double sum = 0;
        for (int k = 0; k < row.size(); k++) {
            sum += row.get(k).asDouble();
            if (k > 4) {
                assertThat(row.get(k).asDouble()).as("no attention to the future").isZero();
            }
        }
        assertThat(sum).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
        assertThat(r.get("next").get(0).get("label").asText()).isEqualTo("1"); // 0 0 1 1 2 2: after "0 0 1" comes 1
        assertThat(r.get("activations").size()).isEqualTo(4);

        JsonNode one = post("/visualize/attention", Map.of("model", "gpt-nano-sort", "input", "2 0 1", "layer", 1, "head", 2), 200);
        assertThat(one.get("attention").size()).isEqualTo(1);
        assertThat(one.get("attention").get(0).size()).isEqualTo(1);
        assertThat(post("/visualize/attention", Map.of("model", "gpt-nano-sort", "input", "2 0 1", "layer", 7), 400).get("message").asText())
                .isEqualTo("layer 7 does not exist: the model has 3 layers (0 to 2).");
        assertThat(post("/visualize/attention", Map.of("model", "gpt-nano-sort", "input", "2 0 5"), 400).get("message").asText())
                .isEqualTo("'5' is not a digit from 0 to 2.");
        assertThat(post("/visualize/attention", Map.of("model", "gpt-nano-sort", "input", "0".repeat(12)), 400).get("message").asText())
                .isEqualTo("The input has 12 tokens; gpt-nano sort (minGPT) reads at most 11.");
        assertThat(post("/visualize/attention", Map.of("model", "nope", "input", "1"), 404).get("message").asText())
                .startsWith("Unknown model 'nope'. Loaded: shakespeare-char, gpt-nano-sort, stories260k");
        assertThat(post("/visualize/attention", Map.of("model", "stories260k", "input", "1, 403, 600"), 400).get("message").asText())
                .isEqualTo("Token id 600 is outside this model's vocabulary (0 to 511).");
    }

    @Test
    void importFromTheWorkspaceImportsFolder() throws Exception {
        Path imports = workspace.home().resolve("imports");
        Path target = Files.createDirectories(imports.resolve("llama-tiny"));
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.copy(Path.of("src/test/resources/fixtures/model/llama-tiny").resolve(f), target.resolve(f));
        }
        JsonNode info = post("/models/import", Map.of("name", "llama-tiny"), 201);
        assertThat(info.get("id").asText()).isEqualTo("import-llama-tiny");
        assertThat(info.get("config").get("kvHeads").asInt()).isEqualTo(2);
        JsonNode r = post("/visualize/attention", Map.of("model", "import-llama-tiny", "input", "1 7 88 0"), 200);
        assertThat(r.get("attention").get(0).size()).isEqualTo(4);

        assertThat(post("/models/import", Map.of("name", "../../etc"), 400).get("message").asText())
                .isEqualTo("The path '../../etc' is not allowed: it must name something inside the workspace.");
        assertThat(post("/models/import", Map.of("name", "nothing-here"), 404).get("message").asText())
                .startsWith("Nothing named 'nothing-here' in the imports folder");
        Files.writeString(imports.resolve("notes.json"), "{\"hello\": 1}");
        assertThat(post("/models/import", Map.of("name", "notes.json"), 400).get("message").asText())
                .startsWith("Unknown weight format at notes.json");

        assertThat(TestApp.send("DELETE", jetty.baseUrl() + "/api/v1/transformer/models/import-llama-tiny", null).statusCode()).isEqualTo(204);
        assertThat(TestApp.send("DELETE", jetty.baseUrl() + "/api/v1/transformer/models/gpt-nano-sort", null).statusCode()).isEqualTo(400);
    }

    /**
     * A Hugging Face folder with vocab.json + merges.txt (no tokenizer.json) encodes with its own vocabulary: here
     * GPT-2's with the ids of "Hello" and "Ġworld" swapped, so the app's built-in GPT-2 tokenizer would give the
     * opposite ids.
     */
    @Test
    void importedFolderEncodesWithItsOwnVocabAndMerges() throws Exception {
        Path target = Files.createDirectories(workspace.home().resolve("imports").resolve("gpt2-own"));
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.copy(Path.of("models/gpt2-mini").resolve(f), target.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Map<String, Integer> vocab = JSON.readValue(Path.of("data/gpt2-tokenizer/encoder.json").toFile(),
                new com.fasterxml.jackson.core.type.TypeReference<java.util.LinkedHashMap<String, Integer>>() {
                });
        vocab.put("Hello", 995);
        vocab.put("\u0120world", 15496);
        JSON.writeValue(target.resolve("vocab.json").toFile(), vocab);
        Files.copy(Path.of("data/gpt2-tokenizer/vocab.bpe"), target.resolve("merges.txt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(post("/models/import", Map.of("name", "gpt2-own"), 201).get("id").asText()).isEqualTo("import-gpt2-own");
        org.llmplayground.model.LoadedModel m = models.get("import-gpt2-own");
        assertThat(m.codec().encode("Hello world")).containsExactly(995, 15496);
        assertThat(models.get(org.llmplayground.model.ModelService.GPT2_MINI_MODEL).codec().encode("Hello world")).containsExactly(15496, 995);
        Files.writeString(target.resolve("merges.txt"), "#version: 0.2\nĠ t\nthree parts here\n");
        assertThat(post("/models/import", Map.of("name", "gpt2-own"), 400).get("message").asText())
                .isEqualTo("Cannot read the tokenizer of gpt2-own: merges.txt: 'three parts here' is not two tokens separated by a space");
    }
}
