package org.llmplayground.evaluation.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The OpenAI-compatible judge against a mock endpoint: success, a malformed reply, 429 then success, 500, a timeout; the key's path. */
class RemoteJudgeTest {
    static final String KEY = "sk-test-secret-123";
    static final String COMPLETION = "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"A is more accurate. [[A]]\"},\"finish_reason\":\"stop\"}]}";
    MockWebServer server;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.shutdown();
    }

    RemoteJudge judge(Duration timeout, boolean allowPrivate) {
        RemoteJudge j = new RemoteJudge(server.url("/v1").toString(), KEY, "judge-model", timeout, 3, allowPrivate);
        j.backoffMillis = 10;
        return j;
    }

    @Test
    void aChatCompletionIsSentWithTheKeyAndItsContentReturned() throws Exception {
        server.enqueue(new MockResponse().setBody(COMPLETION).setHeader("Content-Type", "application/json"));
        RemoteJudge j = judge(Duration.ofSeconds(5), true);
        String reply = j.complete("Which is better?", 64);
        assertThat(reply).isEqualTo("A is more accurate. [[A]]");
        assertThat(JudgeService.parse(reply, true)).isEqualTo("A");
        RecordedRequest r = server.takeRequest(1, TimeUnit.SECONDS);
        assertThat(r.getPath()).isEqualTo("/v1/chat/completions");
        assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + KEY);
        JsonNode body = new ObjectMapper().readTree(r.getBody().readUtf8());
        assertThat(body.get("model").asText()).isEqualTo("judge-model");
        assertThat(body.get("temperature").asInt()).isZero();
        assertThat(body.get("max_tokens").asInt()).isEqualTo(64);
        assertThat(body.get("messages").get(0).get("content").asText()).isEqualTo("Which is better?");
        // what a run records as its judge names the model and host, never the key
        assertThat(j.describe()).isEqualTo("judge-model @ " + server.getHostName() + ":" + server.getPort()).doesNotContain(KEY);
    }

    @Test
    void aMalformedReplyIsAFailureThatShowsItsStart() {
        server.enqueue(new MockResponse().setBody("{\"error\":\"oops\"}"));
        assertThatThrownBy(() -> judge(Duration.ofSeconds(5), true).complete("q", 8)).isInstanceOf(RemoteJudge.Failed.class)
                .hasMessage("The judge endpoint's reply is not a chat completion (no choices[0].message.content): {\"error\":\"oops\"}");
    }

    @Test
    void aTooManyRequestsIsTriedAgain() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(429).setHeader("Retry-After", "0").setBody("slow down"));
        server.enqueue(new MockResponse().setBody(COMPLETION));
        assertThat(judge(Duration.ofSeconds(5), true).complete("q", 8)).endsWith("[[A]]");
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void aServerErrorFailsAfterThreeTriesAndAClientErrorAtOnce() {
        for (int i = 0; i < 3; i++) {
            server.enqueue(new MockResponse().setResponseCode(500).setBody("boom"));
        }
        RemoteJudge j = judge(Duration.ofSeconds(5), true);
        String where = "judge-model @ " + server.getHostName() + ":" + server.getPort();
        assertThatThrownBy(() -> j.complete("q", 8)).isInstanceOf(RemoteJudge.Failed.class)
                .hasMessage("The judge endpoint " + where + " answered 500 Server Error: boom (3 tries).").message().doesNotContain(KEY);
        assertThat(server.getRequestCount()).isEqualTo(3);
        server.enqueue(new MockResponse().setResponseCode(401).setBody("{\"error\":\"bad key\"}"));
        assertThatThrownBy(() -> j.complete("q", 8)).hasMessage("The judge endpoint " + where + " answered 401 Client Error: {\"error\":\"bad key\"}.");
        assertThat(server.getRequestCount()).isEqualTo(4);
    }

    @Test
    void aSilentEndpointTimesOut() {
        for (int i = 0; i < 2; i++) {
            server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
        }
        RemoteJudge j = new RemoteJudge(server.url("/v1").toString(), KEY, "judge-model", Duration.ofMillis(300), 2, true);
        j.backoffMillis = 10;
        assertThatThrownBy(() -> j.complete("q", 8)).isInstanceOf(RemoteJudge.Failed.class)
                .hasMessage("The judge endpoint judge-model @ " + server.getHostName() + ":" + server.getPort() + " did not answer within 300 ms (2 tries).");
    }

    @Test
    void aLoopbackEndpointIsRefusedUnlessAllowed() {
        assertThatThrownBy(() -> judge(Duration.ofSeconds(5), false).complete("q", 8)).isInstanceOf(RemoteJudge.Failed.class)
                .hasMessage("The judge endpoint judge-model @ " + server.getHostName() + ":" + server.getPort() + " is refused: " + server.getHostName()
                        + " is a loopback address (127.0.0.1); fetching from this machine's own network is off unless "
                        + "playground.evaluation.judge.allow-private=true.");
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void verdictsParseOnlyWhenExactlyOneIsGiven() {
        assertThat(JudgeService.parse("Both fine. [[C]]", true)).isEqualTo("C");
        assertThat(JudgeService.parse("[[A]] no wait [[B]]", true)).isNull();
        assertThat(JudgeService.parse("A is better", true)).isNull(); // never guessed
        assertThat(JudgeService.parse("Rating: [[4]]", false)).isEqualTo("4");
        assertThat(JudgeService.parse("[[6]]", false)).isNull();
        assertThat(JudgeService.parse("[[4]] ... final: [[4]]", false)).isEqualTo("4");
        // both orders: A in the stored order, B when swapped = the stored a both times
        assertThat(JudgeService.combine("A", "B")).isEqualTo("a");
        assertThat(JudgeService.combine("A", "A")).isEqualTo("inconsistent"); // it followed the position
        assertThat(JudgeService.combine("C", "C")).isEqualTo("tie");
        assertThat(JudgeService.combine(null, "B")).isNull();
    }
}
