package org.llmplayground.evaluation.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.llmplayground.app.web.JettyServer;
import org.llmplayground.model.ModelService;
import org.llmplayground.support.TestApp;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * POST /api/v1/evaluation/runs on gpt2-mini (imported as a Hugging Face folder): a job that scores MMLU abstract
 * algebra (5-shot) and TruthfulQA MC2, lm-eval's result shape, the same log-likelihoods, acc and mc2 as
 * lm-evaluation-harness 0.4.13 per item, the same scores on a second run, and bad requests refused.
 */
@MicronautTest(transactional = false)
class EvaluationRunApiTest extends EvaluationApiClient {
    @Override
    String workspaceName() {
        return "evaluation-runs";
    }

    @Test
    void aRunScoresAsLmEvalItemForItemAndAgainTheSame() throws Exception {
        String model = importMini();
        assertThat(call("GET", "/tasks", null, 200).toString()).contains("\"mmlu_abstract_algebra\"", "\"hellaswag\"", "\"truthfulqa_mc2\"");
        Map<String, Object> req = Map.of("model", model, "tasks", List.of("mmlu_abstract_algebra", "truthfulqa_mc2"), "num_fewshot", 5, "limit", 20);
        String id = call("POST", "/runs", req, 202).get("id").asText();
        JsonNode run = await(id);
        assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("succeeded");
        assertThat(run.get("message").asText()).startsWith("40 items scored (");
        JsonNode results = call("GET", "/runs/" + id + "/results", null, 200);
        List<JsonNode> mmlu = golden("mmlu_abstract_algebra_5shot.jsonl");
        JsonNode samples = results.get("samples").get("mmlu_abstract_algebra");
        assertThat(samples).hasSize(20);
        double acc = 0;
        for (int i = 0; i < 20; i++) {
            for (int c = 0; c < 4; c++) {
                assertThat(samples.get(i).get("loglikelihoods").get(c).asDouble()).isCloseTo(mmlu.get(i).get("loglikelihoods").get(c).asDouble(), within(1e-3));
            }
            assertThat(samples.get(i).get("acc").asDouble()).isEqualTo(mmlu.get(i).get("acc").asDouble());
            acc += mmlu.get(i).get("acc").asDouble() / 20;
        }
        assertThat(results.get("results").get("mmlu_abstract_algebra").get("acc").asDouble()).isCloseTo(acc, within(1e-12));
        assertThat(results.get("results").get("mmlu_abstract_algebra").has("acc_stderr")).isTrue();
        // what the numbers depend on: the weights' hash (also on the run), the task's version, template and few-shot sampling
        JsonNode config = results.get("config");
        assertThat(config.get("weights_sha256").asText()).hasSize(64).isEqualTo(call("GET", "/runs/" + id, null, 200).get("weightsHash").asText());
        assertThat(config.get("tasks").get("mmlu_abstract_algebra").get("version").asText()).isEqualTo("1.0");
        assertThat(config.get("tasks").get("mmlu_abstract_algebra").get("fewshot").asText()).isEqualTo("first_n of the dev split");
        assertThat(config.get("tasks").get("truthfulqa_mc2").get("prompt_template").asText()).startsWith("{6-shot QA primer}");
        assertThat(config.get("code_version").asText()).startsWith("llm-playground evaluation");
        // an item opened: the prompt the model read (5 dev questions, then this one), its pick and the gold answer
        JsonNode item = call("GET", "/runs/" + id + "/items/mmlu_abstract_algebra/3", null, 200);
        assertThat(item.get("prompt").asText()).isEqualTo(mmlu.get(3).get("context").asText());
        assertThat(item.get("continuations").toString()).isEqualTo("[\" A\",\" B\",\" C\",\" D\"]");
        assertThat(item.get("target").asInt()).isEqualTo(mmlu.get(3).get("gold").asInt());
        // the same results as CSV: the scores, then one row per item
        HttpResponse<String> csv = TestApp.send("GET", jetty.baseUrl() + "/api/v1/evaluation/runs/" + id + "/results?format=csv", null);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).isEqualTo("task,doc_id,metric,value,stderr,ci95_low,ci95_high,target,pick");
        assertThat(lines).anyMatch(l -> l.startsWith("mmlu_abstract_algebra,,acc," + results.get("results").get("mmlu_abstract_algebra").get("acc").asDouble() + ","));
        assertThat(lines.stream().filter(l -> l.startsWith("mmlu_abstract_algebra,3,acc,"))).hasSize(1);
        assertThat(lines.stream().filter(l -> l.startsWith("truthfulqa_mc2,") && l.contains(",mc2,"))).hasSize(21);
        List<JsonNode> tqa = golden("truthfulqa_mc2_0-79.jsonl"); // TruthfulQA has no few-shot setting: its fixed primer
        JsonNode mc2 = results.get("samples").get("truthfulqa_mc2");
        // one pass per MMLU question, two per TruthfulQA question (the context into the KV cache, then its answers as one batch)
        int requests = 80;
        for (JsonNode s : mc2) {
            requests += s.get("loglikelihoods").size();
        }
        assertThat(run.get("message").asText()).matches(java.util.regex.Pattern.quote("40 items scored (") + "\\d+\\.\\d s; 60 forward passes for "
                + java.util.regex.Pattern.quote(String.format("%,d", requests)) + " choice requests, lm-eval runs one per request\\)");
        for (int i = 0; i < 20; i++) {
            assertThat(mc2.get(i).get("mc2").asDouble()).isCloseTo(tqa.get(i).get("mc2").asDouble(), within(1e-4));
        }
        // all 57 MMLU subjects in one run (its job's title names two and counts the rest)
        List<String> all = new ArrayList<>();
        call("GET", "/tasks", null, 200).forEach(t -> {
            if (t.asText().startsWith("mmlu_")) {
                all.add(t.asText());
            }
        });
        JsonNode mmlu57 = await(call("POST", "/runs", Map.of("model", model, "tasks", all, "limit", 1), 202).get("id").asText());
        assertThat(mmlu57.get("message").asText()).startsWith("57 items scored (").endsWith("s; 57 forward passes for 228 choice requests, lm-eval runs one per request)");
        JsonNode group = call("GET", "/runs/" + mmlu57.get("id").asText() + "/results", null, 200).get("results");
        assertThat(group.get("mmlu").get("n").asInt()).isEqualTo(57);
        assertThat(group.get("mmlu_stem").get("n").asInt() + group.get("mmlu_humanities").get("n").asInt()
                + group.get("mmlu_social_sciences").get("n").asInt() + group.get("mmlu_other").get("n").asInt()).isEqualTo(57);
        JsonNode ci = group.get("mmlu").get("acc_ci95");
        assertThat(ci.get(0).asDouble()).isLessThanOrEqualTo(group.get("mmlu").get("acc").asDouble());
        assertThat(ci.get(1).asDouble()).isGreaterThanOrEqualTo(group.get("mmlu").get("acc").asDouble());
        // the same run again: identical scores (CPU, no sampling)
        String again = call("POST", "/runs", req, 202).get("id").asText();
        await(again);
        assertThat(call("GET", "/runs/" + again + "/results", null, 200).get("results")).isEqualTo(results.get("results"));
    }

    @Test
    void perplexityIsLmEvalsRollingLogLikelihood() throws Exception {
        String model = importMini();
        List<JsonNode> golden = golden("perplexity.jsonl").subList(0, 3);
        List<String> texts = golden.stream().map(g -> g.get("text").asText()).toList();
        JsonNode p = call("POST", "/perplexity", Map.of("model", model, "texts", texts), 200);
        double ll = 0;
        int n = 0;
        for (int i = 0; i < 3; i++) {
            JsonNode g = golden.get(i);
            assertThat(p.get("texts").get(i).get("tokens").asInt()).isEqualTo(g.get("token_count").asInt());
            assertThat(p.get("texts").get(i).get("loglikelihood").asDouble()).isCloseTo(g.get("loglik_with_bos").asDouble(), within(1e-3));
            ll += g.get("loglik_with_bos").asDouble();
            n += g.get("token_count").asInt();
        }
        assertThat(p.get("total").get("perplexity").asDouble()).isCloseTo(Math.exp(-ll / n), within(Math.exp(-ll / n) * 1e-4));
        int bytes = texts.stream().mapToInt(t -> t.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).sum();
        assertThat(p.get("total").get("bitsPerByte").asDouble()).isCloseTo(-ll / (Math.log(2) * bytes), within(1e-4));
        assertThat(call("POST", "/perplexity", Map.of("model", model, "texts", List.of("")), 400).get("message").asText())
                .isEqualTo("A text is empty: perplexity needs at least one token.");
    }

    @Test
    void badRequestsAreRefusedBeforeAnyJob() throws Exception {
        assertThat(call("POST", "/runs", Map.of("model", "shakespeare-char", "tasks", List.of("mmlu_astrology")), 404).get("message").asText())
                .startsWith("No MMLU subject 'astrology': one of abstract_algebra, anatomy,");
        assertThat(call("POST", "/runs", Map.of("model", "shakespeare-char", "tasks", List.of("gsm8k")), 404).get("message").asText())
                .isEqualTo("Unknown task 'gsm8k': mmlu_<subject> (57 subjects), hellaswag, truthfulqa_mc1, truthfulqa_mc2, humaneval or a custom "
                        + "benchmark (GET /api/v1/evaluation/tasks).");
        assertThat(call("POST", "/runs", Map.of("model", "shakespeare-char", "tasks", List.of("mmlu_anatomy"), "num_fewshot", 9), 400).get("message").asText())
                .isEqualTo("num_fewshot for MMLU is 0 to 5 (the dev split's questions); got 9.");
        assertThat(call("POST", "/runs", Map.of("model", "shakespeare-char", "tasks", List.of("hellaswag", "hellaswag")), 400).get("message").asText())
                .isEqualTo("Give each task once, at most 200 (2 given).");
        assertThat(call("POST", "/runs", Map.of("model", "shakespeare-char", "tasks", List.of("humaneval"), "num_samples", 0), 400).get("message").asText())
                .isEqualTo("num_samples must be between 1 and 200 (got 0).");
        assertThat(call("POST", "/runs", Map.of("model", "nope", "tasks", List.of("hellaswag")), 404).get("message").asText()).contains("nope");
        assertThat(call("GET", "/runs/nope", null, 404).get("message").asText()).isEqualTo("No evaluation run 'nope'.");
    }

    static List<JsonNode> golden(String file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("src/test/resources/golden/lm-eval").resolve(file))) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }
}
