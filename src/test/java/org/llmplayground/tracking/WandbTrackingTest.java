package org.llmplayground.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.app.web.JettyServer;
import org.llmplayground.support.TestApp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** With a W&amp;B key configured, a training run started through the API mirrors itself: no logging by hand. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WandbTrackingTest implements TestPropertyProvider {
    static final ObjectMapper JSON = new ObjectMapper();
    static final MockWebServer WANDB = new MockWebServer();
    final List<JsonNode> streamed = new CopyOnWriteArrayList<>();
    @Inject
    JettyServer jetty;

    @Override
    public Map<String, String> getProperties() {
        try {
            WANDB.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        WANDB.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                try {
                    streamed.add(JSON.readTree(r.getBody().readString(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return new MockResponse().setBody("{}");
            }
        });
        Map<String, String> p = new HashMap<>(TestApp.freshWorkspace("wandb-tracking"));
        p.put("wandb.api.key", "test-key-1234");
        p.put("wandb.base.url", WANDB.url("/").toString());
        p.put("wandb.entity", "ada");
        p.put("wandb.project", "tests");
        return p;
    }

    @AfterAll
    void stop() throws IOException {
        WANDB.shutdown();
    }

    @Test
    void aTrainingRunMirrorsEveryStepAndCompletes() throws Exception {
        var started = TestApp.send("POST", jetty.baseUrl() + "/api/v1/training/jobs/start", JSON.writeValueAsString(Map.of("yaml", """
                name: mirrored run
                model: {num_layers: 1, hidden_size: 16, num_heads: 2, context_length: 16, dropout: 0}
                training: {batch_size: 4, block_size: 16, max_steps: 20, eval_interval: 10, eval_batches: 1, save_interval: 10, keep_best: 2}
                sampling: {interval: 20, length: 10}
                """)));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String run = JSON.readTree(started.body()).get("id").asText();
        JsonNode status = null;
        for (int i = 0; i < 600; i++) {
            status = JSON.readTree(TestApp.get(jetty.baseUrl() + "/api/v1/tracking/wandb/status?run=" + run).body());
            if (status.path("run").path("completed").asBoolean()) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(status.get("enabled").asBoolean()).isTrue();
        assertThat(status.toString()).doesNotContain("test-key-1234");
        assertThat(status.get("run").get("state").asText()).isEqualTo("synced");
        assertThat(status.get("run").get("acknowledged").asInt()).isEqualTo(20);
        // the mock received the run, 20 steps in order, the summary and the end
        assertThat(streamed.get(0).get("query").asText()).startsWith("mutation UpsertBucket(");
        List<Integer> steps = new java.util.ArrayList<>();
        for (JsonNode b : streamed) {
            for (JsonNode line : b.path("files").path("wandb-history.jsonl").path("content")) {
                JsonNode l = JSON.readTree(line.asText());
                if (l.has("loss")) { // the training run's lines, not another test's job
                    steps.add(l.get("_step").asInt());
                }
            }
        }
        assertThat(steps).hasSize(20).isSorted();
        assertThat(streamed.get(streamed.size() - 1).get("complete").asBoolean()).isTrue();
        assertThat(streamed.stream().anyMatch(b -> b.path("files").has("wandb-summary.json"))).isTrue();
    }

    @Test
    void anEvaluationJobMirrorsToo() throws Exception {
        var started = TestApp.send("POST", jetty.baseUrl() + "/api/v1/evaluation/runs", JSON.writeValueAsString(Map.of("model", "gpt2-mini",
                "tasks", List.of("mmlu_abstract_algebra"), "limit", 2)));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String job = JSON.readTree(TestApp.get(jetty.baseUrl() + "/api/v1/runs?lab=evaluation").body()).get(0).get("id").asText();
        JsonNode status = null;
        for (int i = 0; i < 600; i++) {
            var r = TestApp.get(jetty.baseUrl() + "/api/v1/tracking/wandb/status?run=" + job);
            status = r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
            if (status != null && status.path("run").path("completed").asBoolean()) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(status).isNotNull();
        assertThat(status.get("run").get("state").asText()).isEqualTo("synced");
        assertThat(status.get("run").get("acknowledged").asInt()).isPositive();
        String upsert = streamed.stream().filter(b -> b.path("query").asText().startsWith("mutation UpsertBucket(")
                && b.toString().contains("mmlu_abstract_algebra")).findFirst().orElseThrow().toString();
        assertThat(upsert).contains("\\\"kind\\\"", "evaluation").doesNotContain("test-key-1234");
    }
}
