package org.llmplayground.training.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.app.web.JettyServer;
import org.llmplayground.support.TestApp;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every /api/v1/training endpoint against the running app. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainingApiTest implements TestPropertyProvider {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String QUICK = """
            name: api run
            model: {num_layers: 1, hidden_size: 16, num_heads: 2, context_length: 16, dropout: 0}
            training: {batch_size: 4, block_size: 16, max_steps: 30, eval_interval: 10, eval_batches: 1, save_interval: 10, keep_best: 5}
            sampling: {interval: 30, length: 10}
            """;

    @Inject
    JettyServer jetty;

    @Override
    public Map<String, String> getProperties() {
        return TestApp.freshWorkspace("training-api");
    }

    String url(String path) {
        return jetty.baseUrl() + "/api/v1/training" + path;
    }

    JsonNode call(String method, String path, Object body, int status) throws Exception {
        HttpResponse<String> r = TestApp.send(method, url(path), body == null ? null : JSON.writeValueAsString(body));
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(status);
        return r.body().isEmpty() ? null : JSON.readTree(r.body());
    }

    JsonNode awaitDone(String id) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        JsonNode s = call("GET", "/jobs/" + id + "/status", null, 200);
        while (List.of("QUEUED", "RUNNING", "PAUSED").contains(s.get("run").get("state").asText()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            s = call("GET", "/jobs/" + id + "/status", null, 200);
        }
        return s;
    }

    @Test
    void configsCanBeListedReadCreatedReplacedAndDeleted() throws Exception {
        JsonNode list = call("GET", "/configs", null, 200);
        List<String> names = new ArrayList<>();
        list.forEach(c -> names.add(c.get("name").asText()));
        assertThat(names).startsWith("quickstart", "shakespeare-char", "debug", "gpt2-small", "finetune");
        assertThat(call("GET", "/configs/debug", null, 200).get("yaml").asText()).contains("max_steps: 60");
        JsonNode created = call("POST", "/configs", Map.of("name", "mine", "yaml", "training: {max_steps: 7}"), 201);
        assertThat(created.get("bundled").asBoolean()).isFalse();
        assertThat(call("POST", "/configs", Map.of("name", "mine", "yaml", "seed: 1"), 409).get("message").asText())
                .isEqualTo("A config named 'mine' exists; use PUT /configs/mine to replace it.");
        assertThat(call("PUT", "/configs/mine", Map.of("yaml", "training: {max_steps: 8}"), 200).get("yaml").asText()).contains("8");
        assertThat(call("PUT", "/configs/mine", Map.of("yaml", "training: {max_steps: many}"), 400).get("message").asText())
                .isEqualTo("training.max_steps has the wrong type: expected a whole number, got 'many'.");
        assertThat(call("PUT", "/configs/debug", Map.of("yaml", "seed: 1"), 409).get("message").asText())
                .isEqualTo("'debug' is a bundled config and cannot be changed; save under another name.");
        call("DELETE", "/configs/mine", null, 204);
        assertThat(call("GET", "/configs/mine", null, 404).get("message").asText()).startsWith("No config named 'mine'.");
    }

    @Test
    void estimateComesBeforeStarting() throws Exception {
        JsonNode e = call("POST", "/estimate", Map.of("config", "shakespeare-char"), 200);
        // per layer: attention 4·(128² + 128), feed-forward 128·512 + 512 + 512·128 + 128, two norms 4·128 = 198,272;
        // plus the token table 65·128, the position table 128·128 and the final norm 2·128
        assertThat(e.get("parameters").asLong()).isEqualTo(4 * 198_272L + 65 * 128 + 128 * 128 + 256).isEqualTo(818_048L);
        assertThat(e.get("tokensPerStep").asLong()).isEqualTo(2048);
        assertThat(e.get("gflopPerStep").asDouble()).isCloseTo((6.0 * 818_048 + 12.0 * 4 * 128 * 128) * 2048 / 1e9,
                org.assertj.core.api.Assertions.within(1e-9));
        assertThat(e.get("memory").get("training").asLong()).isPositive();
        assertThat(call("POST", "/estimate", Map.of("yaml", "training: {batch_size: 0}"), 400).get("message").asText())
                .isEqualTo("Invalid training config: training.batch_size must be between 1 and 65,536 (got 0).");
    }

    @Test
    void aRunStartsStreamsAndRecordsEverything() throws Exception {
        JsonNode run = call("POST", "/jobs/start", Map.of("yaml", QUICK), 202);
        String id = run.get("id").asText();
        assertThat(run.get("name").asText()).isEqualTo("api run");
        // SSE: step, eval, sample and checkpoint events, ending with the finished run
        HttpResponse<java.io.InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url("/jobs/" + id + "/events")))
                .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                lines.add(line);
            }
        }
        assertThat(lines).contains("event: eval", "event: checkpoint", "event: run");
        String last = lines.stream().filter(l -> l.startsWith("data:")).reduce((a, b) -> b).orElseThrow();
        JsonNode lastRun = JSON.readTree(last.substring(5));
        assertThat(lastRun.get("state").asText()).isIn("FINISHED");

        JsonNode status = awaitDone(id);
        assertThat(status.get("run").get("state").asText()).isEqualTo("FINISHED");
        assertThat(status.get("progress").asDouble()).isEqualTo(1.0);
        assertThat(status.get("latest").get("step").asInt()).isEqualTo(30);
        assertThat(call("GET", "/jobs", null, 200).toString()).contains(id);
        JsonNode metrics = call("GET", "/jobs/" + id + "/metrics?after=25&limit=3", null, 200);
        assertThat(metrics).hasSize(3);
        assertThat(metrics.get(0).get("step").asInt()).isEqualTo(26);
        assertThat(metrics.get(0).get("lr").asDouble()).isPositive();
        JsonNode history = call("GET", "/jobs/" + id + "/metrics/history?maxPoints=10", null, 200);
        assertThat(history.get("steps").size()).isLessThanOrEqualTo(11);
        assertThat(history.get("evals")).hasSize(3);
        assertThat(history.get("samples").get(0).get("step").asInt()).isEqualTo(30);
        JsonNode checkpoints = call("GET", "/jobs/" + id + "/checkpoints", null, 200);
        assertThat(checkpoints.findValuesAsText("step")).containsExactly("10", "20", "30");
        JsonNode model = call("POST", "/jobs/" + id + "/checkpoints/30/open", null, 200);
        assertThat(model.get("name").asText()).isEqualTo("api run @ step 30");

        // control of a finished run: clear refusals
        assertThat(call("POST", "/jobs/" + id + "/pause", null, 409).get("message").asText())
                .isEqualTo("Only a running run can be paused; 'api run' is finished.");
        assertThat(call("POST", "/jobs/" + id + "/stop", null, 409).get("message").asText())
                .isEqualTo("'api run' is not running (it is finished).");
        assertThat(call("POST", "/jobs/" + id + "/resume", null, 409).get("message").asText()).startsWith("'api run' finished (");
        assertThat(call("POST", "/jobs/" + id + "/resume-from", Map.of("step", 20), 202).get("parentStep").asInt()).isEqualTo(20);
        assertThat(call("POST", "/jobs/" + id + "/resume-from", Map.of("step", 30), 400).get("message").asText())
                .isEqualTo("The checkpoint is at max_steps (30); give a larger max_steps to train further.");
        assertThat(call("GET", "/jobs/no-such-run/status", null, 404).get("message").asText())
                .isEqualTo("No training run with id 'no-such-run'.");
    }

    @Test
    void aLongRunCanBePausedResumedStoppedAndDeleted() throws Exception {
        JsonNode run = call("POST", "/jobs/start", Map.of("yaml", QUICK.replace("max_steps: 30", "max_steps: 1000000"), "name", "long"), 202);
        String id = run.get("id").asText();
        try {
            pauseResumeStop(id);
        } finally {
            TestApp.send("POST", url("/jobs/" + id + "/stop"), null); // never leave a long run blocking the queue
        }
        call("DELETE", "/jobs/" + id, null, 204);
        call("GET", "/jobs/" + id + "/status", null, 404);
    }

    private void pauseResumeStop(String id) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!call("GET", "/jobs/" + id + "/status", null, 200).has("latest") && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        call("POST", "/jobs/" + id + "/pause", null, 200);
        while (!call("GET", "/jobs/" + id + "/status", null, 200).get("run").get("state").asText().equals("PAUSED")
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(call("DELETE", "/jobs/" + id, null, 409).get("message").asText()).isEqualTo("'long' is paused; stop it before deleting it.");
        // the checkpoint interval changes while the run is paused, in its status and in its stored config
        assertThat(call("POST", "/jobs/" + id + "/checkpoint-interval", Map.of("every", 0), 400).get("message").asText())
                .isEqualTo("Checkpoint every 1 to 1,000,000 steps (max_steps of 'long'), not 0.");
        assertThat(call("POST", "/jobs/" + id + "/checkpoint-interval", Map.of("evry", 5), 400).get("message").asText()).contains("evry");
        JsonNode changed = call("POST", "/jobs/" + id + "/checkpoint-interval", Map.of("every", 7), 200);
        assertThat(changed.get("message").asText()).startsWith("Checkpoint every 7 steps from step ").endsWith(": a crash loses at most 6 steps");
        assertThat(changed.get("configYaml").asText()).contains("save_interval: 7");
        assertThat(call("POST", "/jobs/" + id + "/resume", null, 200).get("state").asText()).isIn("RUNNING", "PAUSED");
        call("POST", "/jobs/" + id + "/stop", null, 200);
        JsonNode stopped = awaitDone(id);
        assertThat(stopped.get("run").get("state").asText()).isEqualTo("STOPPED");
        assertThat(stopped.get("run").get("message").asText()).startsWith("Stopped at step ");
    }
}
