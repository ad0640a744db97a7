package org.llmplayground.evaluation.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.llmplayground.evaluation.metrics.Agreement;
import org.llmplayground.model.ModelService;
import org.llmplayground.preference.PreferenceStore;
import org.llmplayground.support.TestApp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pairwise task judged through the configured OpenAI-compatible endpoint (a MockWebServer that judges like a model
 * would: consistently on two prompts, by position on the third, without a verdict on the fourth, and failing on a
 * second task): both orders per pair, inconsistent and unparsed replies counted, Cohen's kappa against the humans,
 * the key sent and never stored, a failing endpoint stopping the run with its message.
 */
@MicronautTest(transactional = false)
class JudgeRunApiTest extends EvaluationApiClient {
    static final String KEY = "sk-judge-secret-42";
    static final MockWebServer SERVER = new MockWebServer();
    @Inject
    PreferenceStore pairs;
    final List<String> authorizations = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    String workspaceName() {
        return "evaluation-judge";
    }

    @Override
    public Map<String, String> getProperties() {
        try {
            SERVER.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SERVER.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                authorizations.add(request.getHeader("Authorization"));
                return judge(request.getBody().readUtf8());
            }
        });
        Map<String, String> p = new HashMap<>(super.getProperties());
        p.put("playground.evaluation.judge.base-url", SERVER.url("/v1").toString());
        p.put("playground.evaluation.judge.api-key", KEY);
        p.put("playground.evaluation.judge.model", "mock-judge");
        p.put("playground.evaluation.judge.retries", "2");
        p.put("playground.evaluation.judge.timeout", "10s");
        p.put("playground.evaluation.judge.allow-private", "true");
        return p;
    }

    @AfterAll
    void stopServer() throws IOException {
        SERVER.shutdown();
    }

    /** The mock judge: prefers the stored answer a on "Say hello." and "Name a colour.", the first shown on "Count to three.". */
    MockResponse judge(String body) {
        try {
            String prompt = JSON.readTree(body).get("messages").get(0).get("content").asText();
            if (prompt.contains("Fail here")) {
                return new MockResponse().setResponseCode(500).setBody("overloaded");
            }
            String first = between(prompt, "[The Start of Assistant A's Answer]\n", "\n[The End of Assistant A's Answer]");
            String reply;
            if (prompt.contains("Spell cat.")) {
                reply = "Both answers have merits; I cannot decide.";
            } else if (prompt.contains("Count to three.")) {
                reply = "The first is better. [[A]]";
            } else {
                PreferenceStore.Pair p = pairs.pairs("human-ab").stream().filter(x -> prompt.contains(x.prompt())).findFirst().orElseThrow();
                reply = first.equals(p.answerA()) ? "Assistant A. [[A]]" : "Assistant B. [[B]]";
            }
            return new MockResponse().setHeader("Content-Type", "application/json").setBody(JSON.writeValueAsString(Map.of("choices",
                    List.of(Map.of("index", 0, "message", Map.of("role", "assistant", "content", reply))))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String between(String s, String start, String end) {
        int a = s.indexOf(start) + start.length();
        return s.substring(a, s.indexOf(end, a));
    }

    JsonNode awaitTask(String name) throws Exception {
        for (int i = 0; i < 600; i++) {
            JsonNode t = call("GET", "/human/tasks/" + name, null, 200);
            if ("succeeded".equals(t.path("jobState").asText())) {
                return t;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no answers");
    }

    JsonNode awaitJudge(String id) throws Exception {
        for (int i = 0; i < 600; i++) {
            JsonNode r = call("GET", "/judge/runs/" + id, null, 200);
            if (!List.of("queued", "running").contains(r.get("state").asText())) {
                return r;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the judge run did not end");
    }

    @Test
    void theEndpointJudgesBothOrdersAndIsComparedWithTheHumans() throws Exception {
        assertThat(call("GET", "/judge/remote", null, 200).get("judge").asText()).isEqualTo("mock-judge @ " + SERVER.getHostName() + ":"
                + SERVER.getPort());
        call("POST", "/human/tasks", Map.of("name", "ab", "kind", "pairwise", "model_a", ModelService.GPT2_MINI_MODEL, "model_b",
                ModelService.SHAKESPEARE_MODEL, "prompts", List.of("Say hello.", "Name a colour.", "Count to three.", "Spell cat."), "k", 1), 202);
        awaitTask("ab");
        // one annotator: stored a on three prompts, b on "Name a colour."
        for (int i = 0; i < 4; i++) {
            JsonNode item = call("POST", "/human/tasks/ab/next", Map.of("annotator", "ada"), 200);
            PreferenceStore.Pair p = pairs.pair(item.get("pairId").asText()).orElseThrow();
            String want = p.prompt().equals("Name a colour.") ? p.answerB() : p.answerA();
            call("POST", "/human/tasks/ab/judge", Map.of("annotator", "ada", "pair_id", p.id(), "choice",
                    item.get("first").asText().equals(want) ? "A" : "B"), 200);
        }

        JsonNode run = call("POST", "/judge/runs", Map.of("task", "ab", "judge", "remote"), 202);
        assertThat(run.get("judge").asText()).isEqualTo("remote:mock-judge @ " + SERVER.getHostName() + ":" + SERVER.getPort())
                .doesNotContain(KEY);
        assertThat(awaitJudge(run.get("id").asText()).get("state").asText()).isEqualTo("succeeded");
        JsonNode r = call("GET", "/judge/runs/" + run.get("id").asText() + "/results", null, 200);
        JsonNode counts = r.get("counts");
        assertThat(counts.get("calls").asInt()).isEqualTo(8); // 4 pairs × both orders
        assertThat(counts.get("parsed").asInt()).isEqualTo(6);
        assertThat(counts.get("unparsed").asInt()).isEqualTo(2); // "Spell cat.": recorded, never guessed
        assertThat(counts.get("failed").asInt()).isZero();
        assertThat(counts.get("consistent").asInt()).isEqualTo(2);
        assertThat(counts.get("inconsistent").asInt()).isEqualTo(1); // "Count to three.": the first shown won both times
        assertThat(r.get("replies").toString()).contains("I cannot decide.");
        // the judge said a on "Say hello." and "Name a colour."; the human a and b: Cohen's kappa on those two items
        JsonNode agreement = r.get("agreement_with_humans");
        assertThat(agreement.get("items").asInt()).isEqualTo(2);
        Agreement.Cohen expected = Agreement.cohen(List.of(List.of("a", "a"), List.of("a", "b")));
        assertThat(agreement.get("percent_agreement").asDouble()).isEqualTo(expected.percentAgreement());
        assertThat(agreement.get("cohen_kappa").asDouble()).isEqualTo(expected.kappa());
        assertThat(authorizations).isNotEmpty().containsOnly("Bearer " + KEY);
        // the key is nowhere in what the app stored or answers
        assertThat(call("GET", "/judge/runs", null, 200).toString()).doesNotContain(KEY);
        assertThat(r.toString()).doesNotContain(KEY);
    }

    @Test
    void aFailingEndpointStopsTheRunWithItsMessage() throws Exception {
        call("POST", "/human/tasks", Map.of("name", "down", "kind", "rating", "model_a", ModelService.GPT2_MINI_MODEL, "model_b",
                ModelService.SHAKESPEARE_MODEL, "prompts", List.of("Fail here.", "Fail here, again."), "k", 1), 202);
        awaitTask("down");
        JsonNode run = call("POST", "/judge/runs", Map.of("task", "down", "judge", "remote", "criterion", "fluency"), 202);
        JsonNode ended = awaitJudge(run.get("id").asText());
        assertThat(ended.get("state").asText()).isEqualTo("failed");
        assertThat(ended.get("message").asText()).isEqualTo("Stopped after 3 failed calls in a row: The judge endpoint mock-judge @ "
                + SERVER.getHostName() + ":" + SERVER.getPort() + " answered 500 Server Error: overloaded (2 tries).");
        JsonNode r = call("GET", "/judge/runs/" + run.get("id").asText() + "/results", null, 200);
        assertThat(r.get("counts").get("failed").asInt()).isEqualTo(3);
        assertThat(call("POST", "/judge/runs", Map.of("task", "down", "judge", "remote", "criterion", "wit"), 400).get("message").asText())
                .isEqualTo("Task 'down' rates helpfulness, correctness, fluency; not 'wit'.");
        assertThat(TestApp.get(jetty.baseUrl() + "/api/v1/evaluation/judge/runs/nope").statusCode()).isEqualTo(404);
    }
}
