package org.llmplayground.evaluation.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.llmplayground.app.web.JettyServer;
import org.llmplayground.model.ModelService;
import org.llmplayground.support.TestApp;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the Evaluation API tests share: calls with an expected status, gpt2-mini imported as a folder, waiting for a run. */
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS) // so that getProperties applies
abstract class EvaluationApiClient implements TestPropertyProvider {
    static final ObjectMapper JSON = new ObjectMapper();
    @Inject
    JettyServer jetty;
    @Inject
    ModelService models;

    /** The name of the test's fresh workspace. */
    abstract String workspaceName();

    @Override
    public Map<String, String> getProperties() {
        return TestApp.freshWorkspace(workspaceName());
    }

    JsonNode call(String method, String path, Object body, int status) throws Exception {
        HttpResponse<String> r = TestApp.send(method, jetty.baseUrl() + "/api/v1/evaluation" + path, body == null ? null : JSON.writeValueAsString(body));
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    /** The bundled gpt2-mini copied into imports/ and imported: the Hugging Face folder path of every lab. */
    String importMini() throws Exception {
        Path dir = Files.createDirectories(models.importsFolder().resolve("gpt2-mini"));
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.copy(Path.of("models/gpt2-mini").resolve(f), dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return models.importWeights("gpt2-mini").id();
    }

    /** The run once it has ended (any state). */
    JsonNode await(String id) throws Exception {
        long end = System.currentTimeMillis() + 300_000;
        while (System.currentTimeMillis() < end) {
            JsonNode r = call("GET", "/runs/" + id, null, 200);
            if (!List.of("queued", "running").contains(r.get("state").asText())) {
                return r;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the run did not end");
    }
}
