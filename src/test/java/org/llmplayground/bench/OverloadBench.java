package org.llmplayground.bench;

import io.micronaut.context.ApplicationContext;
import org.llmplayground.app.web.JettyServer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * 50 streamed chat completions sent at once to {@code /v1/chat/completions} (60 tokens each, the bundled
 * Shakespeare model) with the default admission: 4 running, 16 waiting up to 10 s. Counts how many were served
 * (200 and a finished stream) and how many were refused (429 with Retry-After, before any stream), the p50/p95 time to
 * first token of the served ones against a lone request's, and the process's resident memory before and after.
 * <pre>./mvnw -q -Pbench test-compile exec:exec -Dbench=OverloadBench -Dbench.args=50</pre>
 */
public final class OverloadBench {
    private record Outcome(int status, String retryAfter, double firstTokenMs, boolean done) {
    }

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 && !args[0].isBlank() && !args[0].equals("-") ? Integer.parseInt(args[0]) : 50;
        Path home = Files.createTempDirectory("overload-bench");
        try (ApplicationContext ctx = ApplicationContext.run(Map.of("playground.home", home.toString(), "playground.port", "0"))) {
            String url = ctx.getBean(JettyServer.class).baseUrl() + "/v1/chat/completions";
            HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(clients + 4)).build();
            String body = "{\"model\":\"shakespeare-char\",\"stream\":true,\"max_tokens\":60,\"seed\":1,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"Who goes there?\"}]}";
            call(http, url, body); // warm-up
            Outcome lone = call(http, url, body); // the time to first token of a lone request
            long rssBefore = rssKb();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<Outcome>> all = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                all.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                        return call(http, url, body);
                    } catch (Exception e) {
                        return new Outcome(-1, null, -1, false);
                    }
                }, pool));
            }
            long t0 = System.nanoTime();
            start.countDown();
            List<Outcome> outcomes = all.stream().map(CompletableFuture::join).toList();
            double wall = (System.nanoTime() - t0) / 1e9;
            long rssAfter = rssKb();
            pool.shutdown();
            long served = outcomes.stream().filter(o -> o.status() == 200 && o.done()).count();
            long refused = outcomes.stream().filter(o -> o.status() == 429 && o.retryAfter() != null).count();
            long other = outcomes.size() - served - refused;
            double[] ttft = outcomes.stream().filter(o -> o.status() == 200).mapToDouble(Outcome::firstTokenMs).sorted().toArray();
            System.out.printf(Locale.ROOT, "%d concurrent streams in %.1f s: %d served, %d refused with 429 + Retry-After, %d other%n",
                    clients, wall, served, refused, other);
            if (ttft.length > 0) {
                System.out.printf(Locale.ROOT, "time to first token: lone %.0f ms; under load p50 %.0f ms, p95 %.0f ms, max %.0f ms%n",
                        lone.firstTokenMs(), ttft[ttft.length / 2], ttft[(int) Math.min(ttft.length - 1, Math.ceil(ttft.length * 0.95) - 1)],
                        ttft[ttft.length - 1]);
            }
            System.out.printf(Locale.ROOT, "RSS before %,d MB, after %,d MB%n", rssBefore / 1024, rssAfter / 1024);
        }
        System.exit(0); // the HTTP client's threads would keep the JVM alive
    }

    private static Outcome call(HttpClient http, String url, String body) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        String retryAfter = r.headers().firstValue("Retry-After").orElse(null);
        double first = -1;
        boolean done = false;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (first < 0 && line.startsWith("data:") && line.contains("\"content\"") && !line.contains("\"content\":\"\"")) {
                    first = (System.nanoTime() - t0) / 1e6;
                }
                if (line.startsWith("data: [DONE]") || line.startsWith("data:[DONE]")) {
                    done = true;
                }
            }
        }
        return new Outcome(r.statusCode(), retryAfter, first, done);
    }

    /** Resident memory of this process (Linux /proc), in KB. */
    private static long rssKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    private OverloadBench() {
    }
}
