package org.llmplayground.reliability;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.app.web.JettyServer;
import org.llmplayground.core.Admission;
import org.llmplayground.generation.GenerationService;
import org.llmplayground.support.RawHttp;
import org.llmplayground.support.TestApp;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One app with an API key, an extra allowed host name and room for one generation, probed as a web page on another
 * site and an impatient client would: foreign Host headers (DNS rebinding), missing or wrong keys, the security
 * headers and session cookie, Jetty's own errors, and a full server answering 429 with Retry-After before a stream.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestGuardTest implements TestPropertyProvider {
    static final String KEY = "sk-test-4242";
    @Inject
    JettyServer jetty;
    @Inject
    GenerationService generation;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(TestApp.freshWorkspace("guard"));
        p.put("playground.api-key", KEY);
        p.put("playground.allowed-hosts", "playground.lan, [fd00::7]");
        p.put("playground.generation.max-running", "1");
        p.put("playground.generation.max-queued", "0");
        p.put("playground.generation.max-wait", "0s");
        return p;
    }

    RawHttp.Response get(String path, String host, String authorization) throws Exception {
        Map<String, String> h = new HashMap<>();
        h.put("Host", host);
        if (authorization != null) {
            h.put("Authorization", authorization);
        }
        return RawHttp.send(jetty.getPort(), "GET", path, h, null);
    }

    String local() {
        return "127.0.0.1:" + jetty.getPort();
    }

    @Test
    void aForeignHostNameIsRefusedEverywhere() throws Exception {
        for (String path : new String[]{"/api/v1/models/list", "/v1/models", "/", "/training", "/VAADIN/push"}) {
            RawHttp.Response r = get(path, "evil.example:" + jetty.getPort(), "Bearer " + KEY);
            assertThat(r.status()).as(path).isEqualTo(403);
            assertThat(r.header("Content-Type")).startsWith("application/json");
            assertThat(r.body()).isEqualTo("{\"status\":403,\"error\":\"Forbidden\",\"message\":\"This server answers only to "
                    + "127.0.0.1, [::1], [fd00::7], localhost, playground.lan (the request named host 'evil.example:" + jetty.getPort() + "'). If you reach it under another name, add that "
                    + "name to playground.allowed-hosts (env PLAYGROUND_ALLOWED_HOSTS).\",\"details\":[]}");
        }
        assertThat(get("/", "", null).status()).isEqualTo(400); // HTTP/1.1 without a host: Jetty's own 400, as JSON
        assertThat(get("/", "", null).body()).startsWith("{\"status\":400,");
    }

    @Test
    void theLocalNamesAndTheConfiguredOnesAreAnswered() throws Exception {
        for (String host : new String[]{local(), "localhost:" + jetty.getPort(), "LOCALHOST", "[::1]:" + jetty.getPort(),
                "playground.lan", "[fd00::7]:8080"}) {
            assertThat(get("/v1/models", host, "Bearer " + KEY).status()).as(host).isEqualTo(200);
        }
    }

    @Test
    void theApiNeedsTheKeyWhenOneIsSet() throws Exception {
        for (String path : new String[]{"/api/v1/models/list", "/v1/models"}) {
            for (String auth : new String[]{null, "Bearer wrong", "Basic " + KEY, "Bearer"}) {
                RawHttp.Response r = get(path, local(), auth);
                assertThat(r.status()).as(path + " " + auth).isEqualTo(401);
                assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"llm-playground\"");
                assertThat(r.body()).contains("send 'Authorization: Bearer <key>'");
            }
            assertThat(get(path, local(), "Bearer " + KEY).status()).isEqualTo(200);
            assertThat(get(path, local(), "bearer " + KEY).status()).isEqualTo(200);
        }
    }

    @Test
    void everyAnswerCarriesTheSecurityHeadersAndTheSessionCookieIsHttpOnlyAndSameSite() throws Exception {
        RawHttp.Response page = get("/", local(), null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Security-Policy")).contains("default-src 'self'", "frame-ancestors 'self'", "object-src 'none'");
        assertThat(page.header("X-Frame-Options")).isEqualTo("SAMEORIGIN");
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
        String cookie = page.headers().getOrDefault("set-cookie", java.util.List.of()).stream()
                .filter(c -> c.startsWith("JSESSIONID=")).findFirst().orElseThrow();
        assertThat(cookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict");
        RawHttp.Response api = get("/v1/models", local(), "Bearer " + KEY);
        assertThat(api.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    void jettysOwnErrorsAreJson() throws Exception {
        RawHttp.Response r = get("/static/%zz", local(), null);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.body()).startsWith("{\"status\":400,\"error\":\"Bad Request\",\"message\":\"The request is malformed");
        assertThat(r.body()).doesNotContain("<html", "jetty", "Exception");
    }

    @Test
    void aFullServerAnswers429WithRetryAfterBeforeAnyStreamStarts() throws Exception {
        try (Admission.Ticket held = generation.admit()) { // the one place is taken, and nobody may wait
            Map<String, String> h = Map.of("Host", local(), "Authorization", "Bearer " + KEY, "Content-Type", "application/json");
            RawHttp.Response openAi = RawHttp.send(jetty.getPort(), "POST", "/v1/chat/completions", h,
                    "{\"model\":\"shakespeare-char\",\"stream\":true,\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
            assertThat(openAi.status()).isEqualTo(429);
            assertThat(openAi.header("Retry-After")).isEqualTo("1");
            assertThat(openAi.header("Content-Type")).startsWith("application/json");
            assertThat(openAi.body()).contains("\"type\":\"rate_limit_exceeded\"",
                    "The server is busy: 1 generations are running and 0 more are waiting. Try again in 1 s.");
            RawHttp.Response stream = RawHttp.send(jetty.getPort(), "POST", "/api/v1/inference/stream", h,
                    "{\"model\":\"shakespeare-char\",\"prompt\":\"Hi\",\"max_new_tokens\":5}");
            assertThat(stream.status()).isEqualTo(429);
            assertThat(stream.header("Retry-After")).isEqualTo("1");
            RawHttp.Response whole = RawHttp.send(jetty.getPort(), "POST", "/api/v1/inference/generate", h,
                    "{\"model\":\"shakespeare-char\",\"prompt\":\"Hi\",\"max_new_tokens\":5}");
            assertThat(whole.status()).isEqualTo(429);
            assertThat(whole.body()).startsWith("{\"status\":429,\"error\":\"Too Many Requests\",");
        }
        // the place is free again: the same stream is served
        Map<String, String> h = Map.of("Host", local(), "Authorization", "Bearer " + KEY, "Content-Type", "application/json");
        RawHttp.Response ok = RawHttp.send(jetty.getPort(), "POST", "/v1/chat/completions", h,
                "{\"model\":\"shakespeare-char\",\"stream\":true,\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body()).contains("data: [DONE]");
        assertThat(generation.running()).isZero();
    }
}
