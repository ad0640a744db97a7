package org.llmplayground.data.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import okio.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.app.web.JettyServer;
import org.llmplayground.data.DatasetFiles;
import org.llmplayground.support.TestApp;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The Data REST API end to end: uploads, previews, cleaning and split jobs, statistics, Hub downloads from a mock Hub. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DataApiTest implements TestPropertyProvider {
    static final ObjectMapper JSON = new ObjectMapper();
    static final byte[] SHARD = ("{\"text\": \"The library opened a new reading room on the second floor and visitors liked the quiet desks.\"}\n")
            .repeat(500).getBytes(StandardCharsets.UTF_8);
    final MockWebServer hub = new MockWebServer();
    final List<RecordedRequest> hubRequests = new CopyOnWriteArrayList<>();
    final AtomicInteger downloads = new AtomicInteger();
    @Inject
    JettyServer jetty;
    @Inject
    DatasetFiles files;

    @Override
    public Map<String, String> getProperties() {
        hub.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                hubRequests.add(r);
                String path = r.getPath();
                if (path.startsWith("/api/datasets/demo/corpus/tree/main")) {
                    return new MockResponse().setBody("[{\"type\":\"file\",\"path\":\"data/train.jsonl\",\"size\":" + SHARD.length
                            + ",\"lfs\":{\"oid\":\"" + sha(SHARD) + "\"}},{\"type\":\"file\",\"path\":\"logo.png\",\"size\":3}]");
                }
                if (path.equals("/datasets/demo/corpus/resolve/main/data/train.jsonl")) {
                    String range = r.getHeader("Range");
                    if (range != null) {
                        int from = Integer.parseInt(range.replaceAll("\\D", ""));
                        return new MockResponse().setResponseCode(206).setBody(new Buffer().write(java.util.Arrays.copyOfRange(SHARD, from, SHARD.length)));
                    }
                    // the first download breaks off halfway through the body
                    return downloads.getAndIncrement() == 0
                            ? new MockResponse().setBody(new Buffer().write(SHARD)).setSocketPolicy(SocketPolicy.DISCONNECT_DURING_RESPONSE_BODY)
                            : new MockResponse().setBody(new Buffer().write(SHARD));
                }
                return new MockResponse().setResponseCode(404);
            }
        });
        Map<String, String> p = new HashMap<>(TestApp.freshWorkspace("data-api"));
        p.put("playground.hub.endpoint", hub.url("/").toString());
        p.put("playground.hub.token", "hf_never_logged");
        return p;
    }

    @AfterAll
    void stopHub() throws IOException {
        hub.shutdown();
    }

    static String sha(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    String url(String path) {
        return jetty.baseUrl() + "/api/v1/data" + path;
    }

    JsonNode get(String path) throws Exception {
        HttpResponse<String> r = TestApp.get(url(path));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    HttpResponse<String> upload(String name, byte[] body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url("/datasets/upload?name=" + name)))
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Posts a job and polls it until it ends; returns its status (job + result). */
    JsonNode runJob(String path, String body) throws Exception {
        HttpResponse<String> r = TestApp.postJson(url(path), body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String id = JSON.readTree(r.body()).get("id").asText();
        for (int i = 0; i < 600; i++) {
            JsonNode s = get("/jobs/" + id);
            if (List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(s.at("/job/state").asText())) {
                return s;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + id + " did not finish");
    }

    @Test
    void supportedListsSourcesFormatsStagesAndTokenizers() throws Exception {
        JsonNode s = get("/datasets/supported");
        assertThat(s.get("formats").toString()).contains("txt", "jsonl", "csv", "parquet", "wet");
        assertThat(s.at("/defaults/nearDedup/bands").asInt()).isEqualTo(50);
        assertThat(s.at("/defaults/languages/0").asText()).isEqualTo("eng"); // posting the defaults back runs every stage
        assertThat(s.at("/defaults/quality/minWords").asInt()).isEqualTo(50);
        assertThat(s.get("tokenizers").toString()).contains("char", "gpt2");
    }

    @Test
    void anUploadedJsonlIsPreviewedCleanedAndItsBadLineCounted() throws Exception {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            b.append("{\"id\": ").append(i).append(", \"body\": \"Note ").append(i % 20)
                    .append(": the committee met on Tuesday to review the budget for the coming year and argued about the library hours.\"}\n");
            if (i == 1) {
                b.append("{broken\n");
            }
        }
        HttpResponse<String> up = upload("notes.jsonl", b.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
        assertThat(JSON.readTree(up.body()).get("path").asText()).isEqualTo("uploads/notes.jsonl");
        JsonNode info = get("/datasets/info?kind=file&id=uploads/notes.jsonl");
        assertThat(info.get("fields").toString()).isEqualTo("[\"id\",\"body\"]");
        assertThat(info.get("suggestedField").asText()).isEqualTo("body");
        assertThat(info.get("sample")).hasSize(3);
        String request = """
                {"source": {"kind": "FILE", "id": "uploads/notes.jsonl", "field": "body"}, "outputName": "notes clean",
                 "stages": {"normalize": {"html": true, "nfkc": true, "control": true, "whitespace": true}, "languages": ["eng"],
                            "minLanguageConfidence": 0, "piiRegion": "US", "exactDedup": true}, "statsTokenizer": "char"}""";
        JsonNode done = runJob("/clean", request);
        assertThat(done.at("/job/state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
        JsonNode result = done.get("result");
        assertThat(result.at("/read/skipped").asInt()).isEqualTo(1);
        assertThat(result.at("/read/problems/0").asText()).isEqualTo("line 3: not JSON");
        assertThat(result.get("documentsIn").asInt()).isEqualTo(40);
        assertThat(result.get("documentsOut").asInt()).isEqualTo(20); // "Note 0" … "Note 19", each twice
        assertThat(result.at("/stats/duplicates/exactRemoved").asInt()).isEqualTo(20);
        assertThat(result.at("/stats/tokens").asLong()).isEqualTo(result.at("/stats/characters").asLong());
        String corpus = result.get("corpusId").asText();
        JsonNode stats = get("/stats?kind=corpus&id=" + corpus + "&tokenizer=char");
        assertThat(stats.get("documents").asInt()).isEqualTo(20);
        HttpResponse<String> report = TestApp.get(url("/stats/report?kind=corpus&id=" + corpus));
        assertThat(report.body()).startsWith("# Dataset statistics: corpus " + corpus).contains("| documents | 20 |");
    }

    @Test
    void aCorpusIsSplitIntoTokenizedParts() throws Exception {
        JsonNode done = runJob("/split", "{\"corpus\": \"wikitext-2-valid\", \"train\": 0.8, \"val\": 0.1, \"test\": 0.1, \"seed\": 3, \"tokenizer\": \"char\"}");
        assertThat(done.at("/job/state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
        JsonNode parts = done.at("/result/parts");
        assertThat(parts).hasSize(3);
        long docs = 0;
        for (JsonNode p : parts) {
            docs += p.get("documents").asLong();
            assertThat(p.get("tokens").asLong()).isPositive();
        }
        assertThat(docs).isEqualTo(get("/stats?kind=corpus&id=wikitext-2-valid").get("documents").asLong());
        assertThat(parts.get(0).get("documents").asLong()).isGreaterThan(docs * 7 / 10);
        // the same seed splits the same way again, although the parts are new corpora
        JsonNode again = runJob("/split", "{\"corpus\": \"wikitext-2-valid\", \"train\": 0.8, \"val\": 0.1, \"test\": 0.1, \"seed\": 3}");
        for (int i = 0; i < 3; i++) {
            assertThat(again.at("/result/parts/" + i + "/documents").asLong()).isEqualTo(parts.get(i).get("documents").asLong());
            JsonNode tokens = again.at("/result/parts/" + i + "/tokens");
            assertThat(tokens.isMissingNode() || tokens.isNull()).isTrue(); // no tokenizer: not tokenized
        }
    }

    @Test
    void aFailedPipelineRunsAgainWithItsSettingsOnceItsSourceIsFixed() throws Exception {
        // a file emptied after its upload: the pipeline fails when it reads it
        assertThat(upload("tiny.txt", "Too short.\n".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);
        String request = """
                {"clean": {"source": {"kind": "FILE", "id": "uploads/tiny.txt"}, "outputName": "tiny clean",
                           "stages": {"exactDedup": true}},
                 "split": {"corpus": "", "train": 0.5, "val": 0.25, "test": 0.25, "seed": 1}}""";
        java.nio.file.Path file = files.dir().resolve("uploads/tiny.txt");
        java.nio.file.Files.writeString(file, "");
        JsonNode failed = runJob("/pipeline", request);
        assertThat(failed.at("/job/state").asText()).as(failed.toString()).isEqualTo("FAILED");
        String id = failed.at("/job/id").asText();
        java.nio.file.Files.writeString(file, "First document of the fixed file.\n\nSecond document.\n\nThird one.\n\nAnd a fourth.\n");
        HttpResponse<String> again = TestApp.postJson(jetty.baseUrl() + "/api/v1/jobs/" + id + "/rerun", "");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
        String next = JSON.readTree(again.body()).get("id").asText();
        assertThat(again.headers().firstValue("Location")).contains("/api/v1/jobs/" + next);
        JsonNode done = null;
        for (int i = 0; i < 300; i++) {
            done = get("/jobs/" + next);
            if (List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(done.at("/job/state").asText())) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(done.at("/job/state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.at("/result/clean/documentsOut").asInt()).isEqualTo(4);
        long split = 0;
        for (JsonNode part : done.at("/result/split/parts")) {
            split += part.get("documents").asLong();
        }
        assertThat(split).isEqualTo(4); // the same split settings ran too
        HttpResponse<String> twice = TestApp.postJson(jetty.baseUrl() + "/api/v1/jobs/" + next + "/rerun", "");
        assertThat(twice.statusCode()).isEqualTo(409);
    }

    @Test
    void badInputGetsClearMessagesAndLosesNothing() throws Exception {
        assertThat(upload("tool.exe", new byte[]{1, 2}).body()).contains("Unsupported file type 'tool.exe'");
        assertThat(upload("empty.txt", new byte[0]).body()).contains("The file 'empty.txt' is empty.");
        assertThat(TestApp.get(url("/datasets/info?kind=file&id=../../db/playground.mv.db")).body()).contains("is not allowed");
        assertThat(TestApp.get(url("/stats?kind=url&id=x")).body()).contains("Unknown source kind 'url': use corpus or file.");
        byte[] latin1 = "{\"text\": \"caf\u00e9\"}\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(upload("latin.jsonl", latin1).statusCode()).isEqualTo(200);
        JsonNode failed = runJob("/clean", "{\"source\": {\"kind\": \"FILE\", \"id\": \"uploads/latin.jsonl\", \"field\": \"text\"}, "
                + "\"outputName\": \"latin\", \"stages\": {\"exactDedup\": true, \"minLanguageConfidence\": 0}}");
        assertThat(failed.at("/job/state").asText()).isEqualTo("FAILED");
        assertThat(failed.at("/job/message").asText()).startsWith("latin.jsonl is not UTF-8 text");
        assertThat(Files.exists(files.dir().resolve("uploads/latin.jsonl"))).isTrue(); // the source is kept for a fixed re-run
        assertThat(TestApp.postJson(url("/split"), "{\"corpus\": \"tinyshakespeare\", \"train\": 0.5, \"val\": 0.1, \"test\": 0.1, \"seed\": 1}").body())
                .contains("Split ratios must be ≥ 0, train > 0, and add up to 1");
        // 65,536 × 65,536 overflowed an int to 0 and passed the "at most 1,024 hashes" check
        HttpResponse<String> huge = TestApp.postJson(url("/clean"), "{\"source\": {\"kind\": \"corpus\", \"id\": \"tinyshakespeare\"}, "
                + "\"outputName\": \"x\", \"stages\": {\"exactDedup\": false, \"minLanguageConfidence\": 0, "
                + "\"nearDedup\": {\"shingleWords\": 2, \"bands\": 65536, \"rows\": 65536, \"threshold\": 0.5}}}");
        assertThat(huge.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(huge.body()).get("message").asText())
                .isEqualTo("Near dedup needs 1–10 shingle words, bands × rows between 1 and 1024, and a threshold in (0, 1] "
                        + "(got 2 words, 65536 × 65536, threshold 0.5).");
    }

    @Test
    void hubFilesDownloadAsAJobAndAnInterruptedDownloadResumes() throws Exception {
        JsonNode listed = get("/datasets/hub/files?dataset=demo/corpus");
        assertThat(listed).hasSize(2);
        String load = "{\"dataset\": \"demo/corpus\", \"files\": [\"data/train.jsonl\"]}";
        JsonNode first = runJob("/datasets/load", load);
        assertThat(first.at("/job/state").asText()).isEqualTo("FAILED");
        assertThat(first.at("/job/message").asText()).contains("was interrupted", "the next download resumes from it");
        Path target = files.dir().resolve("hub/demo/corpus/main/data/train.jsonl");
        assertThat(target).doesNotExist(); // never a corrupt file under the real name
        JsonNode second = runJob("/datasets/load", load);
        assertThat(second.at("/job/state").asText()).as(second.toString()).isEqualTo("SUCCEEDED");
        assertThat(Files.readAllBytes(target)).isEqualTo(SHARD);
        assertThat(hubRequests.stream().filter(r -> r.getHeader("Range") != null).count()).isEqualTo(1);
        assertThat(hubRequests).allSatisfy(r -> assertThat(r.getHeader("Authorization")).isEqualTo("Bearer hf_never_logged"));
        assertThat(second.toString()).doesNotContain("hf_never_logged");
        assertThat(get("/datasets/files").toString()).contains("hub/demo/corpus/main/data/train.jsonl");
        assertThat(TestApp.postJson(url("/datasets/load"), "{\"dataset\": \"demo/corpus\", \"files\": [\"logo.png\"]}").body())
                .contains("Unsupported file type 'logo.png'");
    }
}
