package org.llmplayground.finetune.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.app.web.JettyServer;
import org.llmplayground.support.TestApp;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** /api/v1/finetune against the running app: a short LoRA run on the demo, its adapter, base vs tuned, bad input. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FineTuneApiTest implements TestPropertyProvider {
    static final ObjectMapper JSON = new ObjectMapper();
    @Inject
    JettyServer jetty;
    @Inject
    org.llmplayground.model.ModelService models;
    @Inject
    org.llmplayground.finetune.SftDatasets datasets;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(TestApp.freshWorkspace("finetune-api"));
        p.put("playground.jobs.request-wait", "120s"); // the comparison answers within the request here
        return p;
    }

    JsonNode call(String method, String path, Object body, int status) throws Exception {
        HttpResponse<String> r = TestApp.send(method, jetty.baseUrl() + "/api/v1/finetune" + path, body == null ? null : JSON.writeValueAsString(body));
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(status);
        return r.body().isEmpty() ? null : JSON.readTree(r.body());
    }

    HttpResponse<String> upload(String name, String body) throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(jetty.baseUrl() + "/api/v1/finetune/datasets?name=" + name))
                .header("Content-Type", "application/octet-stream").POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
        return java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void instructionSetsAreUploadedCheckedAndListed() throws Exception {
        String good = """
                {"instruction": "Say hi", "input": "", "output": "hi"}
                {"instruction": "Add", "input": "2 and 3", "output": "5"}
                {"messages": [{"role": "user", "content": "Capital of France?"}, {"role": "assistant", "content": "Paris"}]}
                {"prompt": "One, two,", "completion": " three"}
                """;
        HttpResponse<String> r = upload("mine.jsonl", good);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode up = JSON.readTree(r.body());
        assertThat(up.at("/dataset/id").asText()).isEqualTo("finetune/mine.jsonl");
        assertThat(up.get("examples").asInt()).isEqualTo(4);
        assertThat(call("GET", "/datasets", null, 200).toString()).contains("\"id\":\"finetune/mine.jsonl\"");
        assertThat(call("GET", "/datasets/preview?dataset=finetune/mine.jsonl&template=chatml&count=1", null, 200).get("train").asInt())
                .isEqualTo(2);
        // missing fields: refused with the line and the field, and not kept
        HttpResponse<String> bad = upload("bad.jsonl", "{\"instruction\": \"Say hi\", \"input\": \"\"}\n{\"instruction\": \"x\", \"output\": \"\"}\n");
        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("message").asText()).startsWith("bad.jsonl has no usable example: line 1: no 'output' (and 1 more).");
        assertThat(call("GET", "/datasets", null, 200).toString()).doesNotContain("bad.jsonl");
        HttpResponse<String> name = upload("..%2Fescape.jsonl", good);
        assertThat(name.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(name.body()).get("message").asText()).startsWith("Name the instruction set with letters");
    }

    @Test
    void aShortLoraRunOnTheDemoIsComparedWithItsBase() throws Exception {
        JsonNode sets = call("GET", "/datasets", null, 200);
        assertThat(sets.toString()).contains("\"id\":\"sft-demo\"", "\"id\":\"alpaca\"");
        JsonNode preview = call("GET", "/datasets/preview?dataset=sft-demo&template=plain&count=2", null, 200);
        assertThat(preview.get("train").asInt()).isEqualTo(6000);
        assertThat(preview.get("test").asInt()).isEqualTo(200);
        assertThat(preview.at("/examples/0/prompt").asText()).startsWith("User: ").endsWith("\nAssistant:");
        assertThat(preview.at("/examples/0/reply").asText()).startsWith(" ").endsWith("\n");

        JsonNode run = call("POST", "/jobs/start", Map.of("config", "sft-demo", "name", "api demo", "maxSteps", 20), 202);
        String id = run.get("id").asText();
        JsonNode status = run;
        for (int i = 0; i < 1200 && List.of("QUEUED", "RUNNING").contains(status.get("state").asText()); i++) {
            Thread.sleep(100);
            status = call("GET", "/jobs/" + id + "/status", null, 200);
        }
        assertThat(status.get("state").asText()).as(status.toString()).isEqualTo("FINISHED");
        assertThat(call("GET", "/jobs", null, 200).toString()).contains(id);

        JsonNode adapters = call("GET", "/adapters", null, 200);
        assertThat(adapters).hasSize(1);
        assertThat(adapters.get(0).get("id").asText()).isEqualTo(id);
        assertThat(adapters.get(0).get("base").asText()).isEqualTo("shakespeare-char");
        assertThat(adapters.get(0).get("dataset").asText()).isEqualTo("sft-demo");
        assertThat(adapters.get(0).get("method").asText()).isEqualTo("lora");

        JsonNode c = call("POST", "/compare", Map.of("adapter", id, "split", "test", "limit", 14), 200);
        assertThat(c.at("/base/n").asInt()).isEqualTo(14);
        assertThat(c.at("/base/accuracy").asDouble()).isEqualTo(0.0); // the base continues Shakespeare, it does not answer
        assertThat(c.at("/tuned/accuracy").asDouble()).isBetween(0.0, 1.0);
        assertThat(c.get("examples")).hasSize(14);
        JsonNode first = c.get("examples").get(0);
        assertThat(first.get("prompt").asText()).isEqualTo("User: Reverse the word: forth\nAssistant: ");
        assertThat(first.get("expected").asText()).isEqualTo("htrof");
        assertThat(first.has("base")).isTrue();
        assertThat(first.has("tuned")).isTrue();

        // merged into a standalone model: the same greedy answers as base + adapters, without them
        JsonNode model = call("POST", "/adapters/" + id + "/merge", Map.of("name", "demo-merged"), 201);
        assertThat(model.get("id").asText()).isEqualTo("import-demo-merged");
        assertThat(TestApp.get(jetty.baseUrl() + "/api/v1/transformer/models").body()).contains("import-demo-merged");
        var merged = models.get("import-demo-merged");
        var enc = new org.llmplayground.finetune.SftEncoder(org.llmplayground.generation.chat.ChatTemplate.PLAIN, merged.codec()::encode,
                null, 128, false);
        var test = datasets.load("sft-demo", 42).test().subList(0, 14);
        var answers = org.llmplayground.finetune.ExactMatch.evaluate(merged.network(), merged.parameterStore(), merged.manager(), enc,
                merged.codec()::encode, merged.codec()::decode, test, null, 32).answers();
        for (int i = 0; i < 14; i++) {
            assertThat(answers.get(i).answer()).as("example " + i).isEqualTo(c.get("examples").get(i).get("tuned").asText());
        }
        assertThat(call("POST", "/adapters/" + id + "/merge", Map.of("name", "demo-merged"), 409).get("message").asText())
                .isEqualTo("The imports folder has 'demo-merged' already; choose another name.");
        assertThat(call("POST", "/adapters/" + id + "/merge", Map.of("name", "../x"), 400).get("message").asText())
                .startsWith("Name the merged model with 1 to 60 letters");

        // the run's metrics and its event stream (finished: one 'run' event with the last state)
        JsonNode metrics = call("GET", "/jobs/" + id + "/metrics?after=0&limit=5", null, 200);
        assertThat(metrics).hasSize(5);
        assertThat(metrics.get(0).get("step").asInt()).isEqualTo(1);
        HttpResponse<String> events = TestApp.get(jetty.baseUrl() + "/api/v1/finetune/jobs/" + id + "/events");
        assertThat(events.body()).startsWith("event: run").contains("\"state\":\"FINISHED\"");
        assertThat(call("GET", "/jobs/nope/metrics", null, 404).get("message").asText()).isEqualTo("No fine-tuning run 'nope'.");
        // an adapter is refused on a base it was not trained on, naming both
        assertThat(call("POST", "/compare", Map.of("adapter", id, "base", "gpt-nano-sort"), 400).get("message").asText())
                .isEqualTo("The adapter 'api demo' was trained on the base 'shakespeare-char'; it cannot be applied to 'gpt-nano-sort' "
                        + "(an adapter is a change to one model's weights).");

        // bad input: named, nothing changed
        assertThat(call("POST", "/compare", Map.of("adapter", "nope"), 404).get("message").asText()).isEqualTo("No finished fine-tuning run 'nope'.");
        assertThat(call("POST", "/compare", Map.of("adapter", id, "split", "dev"), 400).get("message").asText())
                .isEqualTo("Unknown split 'dev': use test, val or train.");
        assertThat(call("POST", "/jobs/start", Map.of("yaml", "training: {max_steps: 5}"), 400).get("message").asText())
                .startsWith("The config has no finetune section");
        assertThat(call("GET", "/datasets/preview?dataset=missing.jsonl", null, 404).get("message").asText())
                .startsWith("No instruction set 'missing.jsonl'");
        call("DELETE", "/adapters/" + id, null, 204);
        assertThat(call("POST", "/compare", Map.of("adapter", id), 404).get("message").asText()).contains("were deleted");
    }
}
