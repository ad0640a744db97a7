package org.llmplayground.evaluation.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.llmplayground.app.web.JettyServer;
import org.llmplayground.support.TestApp;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * POST /api/v1/evaluation/metrics/{name}: the fixed shape, with the reference packages' numbers for a golden corpus
 * group (sacreBLEU's corpus and sentence BLEU, chrF, rouge-score with the stemmer, NLTK's METEOR), and bad input.
 */
@MicronautTest(transactional = false)
class MetricsApiTest implements TestPropertyProvider {
    static final ObjectMapper JSON = new ObjectMapper();
    @Inject
    JettyServer jetty;

    @Override
    public Map<String, String> getProperties() {
        return TestApp.freshWorkspace("metrics-api");
    }

    JsonNode post(String metric, Object body, int status) throws Exception {
        HttpResponse<String> r = TestApp.send("POST", jetty.baseUrl() + "/api/v1/evaluation/metrics/" + metric, JSON.writeValueAsString(body));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    static List<JsonNode> golden() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        try (var in = MetricsApiTest.class.getResourceAsStream("/golden/metrics/metrics.jsonl")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    out.add(JSON.readTree(line));
                }
            }
        }
        return out;
    }

    @Test
    void aGoldenCorpusGroupScoresAsTheReferencePackagesDo() throws Exception {
        List<JsonNode> all = golden();
        Map<String, JsonNode> segments = new HashMap<>();
        all.stream().filter(n -> n.get("kind").asText().equals("segment")).forEach(n -> segments.put(n.get("id").asText(), n));
        JsonNode group = all.stream().filter(n -> n.get("kind").asText().equals("corpus_group")).findFirst().orElseThrow();
        List<String> predictions = new ArrayList<>();
        List<List<String>> references = new ArrayList<>();
        List<JsonNode> cases = new ArrayList<>();
        for (JsonNode id : group.get("case_ids")) {
            JsonNode c = segments.get(id.asText());
            cases.add(c);
            predictions.add(c.get("hypothesis").asText());
            List<String> refs = new ArrayList<>();
            c.get("references").forEach(r -> refs.add(r.asText()));
            references.add(refs);
        }
        Map<String, Object> body = Map.of("predictions", predictions, "references", references);
        JsonNode bleu = post("bleu", body, 200);
        JsonNode g = group.get("sacrebleu_corpus_bleu");
        assertThat(bleu.get("corpus").get("score").asDouble()).isCloseTo(g.get("score").asDouble(), within(1e-9 * Math.max(1, g.get("score").asDouble())));
        assertThat(bleu.get("corpus").get("counts")).isEqualTo(g.get("counts"));
        assertThat(bleu.get("corpus").get("sys_len").asInt()).isEqualTo(g.get("sys_len").asInt());
        assertThat(bleu.get("corpus").get("ref_len").asInt()).isEqualTo(g.get("ref_len").asInt());
        assertThat(bleu.get("sentences")).hasSize(cases.size());
        for (int i = 0; i < cases.size(); i++) {
            assertThat(bleu.get("sentences").get(i).get("score").asDouble())
                    .isCloseTo(cases.get(i).get("sacrebleu_sentence_bleu").get("score").asDouble(), within(1e-9));
        }
        assertThat(post("chrf", body, 200).get("corpus").get("score").asDouble())
                .isCloseTo(group.get("sacrebleu_corpus_chrf").get("score").asDouble(), within(1e-9));
        JsonNode rouge = post("rouge", Map.of("predictions", predictions, "references", references, "use_stemmer", true), 200);
        for (int i = 0; i < cases.size(); i++) {
            for (String type : List.of("rouge1", "rouge2", "rougeL", "rougeLsum")) {
                assertThat(rouge.get("sentences").get(i).get(type).get("fmeasure").asDouble())
                        .isCloseTo(cases.get(i).get("rouge_stem").get(type).get("fmeasure").asDouble(), within(1e-12));
            }
        }
        JsonNode meteor = post("meteor", body, 200);
        double mean = 0;
        for (int i = 0; i < cases.size(); i++) {
            double expected = cases.get(i).get("meteor").asDouble();
            assertThat(meteor.get("sentences").get(i).get("score").asDouble()).isCloseTo(expected, within(1e-12));
            mean += expected / cases.size();
        }
        assertThat(meteor.get("corpus").get("score").asDouble()).isCloseTo(mean, within(1e-12));
        JsonNode distinct = post("distinct", Map.of("predictions", List.of("the cat sat", "the cat ran")), 200);
        assertThat(distinct.get("corpus").get("distinct_1").asDouble()).isCloseTo(4 / 6.0, within(1e-12));
        assertThat(distinct.get("corpus").get("distinct_2").asDouble()).isCloseTo(3 / 4.0, within(1e-12));
    }

    @Test
    void badRequestsAreRefusedWithTheReason() throws Exception {
        assertThat(post("bleurt", Map.of("predictions", List.of("a")), 404).get("message").asText())
                .isEqualTo("No metric 'bleurt': bleu, chrf, rouge, meteor, distinct.");
        assertThat(post("bleu", Map.of("predictions", List.of("a", "b"), "references", List.of(List.of("a"))), 400).get("message").asText())
                .isEqualTo("Give 'references': one list of references per prediction (2 predictions, 1 lists).");
        assertThat(post("rouge", Map.of("predictions", List.of("a"), "references", List.of(List.of())), 400).get("message").asText())
                .isEqualTo("references[0] is empty: each prediction needs at least one reference.");
        assertThat(post("chrf", Map.of("predictions", List.of()), 400).get("message").asText())
                .isEqualTo("Give 'predictions': a list of at least one text.");
        assertThat(post("meteor", Map.of("predictions", List.of("x".repeat(20_001)), "references", List.of(List.of("x"))), 400).get("message").asText())
                .isEqualTo("predictions[0] has 20,001 characters; at most 20,000.");
    }
}
