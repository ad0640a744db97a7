package org.llmplayground.tracking;

import org.llmplayground.core.Troubleshooting;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** W&amp;B mirroring against a mock W&amp;B: the requests it makes, offsets, retries, refusals, an outage and a restart. */
class WandbMirrorTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "local-0123456789abcdef";
    MockWebServer server;
    JdbcDataSource db;
    static int dbs;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:wandb" + (++dbs) + ";DB_CLOSE_DELAY=-1");
        try (Connection c = db.getConnection()) {
            c.createStatement().execute(Files.readString(Path.of("src/main/resources/db/migration/V10__wandb_buffer.sql")));
        }
    }

    @AfterEach
    void stop() throws Exception {
        server.shutdown();
    }

    WandbMirror mirror() {
        return new WandbMirror(db, new WandbClient(server.url("/").toString(), KEY, "ada", "playground", Duration.ofSeconds(2)));
    }

    static MockResponse ok() {
        return new MockResponse().setBody("{}");
    }

    JsonNode body(RecordedRequest r) throws Exception {
        return JSON.readTree(r.getBody().readString(StandardCharsets.UTF_8));
    }

    @Test
    void aRunIsCreatedStreamedSummarisedAndCompleted() throws Exception {
        WandbMirror m = mirror();
        m.start("0f1e2d3c-aaaa-bbbb-cccc-000000000001", "shakespeare run", Map.of("lr", 0.001, "batch_size", 8));
        m.log("0f1e2d3c-aaaa-bbbb-cccc-000000000001", Map.of("_step", 1, "loss", 4.2));
        m.log("0f1e2d3c-aaaa-bbbb-cccc-000000000001", Map.of("_step", 2, "loss", 3.9));
        for (int i = 0; i < 4; i++) {
            server.enqueue(ok());
        }
        String id = "0f1e2d3c-aaaa-bbbb-cccc-000000000001";
        Instant t = Instant.parse("2026-12-03T00:00:00Z");
        m.sync(id, t);
        RecordedRequest upsert = server.takeRequest(1, TimeUnit.SECONDS);
        assertThat(upsert.getPath()).isEqualTo("/graphql");
        assertThat(upsert.getHeader("Authorization")).isEqualTo("Basic " + Base64.getEncoder().encodeToString(("api:" + KEY).getBytes()));
        JsonNode gql = body(upsert);
        assertThat(gql.get("query").asText()).startsWith("mutation UpsertBucket(");
        assertThat(gql.get("variables").get("name").asText()).isEqualTo("0f1e2d3c");
        assertThat(gql.get("variables").get("project").asText()).isEqualTo("playground");
        assertThat(gql.get("variables").get("entity").asText()).isEqualTo("ada");
        assertThat(gql.get("variables").get("displayName").asText()).isEqualTo("shakespeare run");
        assertThat(JSON.readTree(gql.get("variables").get("config").asText()).get("lr").get("value").asDouble()).isEqualTo(0.001);
        JsonNode first = body(server.takeRequest(1, TimeUnit.SECONDS));
        assertThat(first.get("files").get("wandb-history.jsonl").get("offset").asInt()).isZero();
        assertThat(first.get("files").get("wandb-history.jsonl").get("content")).hasSize(2);
        assertThat(m.status(id).orElseThrow().state()).isEqualTo("synced");

        // more lines: the offset grows by what W&B has; the summary goes at offset 0 with the last lines; then complete
        m.log(id, Map.of("_step", 3, "loss", 3.5));
        m.finish(id, Map.of("loss", 3.5, "_runtime", 12), 0);
        m.sync(id, t.plusSeconds(1));
        RecordedRequest second = server.takeRequest(1, TimeUnit.SECONDS);
        assertThat(second.getPath()).isEqualTo("/files/ada/playground/0f1e2d3c/file_stream");
        JsonNode files = body(second).get("files");
        assertThat(files.get("wandb-history.jsonl").get("offset").asInt()).isEqualTo(2);
        assertThat(JSON.readTree(files.get("wandb-history.jsonl").get("content").get(0).asText()).get("loss").asDouble()).isEqualTo(3.5);
        assertThat(files.get("wandb-summary.json").get("offset").asInt()).isZero();
        JsonNode complete = body(server.takeRequest(1, TimeUnit.SECONDS));
        assertThat(complete.get("complete").asBoolean()).isTrue();
        assertThat(complete.get("exitcode").asInt()).isZero();
        WandbMirror.Status s = m.status(id).orElseThrow();
        assertThat(s.completed()).isTrue();
        assertThat(s.acknowledged()).isEqualTo(3);
        // the key went only into the header
        assertThat(s.toString()).doesNotContain(KEY);
    }

    @Test
    void aTooManyRequestsWaitsWithBackoffAndABadRequestStopsWithItsReason() throws Exception {
        WandbMirror m = mirror();
        String id = "aaaaaaaa-0000-0000-0000-000000000002";
        m.start(id, "r", Map.of());
        m.log(id, Map.of("_step", 1, "loss", 1.0));
        Instant t = Instant.parse("2026-12-03T00:00:00Z");
        server.enqueue(new MockResponse().setResponseCode(429).setBody("slow down"));
        m.sync(id, t);
        assertThat(m.status(id).orElseThrow().state()).isEqualTo("retrying");
        assertThat(m.status(id).orElseThrow().message()).startsWith("W&B answered 429: slow down; try 1, next in ");
        Duration wait = Duration.between(t, m.nextTry(id));
        assertThat(wait).isBetween(Duration.ofMillis(1600), Duration.ofMillis(2400)); // 2 s ± 20 %
        m.sync(id, t.plusSeconds(1)); // too early: nothing sent
        assertThat(server.getRequestCount()).isEqualTo(1);
        server.enqueue(ok());
        server.enqueue(new MockResponse().setResponseCode(400).setBody("{\"error\":\"bad history\"}"));
        m.sync(id, t.plusSeconds(3));
        WandbMirror.Status s = m.status(id).orElseThrow();
        assertThat(s.state()).isEqualTo("failing");
        assertThat(s.message()).isEqualTo("W&B answered 400: {\"error\":\"bad history\"} — mirroring stopped; the run's lines are kept here.");
        assertThat(s.behind()).isEqualTo(1);
        m.syncAll(t.plusSeconds(100)); // stopped: no more requests
        assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void anInvalidKeyIsSaidPlainly() throws Exception {
        WandbMirror m = mirror();
        String id = "bbbbbbbb-0000-0000-0000-000000000003";
        m.start(id, "r", Map.of());
        server.enqueue(new MockResponse().setResponseCode(401).setBody("unauthorized"));
        m.sync(id, Instant.now());
        assertThat(m.status(id).orElseThrow().message())
                .isEqualTo("W&B answered 401: unauthorized (the API key is not valid: set WANDB_API_KEY) — mirroring stopped; the run's lines are kept here.");
        assertThat(Troubleshooting.linkFor(m.status(id).orElseThrow().message())).contains("/docs/troubleshooting#weights--biases-shows-failing");
    }

    @Test
    void anOutageThenARestartLoseNothingAndSendEveryLineOnceInOrder() throws Exception {
        WandbMirror m = mirror();
        String id = "cccccccc-0000-0000-0000-000000000004";
        m.start(id, "long run", Map.of());
        Instant t = Instant.parse("2026-12-03T00:00:00Z");
        for (int step = 0; step < 3; step++) {
            m.log(id, Map.of("_step", step, "loss", 5.0 - step));
        }
        server.enqueue(ok());
        server.enqueue(ok());
        m.sync(id, t); // created, lines 0–2 acknowledged
        // W&B goes down: the lines wait in H2 through three failed tries
        for (int step = 3; step < 6; step++) {
            m.log(id, Map.of("_step", step, "loss", 5.0 - step));
        }
        for (int i = 0; i < 3; i++) {
            server.enqueue(new MockResponse().setResponseCode(503).setBody("down"));
            t = m.nextTry(id).isAfter(t) ? m.nextTry(id) : t.plusSeconds(1);
            m.sync(id, t);
        }
        assertThat(m.status(id).orElseThrow().behind()).isEqualTo(3);
        assertThat(m.status(id).orElseThrow().state()).isEqualTo("retrying");
        // the app restarts: a new mirror on the same database resumes from the acknowledged offset
        WandbMirror restarted = mirror();
        restarted.log(id, Map.of("_step", 6, "loss", -1.0));
        restarted.finish(id, Map.of("loss", -1.0), 0);
        server.enqueue(ok());
        server.enqueue(ok());
        restarted.sync(id, t.plusSeconds(120));
        List<Integer> steps = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        int requests = server.getRequestCount();
        for (int i = 0; i < requests; i++) {
            RecordedRequest r = server.takeRequest(1, TimeUnit.SECONDS);
            JsonNode b = body(r);
            if (r.getPath().endsWith("file_stream") && b.has("files") && b.get("files").has("wandb-history.jsonl")
                    && !(i >= 2 && i < 5)) { // the three failed tries are not counted as received
                offsets.add(b.get("files").get("wandb-history.jsonl").get("offset").asInt());
                for (JsonNode line : b.get("files").get("wandb-history.jsonl").get("content")) {
                    steps.add(JSON.readTree(line.asText()).get("_step").asInt());
                }
            }
        }
        assertThat(steps).containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(offsets).containsExactly(0, 3);
        WandbMirror.Status s = restarted.status(id).orElseThrow();
        assertThat(s.completed()).isTrue();
        assertThat(s.acknowledged()).isEqualTo(7);
        assertThat(s.behind()).isZero();
    }
}
