package org.llmplayground.app;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.app.web.JettyServer;
import org.llmplayground.support.TestApp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** One port serves the UI, the API, the OpenAPI document, static assets and the password-protected admin console. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpineTest implements TestPropertyProvider {
    static final String PASSWORD = "s3cret-for-tests";

    @Inject
    JettyServer jetty;

    @Inject
    OpenApiDocument document;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(TestApp.freshWorkspace("spine"));
        p.put("playground.admin.password", PASSWORD);
        return p;
    }

    @Test
    void bindsToLoopbackByDefault() {
        assertThat(jetty.baseUrl()).startsWith("http://127.0.0.1:");
    }

    @Test
    void servesTheVaadinApp() throws Exception {
        HttpResponse<String> r = TestApp.page(jetty.baseUrl() + "/tokenizer");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("LLM Playground").contains("/static/theme/playground.css");
    }

    @Test
    void servesTheThemeAndChartScripts() throws Exception {
        HttpResponse<String> css = TestApp.get(jetty.baseUrl() + "/static/theme/playground.css");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("content-type").orElse("")).startsWith("text/css");
        assertThat(css.body()).contains("html[theme~=\"dark\"]");
        assertThat(TestApp.get(jetty.baseUrl() + "/static/pg-chart.js").body()).contains("customElements.define('pg-chart'");
        assertThat(TestApp.get(jetty.baseUrl() + "/webjars/echarts/5.3.1/dist/echarts.min.js").statusCode()).isEqualTo(200);
    }

    @Test
    void noPathReachesFilesOutsideTheStaticFolders() throws Exception {
        for (String path : new String[]{"/static/../application.properties", "/static/%2e%2e/application.properties",
                "/webjars/..%2f..%2fapplication.properties", "/static/theme/../../application.properties"}) {
            HttpResponse<String> r = TestApp.get(jetty.baseUrl() + path);
            assertThat(r.body()).as(path).doesNotContain("datasources.default");
        }
    }

    @Test
    void servesTheGeneratedOpenApiDocument() throws Exception {
        HttpResponse<String> r = TestApp.get(jetty.baseUrl() + "/api/v1/openapi.yml");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("openapi: 3.0.1", "/api/v1/tokenization/encode:", "/api/v1/tokenization/train/{jobId}:");
    }

    /**
     * The REST page's examples are what a user pastes into a terminal: the curl command and the Python script of the
     * encode and configs endpoints run as printed against this server and get the real answer, and every other
     * operation's examples at least parse (bash -n for the shell quoting, Python's ast for the scripts).
     */
    @Test
    void theApiPagesExamplesRunAsPrinted() throws Exception {
        List<OpenApiDocument.Operation> ops = document.operations();
        OpenApiDocument.Operation encode = ops.stream().filter(o -> o.method().equals("POST") && o.path().equals("/api/v1/tokenization/encode"))
                .findFirst().orElseThrow();
        OpenApiDocument.Operation configs = ops.stream().filter(o -> o.method().equals("GET") && o.path().equals("/api/v1/training/configs"))
                .findFirst().orElseThrow();
        String base = jetty.baseUrl();
        assertThat(ApiExamples.curl(encode, base)).isEqualTo("curl -s -X POST '" + base + "/api/v1/tokenization/encode' -H 'Content-Type: "
                + "application/json' -d '{\"text\":\"Hello world! Tokenizers split text into pieces.\",\"tokenizer\":\"gpt2\"}'");
        assertThat(exec(List.of("bash", "-c", ApiExamples.curl(encode, base)), "")).contains("[15496,995,0,");
        assertThat(exec(List.of("/usr/bin/python3", "-c", ApiExamples.python(encode, base)), "")).contains("15496,", "\"tokenizer\": \"gpt2\"");
        assertThat(exec(List.of("bash", "-c", ApiExamples.curl(configs, base)), "")).contains("\"quickstart\"");
        assertThat(exec(List.of("/usr/bin/python3", "-c", ApiExamples.python(configs, base)), "")).contains("\"quickstart\"");
        StringBuilder shell = new StringBuilder();
        List<String> scripts = new ArrayList<>();
        for (OpenApiDocument.Operation op : ops) {
            shell.append(ApiExamples.curl(op, base)).append('\n');
            scripts.add(ApiExamples.python(op, base));
        }
        assertThat(exec(List.of("bash", "-n"), shell.toString())).isEmpty();
        String check = "import ast, json, sys\nfor s in json.load(sys.stdin):\n    ast.parse(s)\nprint('ok')";
        // docs/api.md too: its first script runs against this server and prints what the page says; the others parse
        String apiDoc = org.llmplayground.core.Resources.text("bundled/docs/api.md");
        List<String> docScripts = java.util.regex.Pattern.compile("```python\n(.*?)```", java.util.regex.Pattern.DOTALL).matcher(apiDoc)
                .results().map(r -> r.group(1)).toList();
        assertThat(docScripts).hasSizeGreaterThanOrEqualTo(5);
        assertThat(exec(List.of("/usr/bin/python3", "-c", docScripts.get(0).replace("http://127.0.0.1:8080", base)), ""))
                .isEqualTo("[15496, 995, 0]\n");
        scripts.addAll(docScripts);
        assertThat(exec(List.of("/usr/bin/python3", "-c", check), new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(scripts)))
                .isEqualTo("ok\n");
    }

    /** Runs a command with {@code stdin}; its stdout and stderr together, failing on a non-zero exit. */
    static String exec(List<String> command, String stdin) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(command + "\n" + out).isZero();
        return out;
    }

    @Test
    void adminConsoleNeedsThePassword() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI console = URI.create(jetty.baseUrl() + "/admin/h2/");
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(console).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("www-authenticate").orElse("")).startsWith("Basic");
        HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(console).header("Authorization", basic("admin", "nope")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(401);
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(console).header("Authorization", basic("admin", PASSWORD)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).containsIgnoringCase("h2");
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
