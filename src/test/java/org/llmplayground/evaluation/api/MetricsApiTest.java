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
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS) // so that getProperties applies
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

    /** f1 values from SQuAD v1.1's evaluate-v1.1.py (normalize_answer, f1_score) run on these pairs with Python 3.11. */
    @Test
    void answerMetricsAndSelfBleu() throws Exception {
        List<String> predictions = List.of("The Eiffel tower!", "a cat, the cat", "Denver Broncos", "nothing", "an apple's core");
        List<String> references = List.of("eiffel tower in paris", "Cat cat cat", "Broncos of Denver, the", "else", "apple core");
        double[] squad = {0.6666666666666666, 0.8, 0.8, 0, 0.5};
        JsonNode f1 = post("f1", Map.of("predictions", predictions, "references", references.stream().map(List::of).toList()), 200);
        for (int i = 0; i < squad.length; i++) {
            assertThat(f1.get("sentences").get(i).get("f1").asDouble()).isCloseTo(squad[i], within(1e-12));
        }
        assertThat(f1.get("corpus").get("f1").asDouble()).isCloseTo(java.util.Arrays.stream(squad).average().orElseThrow(), within(1e-12));
        JsonNode em = post("exact_match", Map.of("predictions", List.of(" Paris\n", "paris", "Paris is it"),
                "references", List.of(List.of("Rome", "Paris"), List.of("Paris"), List.of("Paris"))), 200);
        assertThat(em.get("sentences").toString()).isEqualTo("[{\"exact_match\":1.0},{\"exact_match\":0.0},{\"exact_match\":0.0}]");
        JsonNode contains = post("contains", Map.of("predictions", List.of("Paris is it", "paris"), "references", List.of(List.of("Paris"), List.of("Paris"))), 200);
        assertThat(contains.get("corpus").get("contains").asDouble()).isEqualTo(0.5);
        // self-BLEU: each generation against the others with sentence BLEU (itself golden-tested): identical texts 100
        assertThat(post("distinct", Map.of("predictions", List.of("the cat sat on the mat", "the cat sat on the mat")), 200)
                .get("corpus").get("self_bleu").asDouble()).isCloseTo(100, within(1e-9));
        List<String> two = List.of("the cat sat on the mat today", "a dog sat on the mat");
        double expected = (post("bleu", Map.of("predictions", two, "references", List.of(List.of(two.get(1)), List.of(two.get(0)))), 200)
                .get("sentences").get(0).get("score").asDouble() + post("bleu", Map.of("predictions", two, "references",
                List.of(List.of(two.get(1)), List.of(two.get(0)))), 200).get("sentences").get(1).get("score").asDouble()) / 2;
        assertThat(post("distinct", Map.of("predictions", two), 200).get("corpus").get("self_bleu").asDouble()).isCloseTo(expected, within(1e-9));
    }

    /** The fixed shape of POST /api/v1/evaluation/agreement, on Wikipedia's worked examples (AgreementTest has the values). */
    @Test
    void agreementOfAnnotators() throws Exception {
        HttpResponse<String> r = TestApp.send("POST", jetty.baseUrl() + "/api/v1/evaluation/agreement",
                JSON.writeValueAsString(Map.of("counts", org.llmplayground.evaluation.metrics.AgreementTest.FLEISS)));
        JsonNode f = JSON.readTree(r.body());
        assertThat(f.get("fleiss_kappa").asDouble()).isCloseTo(0.20993070442195524, within(1e-9));
        assertThat(f.get("percent_agreement").asDouble()).isCloseTo(0.378021978021978, within(1e-9));
        assertThat(List.of(f.get("items").asInt(), f.get("raters").asInt(), f.get("categories").asInt())).containsExactly(10, 14, 5);
        List<List<Object>> labels = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) { // 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no; numbers are labels too
            labels.add(i < 20 ? List.of(1, 1) : i < 25 ? List.of(1, 0) : i < 35 ? List.of(0, 1) : List.of(0, 0));
        }
        JsonNode c = JSON.readTree(TestApp.send("POST", jetty.baseUrl() + "/api/v1/evaluation/agreement",
                JSON.writeValueAsString(Map.of("labels", labels))).body());
        assertThat(c.get("cohen_kappa").asDouble()).isCloseTo(0.4, within(1e-9));
        assertThat(c.get("percent_agreement").asDouble()).isCloseTo(0.7, within(1e-12));
        assertThat(c.get("raters").asInt()).isEqualTo(2);
        HttpResponse<String> bad = TestApp.send("POST", jetty.baseUrl() + "/api/v1/evaluation/agreement", "{}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("message").asText()).isEqualTo("Give either 'counts' (Fleiss' kappa: raters per category per item) "
                + "or 'labels' (Cohen's kappa: two raters' labels per item).");
    }

    @Test
    void badRequestsAreRefusedWithTheReason() throws Exception {
        assertThat(post("bleurt", Map.of("predictions", List.of("a")), 404).get("message").asText())
                .isEqualTo("No metric 'bleurt': bleu, chrf, rouge, meteor, distinct, exact_match, f1, contains.");
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
