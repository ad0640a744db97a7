package org.llmplayground.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Helpers for tests that start the whole app with {@code @MicronautTest}: a fresh workspace (own H2 database and
 * files) per test class, on a random port, and a small HTTP client.
 */
public final class TestApp {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private TestApp() {
    }

    /** Properties for a fresh app: empty workspace under target/, random port. */
    public static Map<String, String> freshWorkspace(String name) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "test-workspaces"));
            Path home = Files.createTempDirectory(dir, name + "-");
            return Map.of("playground.home", home.toString(), "playground.port", "0");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A Vaadin page; in development mode the first answers are a "preparing" page, so poll as the browser does. */
    public static HttpResponse<String> page(String url) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (true) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("X-DevModePoll", "true")
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.headers().firstValue("X-DevModePending").isEmpty() || System.currentTimeMillis() > deadline) {
                return get(url); // the poll answers "Ready"; now fetch the page itself
            }
            Thread.sleep(200);
        }
    }

    public static HttpResponse<String> postJson(String url, String json) throws IOException, InterruptedException {
        return send("POST", url, json);
    }

    public static HttpResponse<String> send(String method, String url, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").header("Accept", "application/json");
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
