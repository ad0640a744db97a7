package org.llmplayground.generation.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.app.web.JettyServer;
import org.llmplayground.generation.GenerationService;
import org.llmplayground.support.TestApp;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** /api/v1/inference, /api/v1/models and the OpenAI-compatible /v1 against the running app and the bundled model. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InferenceApiTest implements TestPropertyProvider {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = "shakespeare-char";

    @Inject
    JettyServer jetty;
    @Inject
    GenerationService service;

    @Override
    public Map<String, String> getProperties() {
        return TestApp.freshWorkspace("inference-api");
    }

    JsonNode call(String method, String path, Object body, int status) throws Exception {
        HttpResponse<String> r = TestApp.send(method, jetty.baseUrl() + path, body == null ? null : JSON.writeValueAsString(body));
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(status);
        return r.body().isEmpty() ? null : JSON.readTree(r.body());
    }

    static Map<String, Object> body(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** The data lines of a server-sent event stream, with their event names ("name: data"). */
    List<String> events(String path, Object body) throws Exception {
        HttpResponse<InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(jetty.baseUrl() + path))
                        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<String> out = new ArrayList<>();
        String name = "message";
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    out.add(name + ": " + line.substring(5).trim());
                    name = "message";
                }
            }
        }
        return out;
    }

    @Test
    void generateIsReproducibleWithASeedAndGreedyIsDeterministic() throws Exception {
        Map<String, Object> req = body("model", MODEL, "prompt", "ROMEO:\n", "max_new_tokens", 40, "temperature", 0.8,
                "top_k", 20, "seed", 7, "trace_top_n", 3);
        JsonNode a = call("POST", "/api/v1/inference/generate", req, 200);
        JsonNode b = call("POST", "/api/v1/inference/generate", req, 200);
        assertThat(a.get("text").asText()).hasSize(40).isEqualTo(b.get("text").asText());
        assertThat(a.get("finish_reason").asText()).isEqualTo("LENGTH");
        assertThat(a.get("prompt_tokens").asInt()).isEqualTo(7);
        assertThat(a.get("seed").asLong()).isEqualTo(7);
        JsonNode step = a.get("trace").get(0);
        assertThat(step.get("stages").get(0).get("name").asText()).isEqualTo("model");
        assertThat(step.get("stages").get(2).get("name").asText()).isEqualTo("top-k 20");
        assertThat(step.get("stages").get(2).get("kept").asInt()).isEqualTo(20);
        JsonNode greedy = call("POST", "/api/v1/inference/generate", body("model", MODEL, "prompt", "ROMEO:\n", "strategy", "greedy",
                "max_new_tokens", 30), 200);
        JsonNode again = call("POST", "/api/v1/inference/generate", body("model", MODEL, "prompt", "ROMEO:\n", "strategy", "greedy",
                "max_new_tokens", 30), 200);
        assertThat(greedy.get("text").asText()).isEqualTo(again.get("text").asText());
        JsonNode beam = call("POST", "/api/v1/inference/generate", body("model", MODEL, "prompt", "ROMEO:\n", "strategy", "beam",
                "beam_width", 3, "num_return", 2, "max_new_tokens", 12), 200);
        assertThat(beam.get("beam").get("hypotheses")).hasSize(2);
        assertThat(beam.get("beam").get("tree").size()).isGreaterThan(12);
    }

    @Test
    void greedyDecodingMatchesPyTorchTokenForToken() throws Exception {
        // 121 greedy tokens of the bundled model (prompt + text = its 128-character context), from the same weights decoded by src/test/python/bench/decode_kv.py
        JsonNode golden = JSON.readTree(getClass().getResourceAsStream("/fixtures/generation/shakespeare-greedy.json"));
        JsonNode r = call("POST", "/api/v1/inference/generate", body("model", MODEL, "prompt", golden.get("prompt").asText(),
                "strategy", "greedy", "max_new_tokens", 121), 200);
        List<Integer> ids = new ArrayList<>();
        r.get("ids").forEach(i -> ids.add(i.asInt()));
        List<Integer> expected = new ArrayList<>();
        golden.get("ids").forEach(i -> expected.add(i.asInt()));
        assertThat(ids).isEqualTo(expected);
        assertThat(r.get("text").asText()).isEqualTo(golden.get("text").asText());
    }

    @Test
    void badInputGetsClearMessages() throws Exception {
        String g = "/api/v1/inference/generate";
        assertThat(call("POST", g, body("model", MODEL, "prompt", ""), 400).get("message").asText())
                .isEqualTo("The prompt is empty: give the model some text to continue.");
        assertThat(call("POST", g, body("model", MODEL, "prompt", "a".repeat(129)), 400).get("message").asText())
                .isEqualTo("The prompt has 129 tokens; Shakespeare (char GPT, trained here) reads at most 128 (its context length). Shorten the prompt.");
        assertThat(call("POST", g, body("model", MODEL, "prompt", "Hi", "temperature", -0.5), 400).get("message").asText())
                .isEqualTo("temperature must be ≥ 0 (got -0.5).");
        assertThat(call("POST", g, body("model", MODEL, "prompt", "Hi", "top_p", 0), 400).get("message").asText())
                .isEqualTo("top_p must be in (0, 1] (got 0.0).");
        assertThat(call("POST", g, body("model", MODEL, "prompt", "Hi", "top_p", 1.2), 400).get("message").asText())
                .isEqualTo("top_p must be in (0, 1] (got 1.2).");
        assertThat(call("POST", g, body("model", MODEL, "prompt", "Hi", "strategy", "beam", "beam_width", 0), 400).get("message").asText())
                .isEqualTo("beam_width must be between 1 and 16 (got 0).");
        assertThat(call("POST", g, body("model", MODEL, "prompt", "Hi", "strategy", "beam", "beam_width", 100000), 400).get("message").asText())
                .isEqualTo("beam_width must be between 1 and 16 (got 100000).");
        assertThat(call("POST", g, body("model", MODEL, "prompt", "Hi", "strategy", "nucleus"), 400).get("message").asText())
                .isEqualTo("Unknown strategy 'nucleus'; use greedy, sample or beam.");
        assertThat(call("POST", g, body("model", "gpt-5", "prompt", "Hi"), 404).get("message").asText())
                .startsWith("Unknown model 'gpt-5'. Loaded: shakespeare-char, gpt-nano-sort, stories260k");
        assertThat(call("POST", g, body("model", MODEL, "prompt", "Hi ☃"), 400).get("message").asText()).contains("☃");
        assertThat(call("POST", "/api/v1/inference/stream", body("model", MODEL, "prompt", ""), 400).get("message").asText())
                .isEqualTo("The prompt is empty: give the model some text to continue.");
    }

    @Test
    void streamSendsEveryTokenThenTheResult() throws Exception {
        List<String> ev = events("/api/v1/inference/stream", body("model", MODEL, "prompt", "JULIET:\n", "max_new_tokens", 25, "seed", 3));
        List<String> tokens = ev.stream().filter(e -> e.startsWith("token: ")).toList();
        assertThat(tokens).hasSize(25);
        StringBuilder streamed = new StringBuilder();
        for (String t : tokens) {
            streamed.append(JSON.readTree(t.substring(7)).get("text").asText());
        }
        String done = ev.get(ev.size() - 1);
        assertThat(done).startsWith("done: ");
        assertThat(streamed.toString()).isEqualTo(JSON.readTree(done.substring(6)).get("text").asText());
    }

    @Test
    void compareRunsSeveralStrategies() throws Exception {
        JsonNode r = call("POST", "/api/v1/inference/compare", body("model", MODEL, "prompt", "KING:\n", "strategies", List.of(
                body("strategy", "greedy", "max_new_tokens", 20), body("strategy", "beam", "beam_width", 4, "max_new_tokens", 20),
                body("top_k", 40, "seed", 1, "max_new_tokens", 20), body("top_p", 0.9, "seed", 1, "max_new_tokens", 20))), 200);
        assertThat(r).hasSize(4);
        List<String> labels = new ArrayList<>();
        r.forEach(x -> labels.add(x.get("label").asText()));
        assertThat(labels).containsExactly("greedy", "beam 4", "top-k 40, T 1.0", "top-p 0.9, T 1.0");
        r.forEach(x -> assertThat(x.get("tokens_per_second").asDouble()).isPositive());
    }

    @Test
    void modelsAreListedWithTheirInfo() throws Exception {
        JsonNode list = call("GET", "/api/v1/models/list", null, 200);
        assertThat(list.get(0).get("id").asText()).isEqualTo(MODEL);
        JsonNode info = call("GET", "/api/v1/models/" + MODEL + "/info", null, 200);
        assertThat(info.get("parameters").asLong()).isEqualTo(818_048);
        assertThat(call("GET", "/api/v1/models/nope/info", null, 404).get("message").asText()).startsWith("Unknown model 'nope'");
    }

    @Test
    void openAiClientsCanListModelsAndComplete() throws Exception {
        JsonNode models = call("GET", "/v1/models", null, 200);
        assertThat(models.get("object").asText()).isEqualTo("list");
        assertThat(models.get("data").get(0).get("id").asText()).isEqualTo(MODEL);
        assertThat(models.get("data").get(0).get("object").asText()).isEqualTo("model");
        // the request shape the openai Python client sends, extra fields included
        Map<String, Object> chat = body("model", MODEL, "messages", List.of(
                        body("role", "system", "content", "Speak as a king."),
                        body("role", "user", "content", List.of(body("type", "text", "text", "Who goes there?")))),
                "max_tokens", 30, "temperature", 0.7, "top_p", 0.95, "seed", 42, "stream", false, "n", 1,
                "presence_penalty", 0, "frequency_penalty", 0.1, "stop", List.of("\n\n"), "user", "tester",
                "logit_bias", Map.of(), "stream_options", Map.of("include_usage", true));
        JsonNode r = call("POST", "/v1/chat/completions", chat, 200);
        assertThat(r.get("object").asText()).isEqualTo("chat.completion");
        assertThat(r.get("id").asText()).startsWith("chatcmpl-");
        JsonNode choice = r.get("choices").get(0);
        assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
        assertThat(choice.get("finish_reason").asText()).isIn("stop", "length");
        assertThat(r.get("usage").get("prompt_tokens").asInt()).isEqualTo("Speak as a king.\n\nUser: Who goes there?\nAssistant:".length());
        assertThat(r.get("usage").get("total_tokens").asInt())
                .isEqualTo(r.get("usage").get("prompt_tokens").asInt() + r.get("usage").get("completion_tokens").asInt());
        assertThat(call("POST", "/v1/chat/completions", chat, 200).get("choices").get(0).get("message").get("content").asText())
                .isEqualTo(choice.get("message").get("content").asText());

        JsonNode c = call("POST", "/v1/completions", body("model", MODEL, "prompt", "ROMEO:\n", "max_tokens", 16, "temperature", 0), 200);
        assertThat(c.get("object").asText()).isEqualTo("text_completion");
        assertThat(c.get("choices").get(0).get("text").asText()).hasSize(16);
        assertThat(c.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void openAiStreamingSendsChunksAndDone() throws Exception {
        List<String> ev = events("/v1/chat/completions", body("model", MODEL, "stream", true, "max_tokens", 20, "seed", 5,
                "messages", List.of(body("role", "user", "content", "Speak."))));
        assertThat(ev.get(ev.size() - 1)).isEqualTo("message: [DONE]");
        JsonNode first = JSON.readTree(ev.get(0).substring(9));
        assertThat(first.get("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(first.get("choices").get(0).get("delta").get("role").asText()).isEqualTo("assistant");
        StringBuilder text = new StringBuilder();
        for (String e : ev.subList(1, ev.size() - 1)) {
            JsonNode d = JSON.readTree(e.substring(9)).get("choices").get(0).get("delta");
            if (d.has("content")) {
                text.append(d.get("content").asText());
            }
        }
        JsonNode last = JSON.readTree(ev.get(ev.size() - 2).substring(9));
        assertThat(last.get("choices").get(0).get("finish_reason").asText()).isIn("stop", "length");
        JsonNode same = call("POST", "/v1/chat/completions", body("model", MODEL, "max_tokens", 20, "seed", 5,
                "messages", List.of(body("role", "user", "content", "Speak."))), 200);
        assertThat(text.toString().strip()).isEqualTo(same.get("choices").get(0).get("message").get("content").asText());
        assertThat(text.toString()).doesNotStartWith(" ").doesNotStartWith("\n");
    }

    @Test
    void openAiErrorsUseOpenAisShape() throws Exception {
        JsonNode e = call("POST", "/v1/chat/completions", body("model", "gpt-4o", "messages", List.of(body("role", "user", "content", "Hi"))), 404);
        assertThat(e.get("error").get("type").asText()).isEqualTo("not_found_error");
        assertThat(e.get("error").get("message").asText()).startsWith("Unknown model 'gpt-4o'");
        assertThat(call("POST", "/v1/chat/completions", body("model", MODEL, "messages", List.of()), 400).get("error").get("message").asText())
                .isEqualTo("'messages' must be a non-empty array of {role, content}.");
        assertThat(call("POST", "/v1/chat/completions", body("model", MODEL, "n", 3, "messages", List.of(body("role", "user", "content", "Hi"))), 400)
                .get("error").get("message").asText()).isEqualTo("n must be 1 here (got 3); send the request again for more choices.");
        assertThat(call("POST", "/v1/completions", body("model", MODEL, "prompt", "Hi", "temperature", -1), 400)
                .get("error").get("message").asText()).isEqualTo("temperature must be ≥ 0 (got -1.0).");
    }

    @Test
    void aClientThatDisconnectsStopsItsGenerationAndTwoUsersCanGenerateAtOnce() throws Exception {
        HttpResponse<InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(jetty.baseUrl() + "/api/v1/inference/stream"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                                body("model", MODEL, "prompt", "ROMEO:\n", "max_new_tokens", 4096)))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (int i = 0; i < 10; i++) {
                assertThat(in.readLine()).isNotNull();
            }
            assertThat(service.running()).isEqualTo(1);
        } // closing the stream drops the connection
        long deadline = System.currentTimeMillis() + 20_000;
        while (service.running() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(service.running()).as("generations still running after the client left").isZero();

        CompletableFuture<JsonNode> a = CompletableFuture.supplyAsync(() -> quietly(() -> call("POST", "/api/v1/inference/generate",
                body("model", MODEL, "prompt", "A", "max_new_tokens", 200, "seed", 1), 200)));
        CompletableFuture<JsonNode> b = CompletableFuture.supplyAsync(() -> quietly(() -> call("POST", "/api/v1/inference/generate",
                body("model", MODEL, "prompt", "B", "max_new_tokens", 200, "seed", 2), 200)));
        assertThat(a.get().get("text").asText()).hasSize(200);
        assertThat(b.get().get("text").asText()).hasSize(200);
        assertThat(service.running()).isZero();
    }

    interface Call<T> {
        T run() throws Exception;
    }

    static <T> T quietly(Call<T> c) {
        try {
            return c.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The OpenAI chat endpoint renders through the Chat playground's service: a conversation longer than the context fits. */
    @Test
    void openAiChatFitsALongConversationIntoTheContextLikeTheChatPlayground() throws Exception {
        List<Map<String, Object>> messages = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            messages.add(body("role", "user", "content", "Tell me of the king and of the queen, good sir."));
            messages.add(body("role", "assistant", "content", "The king is in his counting house, the queen is in the parlour."));
        }
        messages.add(body("role", "user", "content", "And then?"));
        // 25 turns are about 1,900 characters; the model reads 128: the oldest turns are left out, the last is kept
        JsonNode r = call("POST", "/v1/chat/completions", body("model", MODEL, "max_tokens", 20, "seed", 2, "messages", messages), 200);
        assertThat(r.get("usage").get("prompt_tokens").asInt()).isLessThanOrEqualTo(128 - 20);
        assertThat(r.get("usage").get("completion_tokens").asInt()).isBetween(1, 20);
    }

    /** Models that read ids or digits are not offered for text, and a request naming one says why. */
    @Test
    void modelsThatCannotReadTextAreNotOfferedForText() throws Exception {
        JsonNode models = call("GET", "/v1/models", null, 200);
        List<String> ids = new java.util.ArrayList<>();
        models.get("data").forEach(m -> ids.add(m.get("id").asText()));
        assertThat(ids).contains(MODEL).doesNotContain("gpt-nano-sort", "stories260k");
        assertThat(call("POST", "/api/v1/inference/generate", body("model", "stories260k", "prompt", "Once"), 400).get("message").asText())
                .startsWith("TinyStories 260K (llama2.c) cannot read text (its input: Token ids");
        assertThat(call("POST", "/v1/chat/completions", body("model", "gpt-nano-sort", "messages", List.of(body("role", "user",
                "content", "Hi"))), 400).get("error").get("message").asText()).contains("cannot read text").contains(MODEL);
    }
}
