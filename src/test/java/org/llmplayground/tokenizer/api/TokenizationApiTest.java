package org.llmplayground.tokenizer.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.app.web.JettyServer;
import org.llmplayground.support.TestApp;
import org.llmplayground.tokenizer.bpe.Gpt2Files;
import org.llmplayground.tokenizer.bpe.HfTokenizerJson;

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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Every /api/v1/tokenization endpoint, happy paths and errors, against the running app. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenizationApiTest implements TestPropertyProvider {
    static final ObjectMapper JSON = new ObjectMapper();
    static final EncodingRegistry TIKTOKEN = Encodings.newDefaultEncodingRegistry();

    @Inject
    JettyServer jetty;

    @Override
    public Map<String, String> getProperties() {
        return TestApp.freshWorkspace("api");
    }

    String url(String path) {
        return jetty.baseUrl() + "/api/v1/tokenization" + path;
    }

    JsonNode post(String path, String body, int expectedStatus) throws Exception {
        HttpResponse<String> r = TestApp.postJson(url(path), body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(expectedStatus);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        return JSON.readTree(r.body());
    }

    static String json(Object o) throws Exception {
        return JSON.writeValueAsString(o);
    }

    static List<Integer> ids(JsonNode node) {
        List<Integer> ids = new ArrayList<>();
        node.get("ids").forEach(n -> ids.add(n.asInt()));
        return ids;
    }

    static List<Integer> reference(EncodingType type, String text) {
        Encoding e = TIKTOKEN.getEncoding(type);
        return e.encodeOrdinary(text).boxed();
    }

    @Test
    void listsBuiltInTokenizers() throws Exception {
        JsonNode list = JSON.readTree(TestApp.get(url("/tokenizers")).body());
        List<String> ids = new ArrayList<>();
        list.forEach(t -> ids.add(t.get("id").asText()));
        assertThat(ids).contains("gpt2", "r50k_base", "p50k_base", "cl100k_base", "o200k_base", "hf-gpt2", "char");
    }

    @Test
    void encodeGivesTheReferenceIdsForEveryBuiltIn() throws Exception {
        String text = "Hello world! naïve café 😀 12345  spaces\n\ncode();";
        for (var e : Map.of("gpt2", EncodingType.R50K_BASE, "hf-gpt2", EncodingType.R50K_BASE, "r50k_base", EncodingType.R50K_BASE,
                "p50k_base", EncodingType.P50K_BASE, "cl100k_base", EncodingType.CL100K_BASE, "o200k_base", EncodingType.O200K_BASE).entrySet()) {
            JsonNode r = post("/encode", json(Map.of("text", text, "tokenizer", e.getKey())), 200);
            assertThat(ids(r)).as(e.getKey()).isEqualTo(reference(e.getValue(), text));
            assertThat(r.get("stats").get("tokens").asInt()).isEqualTo(r.get("ids").size());
        }
        JsonNode chars = post("/encode", json(Map.of("text", "hé😀", "tokenizer", "char")), 200);
        assertThat(ids(chars)).containsExactly(104, 233, 128512);
    }

    @Test
    void encodeReturnsTokenStringsBytesAndOffsets() throws Exception {
        String text = "Hello world<|endoftext|>é";
        JsonNode r = post("/encode", json(Map.of("text", text, "tokenizer", "gpt2")), 200);
        assertThat(ids(r)).containsExactly(15496, 995, 50256, 2634);
        JsonNode world = r.get("tokens").get(1);
        assertThat(world.get("text").asText()).isEqualTo(" world");
        assertThat(world.get("bytes").asText()).isEqualTo("20 77 6F 72 6C 64");
        assertThat(text.substring(world.get("start").asInt(), world.get("end").asInt())).isEqualTo(" world");
        JsonNode special = r.get("tokens").get(2);
        assertThat(special.get("special").asBoolean()).isTrue();
        assertThat(text.substring(special.get("start").asInt(), special.get("end").asInt())).isEqualTo("<|endoftext|>");
        assertThat(r.get("stats").get("characters").asInt()).isEqualTo(25);
        assertThat(r.get("stats").get("bytes").asInt()).isEqualTo(26);

        JsonNode ordinary = post("/encode", json(Map.of("text", text, "tokenizer", "gpt2", "allowSpecial", false)), 200);
        assertThat(ids(ordinary)).isEqualTo(reference(EncodingType.R50K_BASE, text));
    }

    @Test
    void encodeWithPreCleaningTokenizesTheCleanedText() throws Exception {
        JsonNode r = post("/encode", json(Map.of("text", "<p>Ｈｉ&amp;there</p>\n\n\n\n  x", "tokenizer", "gpt2", "preClean", true)), 200);
        assertThat(r.get("cleanedText").asText()).isEqualTo("Hi&there\n\nx");
        assertThat(ids(r)).isEqualTo(reference(EncodingType.R50K_BASE, "Hi&there\n\nx"));
        assertThat(r.get("cleaning").size()).isEqualTo(3);
    }

    @Test
    void encodeErrors() throws Exception {
        // the empty string is text: every reference tokenizer (tiktoken, HF tokenizers, minbpe) encodes it to []
        for (String t : List.of("gpt2", "cl100k_base", "o200k_base", "hf-gpt2", "char")) {
            JsonNode empty = post("/encode", json(Map.of("text", "", "tokenizer", t)), 200);
            assertThat(empty.get("ids").size()).as(t).isZero();
            assertThat(empty.get("stats").get("tokens").asInt()).as(t).isZero();
        }
        assertThat(post("/encode", json(Map.of("text", "hi", "tokenizer", "gpt5")), 400).get("message").asText())
                .startsWith("Unknown tokenizer 'gpt5'. Known: gpt2, r50k_base, p50k_base, cl100k_base, o200k_base, hf-gpt2, char");
        JsonNode missing = post("/encode", "{\"tokenizer\":\"\"}", 400);
        assertThat(missing.get("details").toString()).contains("text: must not be null", "tokenizer: must not be blank");
        assertThat(post("/encode", "{not json", 400).get("message").asText()).contains("Unable to decode request body");
        assertThat(post("/encode", json(Map.of("text", "hi", "tokenizer", "gpt2", "maxTokens", -1)), 400).get("message").asText())
                .contains("maxTokens: must be greater than or equal to 0");
    }

    @Test
    void tenMegabytesAreTokenizedAndMoreIsRefusedWithTheLimit() throws Exception {
        String tenMb = "The quick brown fox. ".repeat(10_485_760 / 21);
        JsonNode ok = post("/encode", json(Map.of("text", tenMb, "tokenizer", "gpt2", "maxTokens", 10)), 200);
        // "The", " quick", " brown", " fox", "." per sentence, and the final space alone
        assertThat(ok.get("ids").size()).isEqualTo(5 * (10_485_760 / 21) + 1);
        assertThat(ok.get("tokens").size()).isEqualTo(10);
        assertThat(ok.get("tokensTruncated").asBoolean()).isTrue();

        String tooMuch = "x".repeat(10_485_761);
        assertThat(post("/encode", json(Map.of("text", tooMuch, "tokenizer", "gpt2")), 413).get("message").asText())
                .isEqualTo("The text has 10,485,761 characters; the limit is 10,485,760. For whole corpora upload a file and use Coverage.");
    }

    @Test
    void decodeRoundTripsAndNamesABadId() throws Exception {
        JsonNode r = post("/decode", json(Map.of("ids", List.of(15496, 995, 50256), "tokenizer", "gpt2")), 200);
        assertThat(r.get("text").asText()).isEqualTo("Hello world<|endoftext|>");
        assertThat(r.get("tokens").toString()).isEqualTo("[\"Hello\",\" world\",\"<|endoftext|>\"]");
        assertThat(post("/decode", json(Map.of("ids", List.of(15496, 99999), "tokenizer", "gpt2")), 400).get("message").asText())
                .isEqualTo("Token id 99999 at position 1 is not in the vocabulary of gpt2 (ids 0..50256).");
        JsonNode none = post("/decode", json(Map.of("ids", List.of(), "tokenizer", "gpt2")), 200);
        assertThat(none.get("text").asText()).isEmpty();
        assertThat(none.get("tokens").size()).isZero();
        assertThat(post("/decode", "{\"tokenizer\":\"gpt2\"}", 400).get("details").toString()).contains("ids: must not be null");
        assertThat(post("/decode", json(Map.of("ids", List.of(-1), "tokenizer", "char")), 400).get("message").asText())
                .isEqualTo("Token id -1 at position 0 is not in the vocabulary of char (ids 0..1114111).");
    }

    @Test
    void compareRunsEachTokenizerOnTheSameText() throws Exception {
        String text = "for (int i = 0; i < 1000000; i++) {}";
        JsonNode r = post("/compare", json(Map.of("text", text, "tokenizers", List.of("gpt2", "cl100k_base", "o200k_base"))), 200);
        assertThat(r.get("results").size()).isEqualTo(3);
        assertThat(ids(r.get("results").get(0))).isEqualTo(reference(EncodingType.R50K_BASE, text));
        assertThat(ids(r.get("results").get(1))).isEqualTo(reference(EncodingType.CL100K_BASE, text));
        assertThat(post("/compare", json(Map.of("text", text, "tokenizers", List.of("gpt2"))), 400).get("message").asText())
                .contains("tokenizers: size must be between 2 and 4");
        assertThat(post("/compare", json(Map.of("text", text, "tokenizers", List.of("gpt2", "gpt2"))), 400).get("message").asText())
                .isEqualTo("Pick 2 to 4 different tokenizers to compare (got 1).");
        assertThat(post("/compare", json(Map.of("text", text, "tokenizers", List.of("gpt2", "nope"))), 400).get("message").asText())
                .startsWith("Unknown tokenizer 'nope'");
    }

    @Test
    void estimateCost() throws Exception {
        JsonNode r = post("/estimate-cost", json(Map.of("text", "Hello world", "tokenizer", "gpt2", "pricePer1k", 0.5)), 200);
        assertThat(r.get("tokens").asInt()).isEqualTo(2);
        assertThat(r.get("cost").asDouble()).isEqualTo(0.001);
        assertThat(post("/estimate-cost", json(Map.of("text", "Hello", "tokenizer", "gpt2", "pricePer1k", -1)), 400).get("message").asText())
                .contains("pricePer1k: must be greater than or equal to 0");
    }

    @Test
    void coverageOfBundledShakespeareMatchesTheReference() throws Exception {
        JsonNode r = post("/coverage", json(Map.of("tokenizer", "gpt2", "corpus", "tinyshakespeare", "top", 5)), 200);
        String text = Files.readString(Path.of("data/tinyshakespeare/input.txt"), StandardCharsets.UTF_8);
        List<Integer> ref = reference(EncodingType.R50K_BASE, text);
        assertThat(r.get("stats").get("tokens").asInt()).isEqualTo(ref.size()).isEqualTo(338025);
        assertThat(r.get("stats").get("bytes").asLong()).isEqualTo(1115394);
        assertThat(r.get("distinctTokens").asInt()).isEqualTo(new HashSet<>(ref).size());
        assertThat(r.get("vocabularyUsed").asDouble()).isEqualTo((double) new HashSet<>(ref).size() / 50257);
        assertThat(r.get("topTokens").size()).isEqualTo(5);
        int topId = r.get("topTokens").get(0).get("id").asInt();
        long topCount = ref.stream().filter(i -> i == topId).count();
        assertThat(r.get("topTokens").get(0).get("count").asLong()).isEqualTo(topCount);
        assertThat(ref.stream().collect(java.util.stream.Collectors.groupingBy(i -> i, java.util.stream.Collectors.counting()))
                .values().stream().max(Long::compare).orElseThrow()).isEqualTo(topCount);
        long histogramTotal = 0;
        for (JsonNode bin : r.get("tokenLengths")) {
            histogramTotal += bin.get("count").asLong();
        }
        assertThat(histogramTotal).isEqualTo(338025);

        assertThat(post("/coverage", json(Map.of("tokenizer", "gpt2", "corpus", "nope")), 400).get("message").asText())
                .startsWith("Unknown corpus 'nope'. Known: tinyshakespeare");
        assertThat(post("/coverage", json(Map.of("tokenizer", "char", "text", "abca")), 200).get("distinctTokens").asInt()).isEqualTo(3);
        assertThat(post("/coverage", json(Map.of("tokenizer", "gpt2")), 400).get("message").asText())
                .isEqualTo("Nothing to measure: give a corpus id or a non-empty text.");
    }

    @Test
    void trainSavesATokenizerThatEncodesAndDecodes() throws Exception {
        String body = json(Map.of("name", "API Test", "corpus", "tinyshakespeare", "vocabSize", 300, "pattern", "gpt2",
                "specialTokens", List.of("<|endoftext|>", "<|pad|>")));
        JsonNode started = post("/train", body, 202);
        String jobId = started.get("jobId").asText();
        JsonNode done = awaitJob(jobId);
        assertThat(done.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(done.get("tokenizer").asText()).isEqualTo("api-test");

        String text = "First Citizen:\nBefore we proceed<|pad|>";
        JsonNode enc = post("/encode", json(Map.of("text", text, "tokenizer", "api-test")), 200);
        assertThat(enc.get("vocabSize").asInt()).isEqualTo(302);
        assertThat(ids(enc)).contains(301).allMatch(id -> id < 302);
        JsonNode dec = post("/decode", json(Map.of("ids", ids(enc), "tokenizer", "api-test")), 200);
        assertThat(dec.get("text").asText()).isEqualTo(text);

        assertThat(post("/train", body, 409).get("message").asText())
                .isEqualTo("A tokenizer with the id 'api-test' already exists. Choose another name or delete the existing one first.");
    }

    @Test
    void trainRefusesBadRequestsBeforeStarting() throws Exception {
        assertThat(post("/train", json(Map.of("name", "t1", "corpus", "tinyshakespeare", "vocabSize", 100)), 400).get("message").asText())
                .isEqualTo("The vocabulary size must be between 257 and 65,536: 256 byte tokens plus at least one merge (got 100).");
        assertThat(post("/train", json(Map.of("name", "t1", "corpus", "tinyshakespeare", "vocabSize", 10_000_000)), 400).get("message").asText())
                .contains("(got 10,000,000)");
        assertThat(post("/train", json(Map.of("name", "t1", "corpus", "tinyshakespeare", "vocabSize", 300, "pattern", "gpt9")), 400)
                .get("message").asText()).isEqualTo("Unknown split pattern 'gpt9'. Use gpt2, gpt4 or none.");
        assertThat(post("/train", json(Map.of("name", "gpt2", "corpus", "tinyshakespeare", "vocabSize", 300)), 409).get("message").asText())
                .isEqualTo("A tokenizer with the id 'gpt2' already exists. Choose another name.");
        assertThat(post("/train", json(Map.of("name", "  ", "corpus", "tinyshakespeare", "vocabSize", 300)), 400).get("message").asText())
                .startsWith("Give the tokenizer a name");
        assertThat(post("/train", json(Map.of("name", "t1", "vocabSize", 300)), 400).get("message").asText())
                .isEqualTo("Nothing to train on: choose a corpus or give a text.");
        assertThat(post("/train", json(Map.of("name", "t1", "corpus", "tinyshakespeare", "vocabSize", 300,
                "specialTokens", List.of("has space"))), 400).get("message").asText()).startsWith("Special token 'has space' is not usable");
        HttpResponse<String> missing = TestApp.get(url("/train/no-such-job"));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).get("message").asText()).isEqualTo("No job with id 'no-such-job'.");
    }

    @Test
    void cancelStopsTrainingAndSavesNothing() throws Exception {
        JsonNode started = post("/train", json(Map.of("name", "to-cancel", "corpus", "tinyshakespeare", "vocabSize", 60_000,
                "pattern", "none")), 202);
        String jobId = started.get("jobId").asText();
        HttpResponse<String> cancel = TestApp.send("DELETE", url("/train/" + jobId), null);
        assertThat(cancel.statusCode()).isEqualTo(200);
        assertThat(awaitJob(jobId).get("state").asText()).isEqualTo("CANCELLED");
        assertThat(post("/encode", json(Map.of("text", "hi", "tokenizer", "to-cancel")), 400).get("message").asText())
                .startsWith("Unknown tokenizer 'to-cancel'");
    }

    @Test
    void trainingEventsStreamAsServerSentEvents() throws Exception {
        JsonNode started = post("/train", json(Map.of("name", "sse-test", "text", "the cat sat on the mat, the end".repeat(50),
                "vocabSize", 280)), 202);
        HttpResponse<java.io.InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(url("/train/" + started.get("jobId").asText() + "/events"))).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                lines.add(line);
            }
        }
        assertThat(lines).contains("event: status");
        String last = lines.stream().filter(l -> l.startsWith("data:")).reduce((a, b) -> b).orElseThrow();
        assertThat(JSON.readTree(last.substring(5)).get("state").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void importsAHuggingFaceTokenizerAndRefusesAMalformedOne() throws Exception {
        Path dir = Path.of("data/gpt2-tokenizer");
        String tokenizerJson = HfTokenizerJson.write(Gpt2Files.load(Files.readString(dir.resolve("encoder.json")),
                Files.readString(dir.resolve("vocab.bpe"))));
        HttpResponse<String> created = TestApp.postJson(url("/tokenizers/import"), json(Map.of("name", "my gpt2", "tokenizerJson", tokenizerJson)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).get("vocabSize").asInt()).isEqualTo(50257);
        String text = "Imported tokenizers work too 🙂";
        assertThat(ids(post("/encode", json(Map.of("text", text, "tokenizer", "my-gpt2")), 200))).isEqualTo(reference(EncodingType.R50K_BASE, text));

        assertThat(post("/tokenizers/import", json(Map.of("name", "broken", "tokenizerJson", "{\"model\": 3")), 400).get("message").asText())
                .startsWith("Not a valid tokenizer.json: it is not JSON");
        assertThat(post("/tokenizers/import", json(Map.of("name", "broken", "tokenizerJson", "{\"model\": {\"type\": \"BPE\"}}")), 400)
                .get("message").asText()).isEqualTo("Not a valid tokenizer.json: model.vocab is missing");
        assertThat(post("/encode", json(Map.of("text", "hi", "tokenizer", "broken")), 400).get("message").asText()).startsWith("Unknown tokenizer");

        assertThat(TestApp.send("DELETE", url("/tokenizers/my-gpt2"), null).statusCode()).isEqualTo(204);
        assertThat(TestApp.send("DELETE", url("/tokenizers/my-gpt2"), null).statusCode()).isEqualTo(404);
        HttpResponse<String> builtin = TestApp.send("DELETE", url("/tokenizers/gpt2"), null);
        assertThat(builtin.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(builtin.body()).get("message").asText()).isEqualTo("'gpt2' is built in and cannot be deleted.");
    }

    @Test
    void corporaAreListedWithProvenance() throws Exception {
        JsonNode list = JSON.readTree(TestApp.get(jetty.baseUrl() + "/api/v1/data/corpora").body());
        Set<String> ids = new HashSet<>();
        list.forEach(c -> ids.add(c.get("id").asText()));
        assertThat(ids).contains("tinyshakespeare");
        assertThat(list.get(0).get("provenance").asText()).contains("karpathy/char-rnn");
        assertThat(list.get(0).get("bytes").asLong()).isEqualTo(1115394);
    }

    JsonNode awaitJob(String jobId) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (true) {
            JsonNode status = JSON.readTree(TestApp.get(url("/train/" + jobId)).body());
            String state = status.get("state").asText();
            if (!state.equals("QUEUED") && !state.equals("RUNNING") || System.currentTimeMillis() > deadline) {
                return status;
            }
            Thread.sleep(50);
        }
    }
}
