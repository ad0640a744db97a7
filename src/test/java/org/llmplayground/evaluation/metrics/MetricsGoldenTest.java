package org.llmplayground.evaluation.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every case of the golden file (src/test/resources/golden/metrics/metrics.jsonl, made by sacreBLEU 2.6.0,
 * rouge-score 0.1.2 and NLTK 3.10.3 themselves; README beside it) against the ports: each number to 1e-9 relative
 * (integers exactly).
 */
class MetricsGoldenTest {
    static final double REL = 1e-9;

    static List<JsonNode> cases(String kind) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (var in = MetricsGoldenTest.class.getResourceAsStream("/golden/metrics/metrics.jsonl")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    JsonNode n = json.readTree(line);
                    if (kind.equals(n.get("kind").asText())) {
                        out.add(n);
                    }
                }
            }
        }
        return out;
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static void close(String what, double actual, double expected) {
        double tol = Math.max(Math.abs(expected) * REL, 1e-300);
        assertThat(Math.abs(actual - expected)).as(what + ": " + actual + " vs " + expected).isLessThanOrEqualTo(tol);
    }

    static void bleu(String id, Bleu.Score s, JsonNode g) {
        close(id + " score", s.score(), g.get("score").asDouble());
        for (int i = 0; i < 4; i++) {
            assertThat(s.counts()[i]).as(id + " counts " + i).isEqualTo(g.get("counts").get(i).asInt());
            assertThat(s.totals()[i]).as(id + " totals " + i).isEqualTo(g.get("totals").get(i).asInt());
            close(id + " precision " + i, s.precisions()[i], g.get("precisions").get(i).asDouble());
        }
        close(id + " bp", s.bp(), g.get("bp").asDouble());
        assertThat(s.sysLen()).as(id + " sys_len").isEqualTo(g.get("sys_len").asInt());
        assertThat(s.refLen()).as(id + " ref_len").isEqualTo(g.get("ref_len").asInt());
    }

    @Test
    void sentenceBleuAndChrfMatchSacreBleu() throws IOException {
        List<JsonNode> cases = cases("segment");
        assertThat(cases).hasSizeGreaterThan(60);
        for (JsonNode c : cases) {
            String id = c.get("id").asText();
            List<String> refs = strings(c.get("references"));
            bleu(id, Bleu.sentence(c.get("hypothesis").asText(), refs), c.get("sacrebleu_sentence_bleu"));
            close(id + " chrF", Chrf.sentence(c.get("hypothesis").asText(), refs), c.get("sacrebleu_sentence_chrf").get("score").asDouble());
        }
    }

    @Test
    void the13aTokenizerMatchesSacreBleus() throws IOException {
        for (JsonNode c : cases("segment")) {
            JsonNode aux = c.get("aux");
            if (aux != null && aux.has("sacrebleu_13a_hypothesis")) {
                assertThat(Bleu.preprocess(c.get("hypothesis").asText())).as(c.get("id").asText())
                        .isEqualTo(aux.get("sacrebleu_13a_hypothesis").asText());
            }
        }
    }

    @Test
    void corpusBleuAndChrfMatchSacreBleu() throws IOException {
        Map<String, JsonNode> segments = new HashMap<>();
        for (JsonNode c : cases("segment")) {
            segments.put(c.get("id").asText(), c);
        }
        List<JsonNode> groups = cases("corpus_group");
        assertThat(groups).isNotEmpty();
        for (JsonNode g : groups) {
            List<String> hyps = new ArrayList<>();
            List<List<String>> refs = new ArrayList<>();
            for (JsonNode id : g.get("case_ids")) {
                JsonNode c = segments.get(id.asText());
                hyps.add(c.get("hypothesis").asText());
                refs.add(strings(c.get("references")));
            }
            String id = g.get("id").asText();
            bleu(id, Bleu.corpus(hyps, refs), g.get("sacrebleu_corpus_bleu"));
            close(id + " corpus chrF", Chrf.corpus(hyps, refs), g.get("sacrebleu_corpus_chrf").get("score").asDouble());
        }
    }

    @Test
    void rougeMatchesRougeScoreWithAndWithoutTheStemmer() throws IOException {
        for (JsonNode c : cases("segment")) {
            String id = c.get("id").asText();
            List<String> refs = strings(c.get("references"));
            String hyp = c.get("hypothesis").asText();
            for (boolean stem : new boolean[]{false, true}) {
                String key = stem ? "rouge_stem" : "rouge_nostem";
                Map<String, Rouge.Score> multi = Rouge.scoreMulti(refs, hyp, stem);
                rouge(id + " " + key, multi, c.get(key));
                for (int r = 0; r < refs.size(); r++) {
                    rouge(id + " " + key + " ref " + r, Rouge.score(refs.get(r), hyp, stem), c.get(key + "_per_ref").get(r));
                }
            }
        }
    }

    static void rouge(String id, Map<String, Rouge.Score> actual, JsonNode expected) {
        for (String type : Rouge.TYPES) {
            JsonNode e = expected.get(type);
            close(id + " " + type + " precision", actual.get(type).precision(), e.get("precision").asDouble());
            close(id + " " + type + " recall", actual.get(type).recall(), e.get("recall").asDouble());
            close(id + " " + type + " fmeasure", actual.get(type).fmeasure(), e.get("fmeasure").asDouble());
        }
    }

    @Test
    void meteorMatchesNltkWithWordNet30() throws IOException {
        Meteor meteor = new Meteor(WordNet.get());
        for (JsonNode c : cases("segment")) {
            String id = c.get("id").asText();
            List<String> refs = strings(c.get("references"));
            String hyp = c.get("hypothesis").asText();
            close(id + " meteor", meteor.score(refs, hyp), c.get("meteor").asDouble());
            for (int r = 0; r < refs.size(); r++) {
                close(id + " meteor ref " + r, meteor.single(refs.get(r), hyp), c.get("meteor_per_ref").get(r).asDouble());
            }
        }
    }

    @Test
    void wordNetIsNltksWordNet30() {
        WordNet w = WordNet.get();
        assertThat(w.morphy("geese", "n")).containsExactly("goose");
        assertThat(w.lemmaNames("dog")).contains("dog", "domestic_dog", "Canis_familiaris", "frump", "cad", "andiron", "chase");
        assertThat(w.lemmaNames("automobil")).isEmpty(); // METEOR looks up stems: NLTK's behaviour, kept
    }

    @Test
    void distinctMatchesTheDefinition() throws IOException {
        for (JsonNode c : cases("distinct")) {
            for (int n = 1; n <= 2; n++) {
                Distinct.Value v = Distinct.of(strings(c.get("generations")), n);
                JsonNode e = c.get("distinct_" + n);
                assertThat(v.unique()).as(c.get("id").asText()).isEqualTo(e.get("unique").asInt());
                assertThat(v.total()).isEqualTo(e.get("total").asInt());
                close(c.get("id").asText() + " distinct-" + n, v.value(), e.get("value").asDouble());
            }
        }
    }
}
