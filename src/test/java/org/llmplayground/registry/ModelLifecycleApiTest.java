package org.llmplayground.registry;

import org.llmplayground.core.Troubleshooting;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import okio.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.llmplayground.app.web.JettyServer;
import org.llmplayground.model.ModelService;
import org.llmplayground.support.TestApp;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry's life cycle over REST: a model downloaded from a mock Hugging Face Hub (listing, an interrupted
 * download that resumes with Range, sha256, import) and every way that can go wrong; its card, generated and edited;
 * a diff against a quantized copy; export as a Hugging Face folder; the checkpoint browser on a real training run
 * (open, promote, delete); and a model a running job uses, which cannot be deleted.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelLifecycleApiTest implements TestPropertyProvider {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "hf_secret_never_shown";
    final MockWebServer hub = new MockWebServer();
    final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger weightDownloads = new AtomicInteger();
    final Map<String, byte[]> files = new HashMap<>();

    @Inject
    JettyServer jetty;
    @Inject
    ModelService models;

    static byte[] read(String path) {
        try {
            return Files.readAllBytes(Path.of(path));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String entry(String path, byte[] content, String sha256) {
        return "{\"type\":\"file\",\"path\":\"" + path + "\",\"size\":" + content.length + (sha256 == null ? "" : ",\"lfs\":{\"oid\":\"" + sha256 + "\"}") + "}";
    }

    @Override
    public Map<String, String> getProperties() {
        files.put("config.json", read("models/gpt2-mini/config.json"));
        files.put("model.safetensors", read("models/gpt2-mini/model.safetensors"));
        files.put("vocab.json", read("data/gpt2-tokenizer/encoder.json"));
        files.put("merges.txt", read("data/gpt2-tokenizer/vocab.bpe"));
        byte[] bert = "{\"model_type\": \"bert\"}".getBytes();
        byte[] weights = files.get("model.safetensors");
        Map<String, String> trees = Map.of(
                "demo/gpt2-mini", "[" + entry("config.json", files.get("config.json"), null) + "," + entry("model.safetensors", weights, sha(weights))
                        + "," + entry("vocab.json", files.get("vocab.json"), null) + "," + entry("merges.txt", files.get("merges.txt"), null)
                        + "," + entry("README.md", new byte[3], null) + "," + entry("pytorch_model.bin", new byte[5], "00") + "]",
                "demo/bert", "[" + entry("config.json", bert, null) + "," + entry("model.safetensors", weights, sha(weights)) + "]",
                "demo/corrupt", "[" + entry("config.json", files.get("config.json"), null) + "," + entry("model.safetensors", weights, "ab".repeat(32)) + "]",
                "demo/pickle", "[" + entry("config.json", files.get("config.json"), null) + "," + entry("pytorch_model.bin", new byte[5], null) + "]");
        hub.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                requests.add(r);
                String path = r.getPath();
                if (path.startsWith("/api/models/demo/private/")) {
                    return new MockResponse().setResponseCode(401);
                }
                for (Map.Entry<String, String> t : trees.entrySet()) {
                    if (path.startsWith("/api/models/" + t.getKey() + "/tree/main")) {
                        return new MockResponse().setBody(t.getValue());
                    }
                    if (path.startsWith("/" + t.getKey() + "/resolve/main/")) {
                        String file = path.substring(("/" + t.getKey() + "/resolve/main/").length());
                        byte[] body = t.getKey().equals("demo/bert") && file.equals("config.json") ? bert : files.get(file);
                        if (body == null) {
                            return new MockResponse().setResponseCode(404);
                        }
                        String range = r.getHeader("Range");
                        if (range != null) {
                            int from = Integer.parseInt(range.replaceAll("\\D", ""));
                            return new MockResponse().setResponseCode(206).setBody(new Buffer().write(java.util.Arrays.copyOfRange(body, from, body.length)));
                        }
                        if (t.getKey().equals("demo/gpt2-mini") && file.equals("model.safetensors") && weightDownloads.getAndIncrement() == 0) {
                            // the first weight download breaks off halfway through the body
                            return new MockResponse().setBody(new Buffer().write(body)).setSocketPolicy(SocketPolicy.DISCONNECT_DURING_RESPONSE_BODY);
                        }
                        return new MockResponse().setBody(new Buffer().write(body));
                    }
                }
                return new MockResponse().setResponseCode(404);
            }
        });
        Map<String, String> p = new HashMap<>(TestApp.freshWorkspace("model-lifecycle"));
        p.put("playground.hub.endpoint", hub.url("/").toString());
        return p;
    }

    @AfterAll
    void stopHub() throws IOException {
        hub.shutdown();
    }

    JsonNode call(String method, String path, Object body, int status) throws Exception {
        HttpResponse<String> r = TestApp.send(method, jetty.baseUrl() + path, body == null ? null : JSON.writeValueAsString(body));
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(status);
        return r.body().isEmpty() ? null : JSON.readTree(r.body());
    }

    JsonNode awaitJob(String id) throws Exception {
        for (int i = 0; i < 1200; i++) {
            JsonNode j = call("GET", "/api/v1/jobs/" + id, null, 200);
            if (List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(j.get("state").asText())) {
                return j;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job " + id + " did not finish");
    }

    @Test
    @Order(1)
    void aHubModelDownloadsResumesAfterABreakAndImports() throws Exception {
        HttpResponse<String> listed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(jetty.baseUrl()
                + "/api/v1/models/hub/files?repo=demo/gpt2-mini")).header("X-Hub-Token", TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        Map<String, Boolean> needed = new HashMap<>();
        JSON.readTree(listed.body()).forEach(f -> needed.put(f.get("path").asText(), f.get("needed").asBoolean()));
        assertThat(needed).containsEntry("config.json", true).containsEntry("model.safetensors", true).containsEntry("vocab.json", true)
                .containsEntry("merges.txt", true).containsEntry("README.md", false).containsEntry("pytorch_model.bin", false);

        Map<String, String> request = Map.of("repo", "demo/gpt2-mini", "token", TOKEN);
        JsonNode first = awaitJob(call("POST", "/api/v1/models/hub/download", request, 202).get("id").asText());
        assertThat(first.get("state").asText()).isEqualTo("FAILED");
        assertThat(first.get("message").asText()).contains("model.safetensors was interrupted", "the next download resumes from it");
        JsonNode second = awaitJob(call("POST", "/api/v1/models/hub/download", request, 202).get("id").asText());
        assertThat(second.get("state").asText()).as(second.toString()).isEqualTo("SUCCEEDED");
        assertThat(second.get("result").asText()).isEqualTo("import-hub-demo-gpt2-mini");
        assertThat(requests.stream().filter(r -> r.getHeader("Range") != null).count()).isEqualTo(1);
        assertThat(requests).allSatisfy(r -> assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN));
        assertThat(first.toString() + second).doesNotContain(TOKEN);

        JsonNode entry = call("GET", "/api/v1/models/import-hub-demo-gpt2-mini", null, 200);
        assertThat(entry.get("kind").asText()).isEqualTo("downloaded");
        assertThat(entry.get("parent").asText()).isEqualTo("huggingface.co/demo/gpt2-mini");
        assertThat(entry.get("reads").asText()).contains("model-hub-demo--gpt2-mini tokenizer"); // its own tokenizer, from vocab.json + merges.txt
        // the same weights as the bundled model it was served from: the diff finds nothing
        JsonNode diff = call("GET", "/api/v1/models/diff?a=gpt2-mini&b=import-hub-demo-gpt2-mini", null, 200);
        assertThat(diff.get("overall").asDouble()).isZero();
        assertThat(diff.get("outputs")).allSatisfy(o -> assertThat(o.get("same").asBoolean()).isTrue());
    }

    @Test
    @Order(2)
    void hubProblemsAreNamedBeforeOrWhileDownloading() throws Exception {
        assertThat(call("GET", "/api/v1/models/hub/files?repo=demo/missing", null, 404).get("message").asText())
                .isEqualTo("demo/missing: HTTP 404, the Hub has no such model, revision or file.");
        assertThat(call("POST", "/api/v1/models/hub/download", Map.of("repo", "demo/private"), 502).get("message").asText())
                .isEqualTo("demo/private: HTTP 401, the Hub refused access (a gated or private model needs a token with access to it).");
        assertThat(call("POST", "/api/v1/models/hub/download", Map.of("repo", "demo/pickle"), 400).get("message").asText())
                .isEqualTo("demo/pickle has no .safetensors weights (only PyTorch .bin files, which are pickles that can run code when read; "
                        + "the importer reads safetensors only).");
        assertThat(call("POST", "/api/v1/models/hub/download", Map.of("repo", "../etc"), 400).get("message").asText())
                .isEqualTo("'../etc' is not a model id (like 'gpt2' or 'openai-community/gpt2').");
        assertThat(call("POST", "/api/v1/models/hub/download", Map.of("repo", "demo/gpt2-mini", "revision", "../x"), 400).get("message").asText())
                .isEqualTo("'../x' is not a revision (a branch, tag or commit like 'main' or 'v1.0').");
        JsonNode bert = awaitJob(call("POST", "/api/v1/models/hub/download", Map.of("repo", "demo/bert"), 202).get("id").asText());
        assertThat(bert.get("message").asText()).isEqualTo("demo/bert is a 'bert' model; the importer reads gpt2 and llama architectures "
                + "only, so nothing else was downloaded.");
        assertThat(Troubleshooting.linkFor(bert.get("message").asText())).contains("/docs/troubleshooting#an-import-fails");
        int before = requests.size();
        JsonNode corrupt = awaitJob(call("POST", "/api/v1/models/hub/download", Map.of("repo", "demo/corrupt"), 202).get("id").asText());
        assertThat(corrupt.get("message").asText()).startsWith("Checksum mismatch for model.safetensors: expected sha256 " + "ab".repeat(32))
                .endsWith("The download was deleted; run it again.");
        assertThat(Troubleshooting.linkFor(corrupt.get("message").asText())).contains("/docs/troubleshooting#a-hub-download-fails");
        assertThat(requests.subList(before, requests.size())).noneMatch(r -> r.getPath().contains("bert"));
        assertThat(call("GET", "/api/v1/models", null, 200).findValuesAsText("id")).doesNotContain("import-hub-demo-bert", "import-hub-demo-corrupt");
    }

    @Test
    @Order(3)
    void cardsAreGeneratedEditedAndResetWithinABound() throws Exception {
        JsonNode card = call("GET", "/api/v1/models/gpt2-mini/card", null, 200);
        assertThat(card.get("edited").asBoolean()).isFalse();
        assertThat(card.get("markdown").asText()).startsWith("# GPT-2 mini (WikiText-2)").contains("| Parameters | ", "| Weights sha256 | `",
                "## Evaluation", "Not evaluated yet", "## Intended use", "## Limitations", "## The bundled card");
        JsonNode edited = call("PUT", "/api/v1/models/gpt2-mini/card", Map.of("markdown", "# Mine\n\nNotes."), 200);
        assertThat(edited.get("edited").asBoolean()).isTrue();
        assertThat(call("GET", "/api/v1/models/gpt2-mini/card", null, 200).get("markdown").asText()).isEqualTo("# Mine\n\nNotes.");
        assertThat(call("PUT", "/api/v1/models/gpt2-mini/card", Map.of("markdown", "x".repeat(100_001)), 413).get("message").asText())
                .isEqualTo("The card has 100,001 characters; at most 100,000 are kept.");
        assertThat(call("PUT", "/api/v1/models/gpt2-mini/card", Map.of("markdown", " "), 200).get("edited").asBoolean()).isFalse();
        assertThat(call("GET", "/api/v1/models/nope/card", null, 404).get("message").asText()).startsWith("Unknown model 'nope'.");
    }

    @Test
    @Order(4)
    void aQuantizedCopyDiffersByItsRoundingAndDoesNotExport() throws Exception {
        call("POST", "/api/v1/models/gpt2-mini/quantize", Map.of("format", "int8"), 201);
        JsonNode d = call("GET", "/api/v1/models/diff?a=gpt2-mini&b=gpt2-mini-int8", null, 200);
        // int8 absmax rounds each weight by at most half a step of max|w|/127: a relative change well under 1 %
        assertThat(d.get("overall").asDouble()).isBetween(1e-4, 0.01);
        assertThat(d.get("tensors")).hasSize(models.get("gpt2-mini").network().getParameters().size());
        assertThat(d.at("/heatmap/rows").toString()).isEqualTo("[\"layer 0\",\"layer 1\",\"model\"]");
        assertThat(d.at("/heatmap/columns").toString()).contains("attn.q", "ffn.up", "tok_emb");
        assertThat(d.path("config")).isEmpty(); // no config field differs (empty lists are left out)
        assertThat(d.get("outputs")).hasSize(3);
        // layer norms are not quantized: their change is exactly 0
        for (JsonNode t : d.get("tensors")) {
            if (t.get("name").asText().contains("norm")) {
                assertThat(t.get("relative").asDouble()).as(t.get("name").asText()).isZero();
            }
        }
        assertThat(call("POST", "/api/v1/models/gpt2-mini-int8/export", null, 409).get("message").asText())
                .isEqualTo("'gpt2-mini-int8' is quantized (int8); transformers loads float weights, so export its original 'gpt2-mini' instead.");
        JsonNode shapes = call("GET", "/api/v1/models/diff?a=gpt2-mini&b=shakespeare-char", null, 400);
        assertThat(shapes.get("message").asText()).startsWith("'gpt2-mini' and 'shakespeare-char' share no tensor of the same shape");
    }

    @Test
    @Order(5)
    void exportWritesAHuggingFaceFolderWithTokenizerAndCard() throws Exception {
        JsonNode e = call("POST", "/api/v1/models/gpt2-mini/export", null, 200);
        assertThat(e.get("family").asText()).isEqualTo("gpt2");
        assertThat(e.get("files").fieldNames()).toIterable().containsExactly("README.md", "config.json", "merges.txt", "model.safetensors",
                "tokenizer_config.json", "vocab.json");
        Path dir = Path.of(e.get("path").asText());
        assertThat(Files.readAllBytes(dir.resolve("vocab.json"))).isEqualTo(files.get("vocab.json"));
        assertThat(Files.readString(dir.resolve("README.md"))).startsWith("# GPT-2 mini");
        HttpResponse<byte[]> zip = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(jetty.baseUrl()
                + "/api/v1/models/gpt2-mini/export.zip")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(zip.statusCode()).isEqualTo(200);
        assertThat(new String(zip.body(), 0, 2)).isEqualTo("PK");
        assertThat(call("POST", "/api/v1/models/gpt-nano-sort/export", null, 200).at("/files/README.md").asLong()).isPositive();
    }

    @Test
    @Order(6)
    void checkpointsOpenPromoteAndDelete() throws Exception {
        String yaml = """
                name: registry run
                model: {num_layers: 1, hidden_size: 16, num_heads: 2, context_length: 16, dropout: 0}
                training: {batch_size: 4, block_size: 16, max_steps: 20, eval_interval: 10, eval_batches: 1, save_interval: 10, keep_best: 5}
                sampling: {interval: 20, length: 10}
                """;
        String run = call("POST", "/api/v1/training/jobs/start", Map.of("yaml", yaml), 202).get("id").asText();
        for (int i = 0; i < 1200 && !"FINISHED".equals(call("GET", "/api/v1/training/jobs/" + run + "/status", null, 200).at("/run/state").asText()); i++) {
            Thread.sleep(50);
        }
        JsonNode list = call("GET", "/api/v1/models/checkpoints?run=" + run, null, 200);
        assertThat(list.findValuesAsText("step")).containsExactly("10", "20");
        assertThat(list.get(1).get("size_bytes").asLong()).isPositive();
        assertThat(list.get(1).get("train_loss").asDouble()).isPositive();
        String model = list.get(1).get("model_id").asText();
        assertThat(call("POST", "/api/v1/models/checkpoints/" + run + "/20/open", null, 200).get("id").asText()).isEqualTo(model);
        assertThat(call("GET", "/api/v1/models/" + model, null, 200).get("kind").asText()).isEqualTo("trained");
        JsonNode card = call("GET", "/api/v1/models/" + model + "/card", null, 200);
        assertThat(card.get("markdown").asText()).contains("## Training", "| Seed | ", "![Loss curve](loss-curve.svg)", "### How to reproduce");
        assertThat(TestApp.get(jetty.baseUrl() + "/api/v1/models/" + model + "/loss-curve.svg").body()).startsWith("<svg").contains("train loss");

        JsonNode promoted = call("POST", "/api/v1/models/checkpoints/" + run + "/20/promote", Map.of("name", "my first model"), 201);
        assertThat(promoted.get("id").asText()).isEqualTo("import-my-first-model");
        assertThat(promoted.get("kind").asText()).isEqualTo("trained");
        assertThat(promoted.get("parent").asText()).isEqualTo("training run " + run.substring(0, 8) + "…, step 20");
        assertThat(call("POST", "/api/v1/models/checkpoints/" + run + "/20/promote", Map.of("name", "my first model"), 409).get("message").asText())
                .isEqualTo("A model named 'my first model' exists in imports/ already; choose another name.");
        assertThat(call("POST", "/api/v1/models/checkpoints/" + run + "/20/promote", Map.of("name", "../up"), 400).get("message").asText())
                .startsWith("Name the model with 1 to 60 letters");

        JsonNode deleted = call("DELETE", "/api/v1/models/checkpoints/" + run + "/10", null, 200);
        assertThat(deleted.get("freed_bytes").asLong()).isPositive();
        assertThat(call("GET", "/api/v1/models/checkpoints?run=" + run, null, 200).findValuesAsText("step")).containsExactly("20");
        // the promoted model outlives its checkpoint: deleting the checkpoint leaves it
        call("DELETE", "/api/v1/models/checkpoints/" + run + "/20", null, 200);
        assertThat(call("GET", "/api/v1/models/import-my-first-model", null, 200).get("kind").asText()).isEqualTo("trained");
        assertThat(call("DELETE", "/api/v1/models/import-my-first-model", null, 200).get("freed_bytes").asLong()).isPositive();
    }

    @Test
    @Order(7)
    void savedModelsComeBackAfterARestart() throws Exception {
        // a restart forgets what is loaded, not what is on disk: unloading leaves the files, as stopping the app does
        models.unload("gpt2-mini-int8");
        models.unload("import-hub-demo-gpt2-mini");
        assertThat(models.models().stream().map(m -> m.id()).toList()).doesNotContain("gpt2-mini-int8", "import-hub-demo-gpt2-mini");
        assertThat(models.restoreSaved()).containsExactlyInAnyOrder("gpt2-mini-int8", "import-hub-demo-gpt2-mini");
        assertThat(call("GET", "/api/v1/models/gpt2-mini-int8", null, 200).get("kind").asText()).isEqualTo("quantized");
        assertThat(call("GET", "/api/v1/models/import-hub-demo-gpt2-mini", null, 200).get("kind").asText()).isEqualTo("downloaded");
        assertThat(models.restoreSaved()).isEmpty();
    }

    @Test
    @Order(8)
    void aModelARunningJobUsesCannotBeDeleted() throws Exception {
        try (ModelService.Lease lease = models.use("import-hub-demo-gpt2-mini", "evaluation 'test'")) {
            assertThat(call("DELETE", "/api/v1/models/import-hub-demo-gpt2-mini", null, 409).get("message").asText())
                    .isEqualTo("'import-hub-demo-gpt2-mini' is in use by a running job (evaluation 'test'); wait for it to finish or cancel it, "
                            + "then delete the model.");
        }
        JsonNode freed = call("DELETE", "/api/v1/models/import-hub-demo-gpt2-mini", null, 200);
        assertThat(freed.get("freed_bytes").asLong()).isGreaterThan(files.get("model.safetensors").length);
    }
}
