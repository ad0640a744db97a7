package org.llmplayground.preference.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.llmplayground.app.web.JettyServer;
import org.llmplayground.support.TestApp;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** /api/v1/preferences: the fixed import and pairs shapes, in each layout, gzipped too, and bad input. */
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS) // so that getProperties applies
@MicronautTest(transactional = false)
class PreferenceApiTest implements TestPropertyProvider {
    static final ObjectMapper JSON = new ObjectMapper();
    @Inject
    JettyServer jetty;

    @Override
    public Map<String, String> getProperties() {
        return TestApp.freshWorkspace("preference-api");
    }

    HttpResponse<String> importSet(String query, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(jetty.baseUrl() + "/api/v1/preferences/datasets/import?" + query))
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    JsonNode get(String path, int status) throws Exception {
        HttpResponse<String> r = TestApp.send("GET", jetty.baseUrl() + "/api/v1/preferences" + path, null);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    static byte[] gzip(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    @Test
    void pairsAreImportedInEachLayoutAndListed() throws Exception {
        // LLaMA-Factory's sharegpt pairs, gzipped
        HttpResponse<String> r = importSet("name=llama&format=sharegpt", gzip(Files.readAllBytes(Path.of("data/preference/dpo_en_demo.json"))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode imported = JSON.readTree(r.body());
        assertThat(imported.get("id").asText()).isEqualTo("llama");
        assertThat(imported.get("pairs").asInt()).isEqualTo(300);
        assertThat(imported.get("skipped").isArray()).as(r.body()).isTrue();
        assertThat(imported.get("skipped")).isEmpty();
        JsonNode pairs = get("/datasets/llama/pairs?offset=0&limit=2", 200);
        assertThat(pairs).hasSize(2);
        assertThat(pairs.get(0).get("prompt").asText()).isEqualTo(
                "Hi! I'd like to create a new language game simulating the first person perspective of a character named Angela.");
        assertThat(pairs.get(0).get("chosen").asText()).startsWith("That sounds like a fun and engaging idea!");
        assertThat(pairs.get(0).has("rejected")).isTrue();
        assertThat(get("/datasets/llama/pairs?offset=299&limit=10", 200)).hasSize(1);

        // HH-RLHF dialogues with a broken line: kept pairs, and the line named
        String hh = """
                {"chosen": "\\n\\nHuman: Hi\\n\\nAssistant: Hello! How can I help?", "rejected": "\\n\\nHuman: Hi\\n\\nAssistant: What."}
                {"chosen": "\\n\\nHuman: Same\\n\\nAssistant: ok"}
                """;
        JsonNode h = JSON.readTree(importSet("name=hh&format=hh-rlhf", hh.getBytes(StandardCharsets.UTF_8)).body());
        assertThat(h.get("pairs").asInt()).isEqualTo(1);
        assertThat(h.get("skipped").get(0).get("line").asText()).isEqualTo("line 2");
        assertThat(h.get("skipped").get(0).get("reason").asText()).isEqualTo("no 'rejected'");
        assertThat(get("/datasets/hh/pairs", 200).get(0).get("chosen").asText()).isEqualTo("Hello! How can I help?");

        // TRL's layout; the bundled demo lists too
        JsonNode t = JSON.readTree(importSet("name=trl-set&format=trl", "{\"prompt\": \"2+2?\", \"chosen\": \"4\", \"rejected\": \"5\"}\n"
                .getBytes(StandardCharsets.UTF_8)).body());
        assertThat(t.get("pairs").asInt()).isEqualTo(1);
        assertThat(get("/datasets/trl-set/pairs", 200).get(0).toString()).isEqualTo("{\"prompt\":\"2+2?\",\"chosen\":\"4\",\"rejected\":\"5\"}");
        assertThat(get("/datasets/preference-demo/pairs?limit=1", 200).get(0).get("prompt").asText()).startsWith("Reverse the word: ");
    }

    @Test
    void badImportsAreRefusedAndNothingIsKept() throws Exception {
        HttpResponse<String> none = importSet("name=none&format=trl", "{\"prompt\": \"x\", \"chosen\": \"a\", \"rejected\": \"a\"}\n".getBytes(StandardCharsets.UTF_8));
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(none.body()).get("message").asText())
                .isEqualTo("none has no usable trl pair: line 1: the chosen and rejected answers are the same.");
        assertThat(get("/datasets/none/pairs", 404).get("message").asText()).startsWith("No preference set 'none'");
        HttpResponse<String> format = importSet("name=x&format=csv", new byte[]{'{', '}'});
        assertThat(format.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(format.body()).get("message").asText()).isEqualTo("format must be trl, sharegpt or hh-rlhf (got 'csv').");
        HttpResponse<String> name = importSet("name=..%2Fescape&format=trl", new byte[]{'{', '}'});
        assertThat(name.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(name.body()).get("message").asText()).startsWith("Name the preference set with letters");
        assertThat(get("/datasets/preference-demo/pairs?limit=5000", 400).get("message").asText())
                .isEqualTo("offset must be at least 0 and limit between 1 and 1,000 (got offset 0, limit 5000).");
    }
}
