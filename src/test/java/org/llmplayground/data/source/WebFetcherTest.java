package org.llmplayground.data.source;

import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.llmplayground.data.clean.Document;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Fetching pages from a local web server: robots.txt, rate limit, size limit, errors and timeouts. */
class WebFetcherTest {
    MockWebServer web;
    final List<Long> times = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        web = new MockWebServer();
        web.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                synchronized (times) {
                    times.add(System.nanoTime());
                }
                return switch (r.getPath()) {
                    case "/robots.txt" -> new MockResponse().setBody("User-agent: *\nDisallow: /private\n\nUser-agent: other\nDisallow: /\n");
                    case "/a.html" -> html("<html><body><h1>Lobsters</h1><p>Homarus gammarus is a species of lobster.</p>"
                            + "<script>track()</script></body></html>");
                    case "/b.txt" -> new MockResponse().setHeader("Content-Type", "text/plain; charset=utf-8").setBody("Plain text page.");
                    case "/private/secret.html" -> html("<p>secret</p>");
                    case "/big.html" -> html("<p>" + "x".repeat(5000) + "</p>");
                    case "/image.png" -> new MockResponse().setHeader("Content-Type", "image/png").setBody("PNG");
                    case "/slow.html" -> html("<p>late</p>").setHeadersDelay(2, TimeUnit.SECONDS);
                    default -> new MockResponse().setResponseCode(500);
                };
            }
        });
        web.start();
    }

    static MockResponse html(String body) {
        return new MockResponse().setHeader("Content-Type", "text/html; charset=utf-8").setBody(body);
    }

    @AfterEach
    void stop() throws Exception {
        web.shutdown();
    }

    @Test
    void pagesAreFetchedPolitelyAndProblemsAreRecorded() {
        WebFetcher f = new WebFetcher(Duration.ofMillis(500), 1000, Duration.ofMillis(100), true); // the mock server is on loopback
        List<Document> docs = new ArrayList<>();
        List<String> urls = List.of("a.html", "b.txt", "private/secret.html", "big.html", "image.png", "oops.html", "slow.html").stream()
                .map(p -> web.url("/" + p).toString()).toList();
        List<WebFetcher.Result> results = f.fetch(new ArrayList<>(List.of("ftp://example.com/x")) {{
            addAll(urls);
        }}, docs::add);
        assertThat(docs).extracting(Document::text).containsExactly("Lobsters Homarus gammarus is a species of lobster.", "Plain text page.");
        assertThat(results).extracting(WebFetcher.Result::reason).containsExactly("not an http(s) URL", "", "", "disallowed by robots.txt",
                "larger than 1000 bytes", "not a text page (image/png)", "HTTP 500", "timed out");
        // one request per 100 ms to the host (robots.txt included)
        for (int i = 1; i < times.size(); i++) {
            assertThat((times.get(i) - times.get(i - 1)) / 1e6).as("gap before request %d", i).isGreaterThanOrEqualTo(95);
        }
    }

    @Test
    void loopbackPrivateAndRedirectedTargetsAreRefusedByDefaultWithTheReasonPerUrl() {
        WebFetcher f = new WebFetcher(Duration.ofMillis(500), 1000, Duration.ofMillis(10));
        List<Document> docs = new ArrayList<>();
        List<WebFetcher.Result> results = f.fetch(List.of(web.url("/a.html").toString(), "http://localhost:" + web.getPort() + "/a.html",
                "http://169.254.169.254/latest/meta-data/", "http://[::1]:" + web.getPort() + "/b.txt"), docs::add);
        assertThat(docs).isEmpty();
        assertThat(results.get(0).reason()).isEqualTo("refused: " + web.getHostName() + " is a loopback address (127.0.0.1); fetching from "
                + "this machine's own network is off unless playground.fetch.allow-private=true");
        assertThat(results.get(1).reason()).startsWith("refused: localhost is a loopback address");
        assertThat(results.get(2).reason()).startsWith("refused: 169.254.169.254 is a link-local address (169.254.169.254)");
        assertThat(results.get(3).reason()).startsWith("refused: ::1 is a loopback address").doesNotContain("unreachable");
        assertThat(org.llmplayground.core.net.PublicAddresses.nonPublic(addr("10.1.2.3"))).isEqualTo("a private address");
        assertThat(org.llmplayground.core.net.PublicAddresses.nonPublic(addr("100.100.1.1"))).isEqualTo("a carrier-grade NAT address");
        assertThat(org.llmplayground.core.net.PublicAddresses.nonPublic(addr("fd12::1"))).isEqualTo("a private address");
        assertThat(org.llmplayground.core.net.PublicAddresses.nonPublic(addr("93.184.215.14"))).isNull();
    }

    static java.net.InetAddress addr(String literal) {
        try {
            return java.net.InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void robotsRulesForOtherAgentsDoNotApply() {
        assertThat(WebFetcher.parseRobots("User-agent: googlebot\nDisallow: /\n\nUser-agent: *\nDisallow: /tmp\nAllow: /tmp/ok\n"))
                .containsExactly("/tmp");
        assertThat(WebFetcher.parseRobots("User-agent: llm-playground\nUser-agent: other\nDisallow: /no # comment\n")).containsExactly("/no");
        assertThat(WebFetcher.parseRobots("")).isEmpty();
    }
}
