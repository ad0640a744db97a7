package org.llmplayground.core.hub;

import org.llmplayground.core.Troubleshooting;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmplayground.core.BadInputException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Hub client against a local server that speaks the Hub's URLs. */
class HubClientTest {
    MockWebServer hub;
    @TempDir
    Path dir;

    static final byte[] DATA = "line one\nline two\n".repeat(2000).getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void start() throws Exception {
        hub = new MockWebServer();
        hub.start();
    }

    @AfterEach
    void stop() throws Exception {
        hub.shutdown();
    }

    HubClient client(String token) {
        return new HubClient(hub.url("/").toString(), token, Duration.ofSeconds(5));
    }

    static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void listsFilesWithTheTokenAsBearer() throws Exception {
        hub.enqueue(new MockResponse().setBody("[{\"type\":\"directory\",\"path\":\"data\"},"
                + "{\"type\":\"file\",\"path\":\"data/train-00000.parquet\",\"size\":123,\"lfs\":{\"oid\":\"abc\",\"size\":123}},"
                + "{\"type\":\"file\",\"path\":\"README.md\",\"size\":9}]"));
        List<HubClient.HubFile> files = client("hf_secret").files("Salesforce/wikitext", "main");
        assertThat(files).containsExactly(new HubClient.HubFile("data/train-00000.parquet", 123, "abc"), new HubClient.HubFile("README.md", 9, null));
        RecordedRequest r = hub.takeRequest();
        assertThat(r.getPath()).isEqualTo("/api/datasets/Salesforce/wikitext/tree/main?recursive=true");
        assertThat(r.getHeader("Authorization")).isEqualTo("Bearer hf_secret");
        assertThat(client("hf_secret").toString()).doesNotContain("hf_secret");
    }

    @Test
    void listedPathsThatClimbOutOrLookOddAreLeftOut() {
        hub.enqueue(new MockResponse().setBody("[{\"type\":\"file\",\"path\":\"../../uploads/x.txt\",\"size\":1},"
                + "{\"type\":\"file\",\"path\":\"/etc/passwd\",\"size\":1},{\"type\":\"file\",\"path\":\"a//b.txt\",\"size\":1},"
                + "{\"type\":\"file\",\"path\":\"a\\\\b.txt\",\"size\":1},{\"type\":\"file\",\"path\":\"data/./x.txt\",\"size\":1},"
                + "{\"type\":\"file\",\"path\":\"ok\\u0000.txt\",\"size\":1},{\"type\":\"file\",\"path\":\"data/train.txt\",\"size\":5}]"));
        assertThat(client("hf_secret").files("Salesforce/wikitext", "main")).containsExactly(new HubClient.HubFile("data/train.txt", 5, null));
    }

    @Test
    void anInterruptedDownloadResumesWithRangeAndIsVerified() throws Exception {
        HubClient.HubFile file = new HubClient.HubFile("data/valid.txt", DATA.length, sha(DATA));
        Path target = dir.resolve("valid.txt");
        // the first response dies halfway through the body
        hub.enqueue(new MockResponse().setBody(new Buffer().write(DATA)).setSocketPolicy(SocketPolicy.DISCONNECT_DURING_RESPONSE_BODY));
        assertThatThrownBy(() -> client(null).download("wikitext", "main", file, target, HubClient.Progress.NONE, () -> false))
                .isInstanceOf(BadInputException.class).hasMessageContaining("the partial file is kept");
        Path part = dir.resolve("valid.txt.part");
        long have = Files.size(part);
        assertThat(have).isBetween(1L, (long) DATA.length - 1);
        assertThat(target).doesNotExist();
        // the second asks for the rest and gets 206
        hub.enqueue(new MockResponse().setResponseCode(206).setBody(new Buffer().write(java.util.Arrays.copyOfRange(DATA, (int) have, DATA.length))));
        long[] last = new long[2];
        Path done = client(null).download("wikitext", "main", file, target, (b, t) -> {
            last[0] = b;
            last[1] = t;
        }, () -> false);
        assertThat(Files.readAllBytes(done)).isEqualTo(DATA);
        assertThat(last).containsExactly(DATA.length, DATA.length);
        assertThat(part).doesNotExist();
        hub.takeRequest();
        RecordedRequest second = hub.takeRequest();
        assertThat(second.getPath()).isEqualTo("/datasets/wikitext/resolve/main/data/valid.txt");
        assertThat(second.getHeader("Range")).isEqualTo("bytes=" + have + "-");
    }

    @Test
    void aChecksumMismatchLeavesNothingBehind() throws Exception {
        HubClient.HubFile file = new HubClient.HubFile("x.txt", DATA.length, sha("something else".getBytes(StandardCharsets.UTF_8)));
        hub.enqueue(new MockResponse().setBody(new Buffer().write(DATA)));
        Path target = dir.resolve("x.txt");
        assertThatThrownBy(() -> client(null).download("d", "main", file, target, HubClient.Progress.NONE, () -> false))
                .hasMessageStartingWith("Checksum mismatch for x.txt: expected sha256 ")
                .matches(e -> Troubleshooting.linkFor(e.getMessage()).orElseThrow().equals("/docs/troubleshooting#a-hub-download-fails"));
        assertThat(target).doesNotExist();
        assertThat(dir.resolve("x.txt.part")).doesNotExist();
    }

    @Test
    void serverErrorsAndBadIdsSayWhat() {
        hub.enqueue(new MockResponse().setResponseCode(500));
        assertThatThrownBy(() -> client(null).files("wikitext", "main"))
                .hasMessage("wikitext: HTTP 500, the Hub had an error; try again later.");
        hub.enqueue(new MockResponse().setResponseCode(401));
        assertThatThrownBy(() -> client(null).files("org/gated", "main"))
                .hasMessage("org/gated: HTTP 401, the Hub refused access (a gated or private dataset needs a token with access to it).");
        assertThatThrownBy(() -> client(null).files("../etc/passwd", "main"))
                .hasMessage("'../etc/passwd' is not a dataset id (like 'wikitext' or 'allenai/c4').");
        hub.enqueue(new MockResponse().setResponseCode(404));
        assertThatThrownBy(() -> client(null).download("d", "main", new HubClient.HubFile("no.txt", -1, null), dir.resolve("no.txt"),
                HubClient.Progress.NONE, () -> false)).hasMessage("d/no.txt: HTTP 404, the Hub has no such dataset, revision or file.");
    }

    @Test
    void aSlowServerTimesOut() {
        hub.enqueue(new MockResponse().setBody("[]").setHeadersDelay(3, java.util.concurrent.TimeUnit.SECONDS));
        HubClient impatient = new HubClient(hub.url("/").toString(), null, Duration.ofMillis(300));
        assertThatThrownBy(() -> impatient.files("d", "main")).hasMessageStartingWith("The Hub at " + hub.url("/") + " cannot be reached:");
    }
}
