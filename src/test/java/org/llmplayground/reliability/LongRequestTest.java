package org.llmplayground.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.app.web.JettyServer;
import org.llmplayground.core.Workspace;
import org.llmplayground.support.TestApp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Long work never hides behind a request: with the request wait at 1 ms every build, import, preview and statistics
 * request answers 202 with a job at once ({@code Location: /api/v1/jobs/{id}}), the job is followed to its result,
 * a cancelled build frees its model, and bad input is still a 4xx within the request. Uploads stream to disk past the
 * JSON request-size limit.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LongRequestTest implements TestPropertyProvider {
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    JettyServer jetty;
    @Inject
    Workspace workspace;
    @Inject
    org.llmplayground.core.jobs.JobRunner jobs;

    /**
     * Holds {@code lane} with a job until the latch opens: work requested meanwhile waits in the lane, so the request
     * answers 202 however fast that work would be (a tiny file's preview can finish within the 1 ms wait).
     */
    java.util.concurrent.CountDownLatch hold(String lane) {
        java.util.concurrent.CountDownLatch open = new java.util.concurrent.CountDownLatch(1);
        jobs.submit("test-hold", "hold " + lane, lane, ctx -> {
            open.await(60, java.util.concurrent.TimeUnit.SECONDS);
            return null;
        });
        return open;
    }

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(TestApp.freshWorkspace("long-requests"));
        p.put("playground.jobs.request-wait", "1ms");
        p.put("playground.model.max-bytes", String.valueOf(2L << 30));
        return p;
    }

    private HttpResponse<String> post(String path, Object body) throws Exception {
        return TestApp.postJson(jetty.baseUrl() + path, JSON.writeValueAsString(body));
    }

    /** Follows a 202's Location until the job has ended; returns its final record. */
    private JsonNode follow(HttpResponse<String> accepted) throws Exception {
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        JsonNode job = JSON.readTree(accepted.body());
        assertThat(location).isEqualTo("/api/v1/jobs/" + job.get("id").asText());
        for (int i = 0; i < 1500 && !isFinal(job); i++) {
            Thread.sleep(40);
            job = JSON.readTree(TestApp.get(jetty.baseUrl() + location).body());
        }
        return job;
    }

    private static boolean isFinal(JsonNode job) {
        return switch (job.get("state").asText()) {
            case "SUCCEEDED", "FAILED", "CANCELLED", "INTERRUPTED" -> true;
            default -> false;
        };
    }

    @Test
    void aBuildAnswers202AndItsJobCarriesTheForwardCheck() throws Exception {
        var lane = hold("models");
        HttpResponse<String> accepted = post("/api/v1/transformer/build", Map.of("preset", "baby-gpt", "name", "deferred", "tokens", 16));
        lane.countDown();
        JsonNode job = follow(accepted);
        assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        String model = job.get("result").asText();
        assertThat(model).startsWith("built-");
        JsonNode check = JSON.readTree(TestApp.get(jetty.baseUrl() + "/api/v1/jobs/" + job.get("id").asText() + "/result").body());
        assertThat(check.get("model").asText()).isEqualTo(model);
        assertThat(check.get("tokens").asInt()).isEqualTo(16);
        assertThat(TestApp.get(jetty.baseUrl() + "/api/v1/transformer/models").body()).contains(model);
    }

    @Test
    void badInputIsStillRefusedWithinTheRequest() throws Exception {
        HttpResponse<String> r = post("/api/v1/transformer/models/import", Map.of("name", "nothing-here"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
        assertThat(JSON.readTree(r.body()).get("message").asText()).startsWith("Nothing named 'nothing-here' in the imports folder");
        HttpResponse<String> tooBig = post("/api/v1/transformer/build", Map.of("preset", "llama2-7b"));
        assertThat(tooBig.statusCode()).as(tooBig.body()).isEqualTo(413);
        assertThat(JSON.readTree(tooBig.body()).get("message").asText()).startsWith("llama2-7b needs about").endsWith("Pick a smaller configuration.");
    }

    @Test
    void aCancelledBuildFreesItsModel() throws Exception {
        HttpResponse<String> accepted = post("/api/v1/transformer/build", Map.of("preset", "gpt2-small", "name", "to-cancel"));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = JSON.readTree(accepted.body()).get("id").asText();
        HttpResponse<String> cancel = TestApp.postJson(jetty.baseUrl() + "/api/v1/jobs/" + id + "/cancel", "");
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
        JsonNode job = follow(accepted);
        assertThat(job.get("state").asText()).isEqualTo("CANCELLED");
        assertThat(TestApp.get(jetty.baseUrl() + "/api/v1/transformer/models").body()).doesNotContain("to-cancel");
        HttpResponse<String> result = TestApp.get(jetty.baseUrl() + "/api/v1/jobs/" + id + "/result");
        assertThat(result.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(result.body()).get("message").asText()).isEqualTo("Job " + id + " is cancelled: it has no result (Cancelled).");
    }

    @Test
    void statisticsAndPreviewsOfAFileRunAsJobs() throws Exception {
        Path file = workspace.dir("datasets").resolve("uploads").resolve("notes.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "The first document has some words.\n\nThe second one has a few more words in it.\n");
        var statsLane = hold("data-stats");
        HttpResponse<String> statsAccepted = TestApp.get(jetty.baseUrl() + "/api/v1/data/stats?kind=file&id=uploads/notes.txt");
        statsLane.countDown();
        JsonNode stats = follow(statsAccepted);
        assertThat(stats.get("state").asText()).as(stats.toString()).isEqualTo("SUCCEEDED");
        assertThat(stats.get("result").asText()).isEqualTo("2 documents");
        JsonNode snapshot = JSON.readTree(TestApp.get(jetty.baseUrl() + "/api/v1/jobs/" + stats.get("id").asText() + "/result").body());
        assertThat(snapshot.get("documents").asLong()).isEqualTo(2);
        assertThat(snapshot.get("words").asLong()).isEqualTo(16);
        var previewLane = hold("data-preview");
        HttpResponse<String> previewAccepted = TestApp.get(jetty.baseUrl() + "/api/v1/data/datasets/info?kind=file&id=uploads/notes.txt");
        previewLane.countDown();
        JsonNode preview = follow(previewAccepted);
        assertThat(preview.get("state").asText()).isEqualTo("SUCCEEDED");
        JsonNode sample = JSON.readTree(TestApp.get(jetty.baseUrl() + "/api/v1/jobs/" + preview.get("id").asText() + "/result").body());
        assertThat(sample.get("sample").get(1).asText()).isEqualTo("The second one has a few more words in it.");
        assertThat(TestApp.get(jetty.baseUrl() + "/api/v1/jobs/no-such-job").statusCode()).isEqualTo(404);
    }

    @Test
    void anUploadStreamsPastTheJsonRequestLimit() throws Exception {
        byte[] body = ("a line of text for the upload test\n".repeat(400_000)).getBytes(); // 14 MB > the 12 MiB JSON limit
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(jetty.baseUrl() + "/api/v1/data/datasets/upload?name=big.txt"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("sizeBytes").asLong()).isEqualTo(body.length);
        assertThat(Files.size(workspace.dir("datasets").resolve("uploads").resolve("big.txt"))).isEqualTo(body.length);
    }
}
