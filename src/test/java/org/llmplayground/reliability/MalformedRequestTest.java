package org.llmplayground.reliability;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.app.web.JettyServer;
import org.llmplayground.support.RawHttp;
import org.llmplayground.support.TestApp;
import org.yaml.snakeyaml.Yaml;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every write operation of the OpenAPI document (read from the document the server publishes, so a new endpoint is
 * probed without editing this test) gets an empty body, {@code {}}, an array, wrong types and text that is not JSON.
 * Each answer must be a client error in the API's JSON error shape: never a 5xx, never HTML, never an exception's text.
 * Starting or estimating a training run with {@code {}} means "the default config" and is a success, so those are left out.
 * Unknown fields are refused by name (the OpenAPI document and the server read the same records).
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedRequestTest implements TestPropertyProvider {
    static final List<String> BODIES = List.of("", "{}", "[]", "{\"model\": 5, \"text\": [], \"prompt\": {}, \"input\": 7, \"name\": []}",
            "not json", "{\"layer\": -1, \"top\": -5, \"max_new_tokens\": \"x\"}");
    static final java.util.Set<String> DEFAULTS = java.util.Set.of("/api/v1/training/jobs/start", "/api/v1/training/estimate");
    @Inject
    JettyServer jetty;

    @Override
    public Map<String, String> getProperties() {
        return TestApp.freshWorkspace("malformed");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyWriteOperationAnswersBadInputWithA4xxJsonError() throws Exception {
        Map<String, Object> doc;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/swagger/llm-playground-1.yml")) {
            doc = new Yaml().load(in);
        }
        List<String> failures = new ArrayList<>();
        int probes = 0;
        for (Map.Entry<String, Object> path : ((Map<String, Object>) doc.get("paths")).entrySet()) {
            for (String method : ((Map<String, Object>) path.getValue()).keySet()) {
                if (!List.of("post", "put").contains(method)) {
                    continue;
                }
                String p = path.getKey().replaceAll("\\{[^}]+}", "nope");
                for (String body : BODIES) {
                    if (body.equals("{}") && DEFAULTS.contains(p)) {
                        continue; // {} means the default config: a success, not an error
                    }
                    probes++;
                    RawHttp.Response r = RawHttp.send(jetty.getPort(), method.toUpperCase(), p,
                            Map.of("Host", "127.0.0.1", "Content-Type", "application/json"), body);
                    String what = method.toUpperCase() + " " + p + " " + body + " → " + r.status() + " " + r.body();
                    if (r.status() < 400 || r.status() >= 500) {
                        failures.add(what);
                    } else if (!r.body().startsWith("{") || !(r.body().contains("\"message\"")) || r.body().contains("Exception")
                            || r.body().contains("<html")) {
                        failures.add("not a JSON error: " + what);
                    }
                }
            }
        }
        assertThat(probes).isGreaterThan(150);
        assertThat(failures).isEmpty();
    }

    @Test
    void anUnknownFieldIsNamedNotIgnored() throws Exception {
        // camelCase where the API reads snake_case once "succeeded" with the default 100 tokens
        RawHttp.Response r = RawHttp.send(jetty.getPort(), "POST", "/api/v1/inference/generate",
                Map.of("Host", "127.0.0.1", "Content-Type", "application/json"),
                "{\"model\": \"shakespeare-char\", \"prompt\": \"Hi\", \"maxNewTokens\": 1000000000}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("{\"status\":400,\"error\":\"Bad Request\",\"message\":\"Unknown field 'maxNewTokens' in the "
                + "request body (GenerateRequest): check the field names in /api/v1/openapi.yml (they are snake_case, e.g. max_new_tokens).\","
                + "\"details\":[\"Unknown field 'maxNewTokens' in the request body (GenerateRequest): check the field names in "
                + "/api/v1/openapi.yml (they are snake_case, e.g. max_new_tokens).\"]}");
        RawHttp.Response typed = RawHttp.send(jetty.getPort(), "POST", "/api/v1/inference/generate",
                Map.of("Host", "127.0.0.1", "Content-Type", "application/json"),
                "{\"model\": \"shakespeare-char\", \"prompt\": \"Hi\", \"max_new_tokens\": \"many\"}");
        assertThat(typed.status()).isEqualTo(400);
        assertThat(typed.body()).contains("A value in the request body has the wrong type: expected integer at line 1, column");
    }
}
