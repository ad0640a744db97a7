package org.llmplayground.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.llmplayground.app.web.JettyServer;
import org.llmplayground.core.Workspace;
import org.llmplayground.model.LoadedModel;
import org.llmplayground.model.ModelService;
import org.llmplayground.model.io.SafetensorsFile;
import org.llmplayground.model.nn.Quantized;
import org.llmplayground.support.TestApp;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The registry's REST API: the fixed list shape, kinds, quantization into a model of its own (int8 and q4) with its
 * file, its error bound against the original weights and its report, and deletion with the space freed.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelRegistryApiTest implements TestPropertyProvider {
    static final ObjectMapper JSON = new ObjectMapper();
    @Inject
    JettyServer jetty;
    @Inject
    ModelService models;
    @Inject
    Workspace workspace;

    @Override
    public Map<String, String> getProperties() {
        return TestApp.freshWorkspace("registry-api");
    }

    JsonNode call(String method, String path, Object body, int status) throws Exception {
        HttpResponse<String> r = TestApp.send(method, jetty.baseUrl() + "/api/v1/models" + path, body == null ? null : JSON.writeValueAsString(body));
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    @Test
    @Order(1)
    void everyModelIsListedInTheFixedShape() throws Exception {
        JsonNode list = call("GET", "", null, 200);
        assertThat(list.findValuesAsText("id")).contains(ModelService.GPT2_MINI_MODEL, ModelService.SHAKESPEARE_MODEL, ModelService.STORIES_MODEL,
                ModelService.SORT_MODEL);
        for (JsonNode m : list) {
            assertThat(m.has("id") && m.has("kind") && m.has("architecture") && m.has("parameters") && m.has("size_bytes")).isTrue();
            assertThat(m.get("kind").asText()).isEqualTo("bundled");
            assertThat(m.get("size_bytes").asLong()).isPositive();
        }
        JsonNode mini = call("GET", "/" + ModelService.GPT2_MINI_MODEL, null, 200);
        assertThat(mini.get("parameters").asLong()).isEqualTo(models.get(ModelService.GPT2_MINI_MODEL).info().parameters());
        assertThat(mini.get("architecture").asText()).isEqualTo("gpt2");
        assertThat(call("GET", "?q=wikitext", null, 200).findValuesAsText("id")).containsExactly(ModelService.GPT2_MINI_MODEL);
        assertThat(call("GET", "?kind=quantized", null, 200)).isEmpty();
        assertThat(call("GET", "/nope", null, 404).get("message").asText()).startsWith("Unknown model 'nope'.");
    }

    @Test
    @Order(2)
    void int8QuantizationHalvesTheSizeWithinItsErrorBound() throws Exception {
        JsonNode q = call("POST", "/" + ModelService.GPT2_MINI_MODEL + "/quantize", Map.of("format", "int8"), 201);
        assertThat(q.get("id").asText()).isEqualTo("gpt2-mini-int8");
        assertThat(q.get("kind").asText()).isEqualTo("quantized");
        assertThat(q.get("parent").asText()).isEqualTo(ModelService.GPT2_MINI_MODEL);
        assertThat(q.get("quantization").asText()).isEqualTo("int8");
        Path file = workspace.dir("models").resolve("quantized/gpt2-mini-int8/model.safetensors");
        assertThat(q.get("size_bytes").asLong()).isEqualTo(Files.size(file));
        long fp32 = models.get(ModelService.GPT2_MINI_MODEL).info().parameters() * 4;
        assertThat(q.get("size_bytes").asLong()).isLessThan(fp32 / 2);
        assertThat(q.get("memory_bytes").asLong()).isLessThan(fp32 / 2);
        // every stored code is within half a step of the original weight: |w − q·s| ≤ s/2
        LoadedModel original = models.get(ModelService.GPT2_MINI_MODEL);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.entries().get("tok_emb.weight.qcodes").dtype()).isEqualTo("I8");
            float[] w = original.network().values(original.network().getParameters().get("tok_emb.weight"));
            LoadedModel quantized = models.get("gpt2-mini-int8");
            float[] wq = quantized.network().values(quantized.network().getParameters().get("tok_emb.weight"));
            int cols = original.config().embeddingSize();
            Quantized.Codes c = Quantized.quantize(w, w.length / cols, cols, Quantized.Scheme.INT8);
            for (int i = 0; i < w.length; i++) {
                assertThat(Math.abs(w[i] - wq[i])).isLessThanOrEqualTo(c.scales()[i / cols] / 2 + 1e-7f);
            }
        }
        // it generates and is scored like any model; the report compares it with its original
        JsonNode report = call("GET", "/gpt2-mini-int8/quantization", null, 200);
        assertThat(report.get("size_bytes").get("change").asDouble()).isLessThan(-0.5);
        double change = report.get("perplexity").get("change").asDouble();
        assertThat(Math.abs(change)).isLessThan(0.02);
        assertThat(report.get("tokens_per_second").get("quantized").asDouble()).isPositive();
        assertThat(call("POST", "/gpt2-mini-int8/quantize", Map.of("format", "q4"), 400).get("message").asText())
                .isEqualTo("'gpt2-mini-int8' is already quantized (int8): quantize its float original.");
        assertThat(call("POST", "/" + ModelService.GPT2_MINI_MODEL + "/quantize", Map.of("format", "int8"), 409).get("message").asText())
                .isEqualTo("'gpt2-mini-int8' exists already; delete it first to quantize again.");
        assertThat(call("POST", "/" + ModelService.GPT2_MINI_MODEL + "/quantize", Map.of("format", "fp8"), 400).get("message").asText())
                .isEqualTo("format is int8 or q4 (got 'fp8').");
        assertThat(call("GET", "/" + ModelService.GPT2_MINI_MODEL + "/quantization", null, 400).get("message").asText())
                .startsWith("'gpt2-mini' is not a quantized model");
    }

    @Test
    @Order(3)
    void q4IsReportedAndDeletingFreesItsFile() throws Exception {
        JsonNode q = call("POST", "/" + ModelService.GPT2_MINI_MODEL + "/quantize", Map.of("format", "q4"), 201);
        assertThat(q.get("quantization").asText()).isEqualTo("q4_0");
        JsonNode report = call("GET", "/gpt2-mini-q4/quantization", null, 200);
        assertThat(report.get("size_bytes").get("change").asDouble()).isLessThan(-0.75);
        assertThat(report.get("perplexity").get("quantized").asDouble()).isPositive();
        Path dir = workspace.dir("models").resolve("quantized/gpt2-mini-q4");
        long size = Files.size(dir.resolve("model.safetensors"));
        JsonNode deleted = call("DELETE", "/gpt2-mini-q4", null, 200);
        assertThat(deleted.get("freed_bytes").asLong()).isEqualTo(size);
        assertThat(Files.exists(dir)).isFalse();
        assertThat(call("GET", "", null, 200).findValuesAsText("id")).doesNotContain("gpt2-mini-q4").contains("gpt2-mini-int8");
        assertThat(call("DELETE", "/" + ModelService.GPT2_MINI_MODEL, null, 400).get("message").asText())
                .isEqualTo("'gpt2-mini' is bundled and stays loaded.");
        // the character-level model quantizes too
        assertThat(call("POST", "/" + ModelService.SHAKESPEARE_MODEL + "/quantize", Map.of("format", "int8"), 201).get("kind").asText())
                .isEqualTo("quantized");
    }
}
