package org.llmplayground.evaluation.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.llmplayground.app.web.JettyServer;
import org.llmplayground.evaluation.LogLikelihood;
import org.llmplayground.evaluation.humaneval.CodeSandbox;
import org.llmplayground.evaluation.humaneval.HumanEval;
import org.llmplayground.generation.GenerationSettings;
import org.llmplayground.generation.Generator;
import org.llmplayground.model.LoadedModel;
import org.llmplayground.model.ModelService;
import org.llmplayground.model.TokenizerCodec;
import org.llmplayground.support.TestApp;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Custom benchmarks (multiple choice, generation with a metric, perplexity; versioned) and HumanEval through
 * /api/v1/evaluation on gpt2-mini: each score checked against the pieces it is made of (the log-likelihood scorer,
 * the generator, the perplexity endpoint, the sandbox), sampled runs reproduced exactly, bad files named line by line.
 */
@MicronautTest(transactional = false)
class EvaluationTasksApiTest extends EvaluationApiClient {
    @Inject
    CodeSandbox sandbox;

    @Override
    String workspaceName() {
        return "evaluation-tasks";
    }

    /** The run once it has succeeded. */
    JsonNode awaitSucceeded(String id) throws Exception {
        JsonNode r = await(id);
        assertThat(r.get("state").asText()).as(r.toString()).isEqualTo("succeeded");
        return r;
    }

    static final String QUIZ = """
            {"question": "1 + 1 =", "choices": ["1", "2", "3"], "answer": 1, "fewshot": true}
            {"question": "2 + 2 =", "choices": ["3", "4", "5"], "answer": 1}
            {"question": "The capital of France is", "choices": ["Paris", "Rome"], "answer": "Paris"}
            {"question": "The sky is", "choices": ["green", "blue"], "answer": 1}
            """;

    @Test
    void customBenchmarksRunLikeTheBuiltIns() throws Exception {
        String model = importMini();
        JsonNode v1 = call("POST", "/benchmarks", Map.of("name", "quiz", "kind", "multiple_choice", "jsonl", QUIZ), 201);
        assertThat(v1.get("version").asInt()).isEqualTo(1);
        assertThat(v1.get("items").asInt()).isEqualTo(3);
        call("POST", "/benchmarks", Map.of("name", "answers", "kind", "generation", "metric", "exact_match", "jsonl", """
                {"question": "Say hi", "reference": "hi"}
                {"question": "The opposite of up", "references": ["down", "Down"]}
                """), 201);
        call("POST", "/benchmarks", Map.of("name", "texts", "kind", "perplexity", "jsonl", """
                {"text": "The quick brown fox jumps over the lazy dog."}
                {"text": "To be, or not to be, that is the question."}
                """), 201);
        assertThat(call("GET", "/tasks", null, 200).toString()).contains("\"quiz\"", "\"answers\"", "\"texts\"", "\"humaneval\"");

        String id = call("POST", "/runs", Map.of("model", model, "tasks", List.of("quiz", "answers", "texts"), "num_fewshot", 1,
                "max_new_tokens", 8), 202).get("id").asText();
        assertThat(awaitSucceeded(id).get("message").asText()).startsWith("7 items scored (").endsWith(" s; 3 forward passes for 7 choice requests, lm-eval runs one per request)"); // single-token choices: one pass a question
        JsonNode results = call("GET", "/runs/" + id + "/results", null, 200);
        LoadedModel m = models.get(model);
        TokenizerCodec codec = (TokenizerCodec) m.codec();
        LogLikelihood ll = new LogLikelihood(m.network(), m.parameterStore(), m.manager(), codec::encode, codec.endOfText(), m.config().contextLength());

        // multiple choice: the few-shot line answered, then the question; scored like MMLU
        JsonNode item = call("GET", "/runs/" + id + "/items/quiz/0", null, 200);
        assertThat(item.get("prompt").asText()).isEqualTo("Question: 1 + 1 =\nAnswer: 2\n\nQuestion: 2 + 2 =\nAnswer:");
        List<LogLikelihood.Result> direct = ll.scoreChoices(item.get("prompt").asText(), List.of(" 3", " 4", " 5"));
        for (int c = 0; c < 3; c++) {
            assertThat(item.get("loglikelihoods").get(c).asDouble()).isCloseTo(direct.get(c).loglikelihood(), within(1e-9));
        }
        double acc = 0;
        for (JsonNode s : results.get("samples").get("quiz")) {
            acc += s.get("acc").asDouble() / 3;
        }
        assertThat(results.get("results").get("quiz").get("acc").asDouble()).isCloseTo(acc, within(1e-12));
        assertThat(results.get("config").get("tasks").get("quiz").get("benchmark_version").asInt()).isEqualTo(1);

        // generation: the greedy completion the generator gives, cut at a blank line, scored with exact match
        JsonNode gen = call("GET", "/runs/" + id + "/items/answers/1", null, 200);
        String prompt = gen.get("prompt").asText();
        assertThat(prompt).startsWith("Question: Say hi\nAnswer: hi\n\n").endsWith("Question: The opposite of up\nAnswer:");
        String expected = new Generator(m.network(), m.parameterStore(), m.manager(), m.lock(), codec)
                .generate(codec.encode(prompt), GenerationSettings.greedy(8).withStop(List.of("\n\n", "\nQuestion:")), Generator.Listener.NONE, () -> false).text();
        assertThat(gen.get("completions").get(0).asText()).isEqualTo(expected);
        double em = List.of("down", "Down").contains(expected.strip()) ? 1 : 0;
        assertThat(gen.get("score").asDouble()).isEqualTo(em);
        assertThat(results.get("results").get("answers").has("exact_match")).isTrue();
        assertThat(results.get("results").get("answers").get("tokens_per_second").asDouble()).isPositive();
        assertThat(results.get("results").get("answers").get("peak_rss_mb").asDouble()).isGreaterThan(50); // the JVM with a model loaded

        // perplexity set: the same numbers as POST /perplexity on the same texts
        JsonNode p = call("POST", "/perplexity", Map.of("model", model, "texts", List.of("The quick brown fox jumps over the lazy dog.",
                "To be, or not to be, that is the question.")), 200);
        assertThat(results.get("results").get("texts").get("perplexity").asDouble()).isCloseTo(p.get("total").get("perplexity").asDouble(), within(1e-6));
        assertThat(results.get("results").get("texts").get("bits_per_byte").asDouble()).isCloseTo(p.get("total").get("bitsPerByte").asDouble(), within(1e-9));

        // a new upload is version 2; a new run uses it, the old run still opens its items at version 1
        String quiz2 = QUIZ.replace("The sky is", "Grass is").replace("[\"green\", \"blue\"], \"answer\": 1", "[\"green\", \"blue\"], \"answer\": 0");
        assertThat(call("POST", "/benchmarks", Map.of("name", "quiz", "kind", "multiple_choice", "jsonl", quiz2), 201).get("version").asInt()).isEqualTo(2);
        String id2 = call("POST", "/runs", Map.of("model", model, "tasks", List.of("quiz")), 202).get("id").asText();
        awaitSucceeded(id2);
        assertThat(call("GET", "/runs/" + id2 + "/results", null, 200).get("config").get("tasks").get("quiz").get("benchmark_version").asInt()).isEqualTo(2);
        assertThat(call("GET", "/runs/" + id2 + "/items/quiz/2", null, 200).get("prompt").asText()).isEqualTo("Question: Grass is\nAnswer:");
        assertThat(call("GET", "/runs/" + id + "/items/quiz/2", null, 200).get("prompt").asText()).endsWith("Question: The sky is\nAnswer:");
        assertThat(call("GET", "/benchmarks", null, 200).toString()).contains("\"version\":2", "\"version\":1");
    }

    @Test
    void aCorpusAsAPerplexitySetWithAStride() throws Exception {
        String model = "shakespeare-char"; // character-level: every character of the text is a token, and its small head keeps this quick
        JsonNode b = call("POST", "/benchmarks", Map.of("name", "shakespeare_ppl", "kind", "perplexity", "corpus", "tinyshakespeare",
                "max_chars", 30_000), 201);
        assertThat(b.get("items").asInt()).isEqualTo(2); // pieces of at most 20,000 characters, cut at line ends
        String id = call("POST", "/runs", Map.of("model", model, "tasks", List.of("shakespeare_ppl"), "stride", 64), 202).get("id").asText();
        awaitSucceeded(id);
        JsonNode results = call("GET", "/runs/" + id + "/results", null, 200);
        assertThat(results.get("config").get("perplexity").get("stride").asInt()).isEqualTo(64);
        String first = call("GET", "/runs/" + id + "/items/shakespeare_ppl/0", null, 200).get("prompt").asText();
        String second = call("GET", "/runs/" + id + "/items/shakespeare_ppl/1", null, 200).get("prompt").asText();
        assertThat(first.length()).isLessThanOrEqualTo(20_000);
        assertThat(first).endsWith("\n");
        assertThat((first + second).length()).isEqualTo(30_000);
        assertThat(first + second).isEqualTo(new String(Files.readAllBytes(Path.of("data/tinyshakespeare/input.txt")), java.nio.charset.StandardCharsets.UTF_8)
                .substring(0, 30_000));
        // the same numbers as POST /perplexity on the same texts with the same stride
        JsonNode p = call("POST", "/perplexity", Map.of("model", model, "texts", List.of(first, second), "stride", 64), 200);
        assertThat(results.get("results").get("shakespeare_ppl").get("perplexity").asDouble()).isCloseTo(p.get("total").get("perplexity").asDouble(), within(1e-9));
        assertThat(results.get("results").get("shakespeare_ppl").get("tokens").asInt()).isEqualTo(p.get("total").get("tokens").asInt());
        JsonNode disjoint = call("POST", "/perplexity", Map.of("model", model, "texts", List.of(first, second)), 200);
        assertThat(disjoint.get("total").get("tokens").asInt()).isEqualTo(p.get("total").get("tokens").asInt());
        assertThat(disjoint.get("total").get("loglikelihood").asDouble()).isNotEqualTo(p.get("total").get("loglikelihood").asDouble());
        assertThat(call("POST", "/runs", Map.of("model", model, "tasks", List.of("shakespeare_ppl"), "stride", 4096), 400).get("message").asText())
                .isEqualTo("stride must be between 1 and the model's context, 128 (got 4096).");
        assertThat(call("POST", "/benchmarks", Map.of("name", "x", "kind", "perplexity", "corpus", "nope"), 400).get("message").asText())
                .isEqualTo("Unknown corpus 'nope'. Known: tinyshakespeare, wikitext-2-valid");
    }

    /**
     * Two models on the same 40 questions: GET /compare gives both accuracies, their difference and McNemar's exact
     * p-value, here recomputed from the two runs' items by hand (2 · the binomial tail of the disagreements); runs on
     * different items are refused.
     */
    @Test
    void twoModelsComparedOnTheSameItems() throws Exception {
        String[] words = {"apple", "river", "stone", "cloud", "horse", "bread", "light", "night", "green", "sword"};
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 40; i++) { // letters only: the character model reads them too
            String w = words[i % 10];
            String other = words[(i * 3 + 1) % 10].equals(w) ? words[(i + 5) % 10] : words[(i * 3 + 1) % 10];
            jsonl.append(String.format("{\"question\": \"Say %s again: %s %s\", \"choices\": [\"%s\", \"%s\"], \"answer\": %d}%n",
                    w, w, w, i % 2 == 0 ? w : other, i % 2 == 0 ? other : w, i % 2));
        }
        call("POST", "/benchmarks", Map.of("name", "repeat", "kind", "multiple_choice", "jsonl", jsonl.toString()), 201);
        String a = call("POST", "/runs", Map.of("model", "gpt2-mini", "tasks", List.of("repeat")), 202).get("id").asText();
        awaitSucceeded(a);
        String b = call("POST", "/runs", Map.of("model", "shakespeare-char", "tasks", List.of("repeat")), 202).get("id").asText();
        awaitSucceeded(b);
        JsonNode sa = call("GET", "/runs/" + a + "/results", null, 200).get("samples").get("repeat");
        JsonNode sb = call("GET", "/runs/" + b + "/results", null, 200).get("samples").get("repeat");
        int aOnly = 0;
        int bOnly = 0;
        for (int i = 0; i < 40; i++) {
            aOnly += sa.get(i).get("acc").asDouble() == 1 && sb.get(i).get("acc").asDouble() == 0 ? 1 : 0;
            bOnly += sa.get(i).get("acc").asDouble() == 0 && sb.get(i).get("acc").asDouble() == 1 ? 1 : 0;
        }
        int n = aOnly + bOnly;
        assertThat(n).as("the two models disagree somewhere, so the test has something to weigh").isPositive();
        double tail = 0;
        java.math.BigInteger choose = java.math.BigInteger.ONE;
        for (int k = 0; k <= Math.min(aOnly, bOnly); k++) { // Σ C(n, k) / 2^n
            tail += choose.doubleValue() / Math.pow(2, n);
            choose = choose.multiply(java.math.BigInteger.valueOf(n - k)).divide(java.math.BigInteger.valueOf(k + 1));
        }
        double p = n == 0 || aOnly == bOnly ? 1.0 : Math.min(1.0, 2 * tail);
        JsonNode row = call("GET", "/compare?a=" + a + "&b=" + b, null, 200).get("tasks").get("repeat");
        assertThat(row.get("test").asText()).isEqualTo("McNemar's exact test");
        assertThat(row.get("a_right_b_wrong").asInt()).isEqualTo(aOnly);
        assertThat(row.get("a_wrong_b_right").asInt()).isEqualTo(bOnly);
        assertThat(row.get("p_value").asDouble()).isCloseTo(p, within(1e-9));
        assertThat(row.get("significant").asBoolean()).isEqualTo(p < 0.05);
        assertThat(row.get("difference").asDouble()).isCloseTo((aOnly - bOnly) / 40.0, within(1e-12));
        String limited = call("POST", "/runs", Map.of("model", "shakespeare-char", "tasks", List.of("repeat"), "limit", 10), 202).get("id").asText();
        awaitSucceeded(limited);
        assertThat(call("GET", "/compare?a=" + a + "&b=" + limited, null, 400).get("message").asText()).isEqualTo("Task repeat: run " + a
                + " scored 40 items and run " + limited + " 10: compare runs on the same items (the same limit, both finished).");
    }

    @Test
    void badBenchmarkFilesAreNamedLineByLine() throws Exception {
        assertThat(call("POST", "/benchmarks", Map.of("name", "q", "kind", "multiple_choice", "jsonl",
                "{\"question\": \"a\", \"choices\": [\"x\", \"y\"], \"answer\": 0}\n{oops\n"), 400).get("message").asText()).startsWith("Line 2: not JSON (");
        assertThat(call("POST", "/benchmarks", Map.of("name", "q", "kind", "multiple_choice", "jsonl",
                "\n{\"question\": \"a\", \"choices\": [\"x\", \"y\"], \"answer\": 2}"), 400).get("message").asText())
                .isEqualTo("Line 2: 'answer' 2 is outside the 2 choices (0–1).");
        assertThat(call("POST", "/benchmarks", Map.of("name", "q", "kind", "multiple_choice", "jsonl",
                "{\"question\": \"a\", \"choices\": [\"x\", \"y\"], \"answer\": \"z\"}"), 400).get("message").asText())
                .isEqualTo("Line 1: 'answer' \"z\" is not one of the choices.");
        assertThat(call("POST", "/benchmarks", Map.of("name", "g", "kind", "generation", "metric", "exact_match", "jsonl",
                "{\"question\": \"a\"}"), 400).get("message").asText()).isEqualTo("Line 1: give 'reference' (a text) or 'references' (a list of texts).");
        assertThat(call("POST", "/benchmarks", Map.of("name", "g", "kind", "generation", "metric", "bleurt", "jsonl", "{}"), 400).get("message").asText())
                .isEqualTo("A generation benchmark needs 'metric', one of exact_match, f1, contains, bleu, rouge, meteor (got 'bleurt').");
        assertThat(call("POST", "/benchmarks", Map.of("name", "hellaswag", "kind", "perplexity", "jsonl", "{\"text\": \"a\"}"), 400).get("message").asText())
                .isEqualTo("'hellaswag' is a built-in task's name; choose another.");
        assertThat(call("POST", "/benchmarks", Map.of("name", "Bad Name", "kind", "perplexity", "jsonl", "{\"text\": \"a\"}"), 400).get("message").asText())
                .startsWith("Name the benchmark with a lower-case letter");
        assertThat(call("POST", "/benchmarks", Map.of("name", "few", "kind", "multiple_choice", "jsonl",
                "{\"question\": \"a\", \"choices\": [\"x\", \"y\"], \"answer\": 0, \"fewshot\": true}"), 400).get("message").asText())
                .isEqualTo("The benchmark has no test items (1 lines, all few-shot examples).");
        // nothing was stored by the refusals
        assertThat(call("GET", "/benchmarks", null, 200).toString()).doesNotContain("\"q\"", "\"g\"", "\"few\"", "\"hellaswag\"");
        call("POST", "/benchmarks", Map.of("name", "tiny", "kind", "multiple_choice", "jsonl",
                "{\"question\": \"a\", \"choices\": [\"x\", \"y\"], \"answer\": 0}"), 201);
        assertThat(call("POST", "/runs", Map.of("model", importMini(), "tasks", List.of("tiny"), "num_fewshot", 3), 400).get("message").asText())
                .isEqualTo("num_fewshot 3 is more than the 0 examples there are to draw from.");
    }

    @Test
    void humanEvalGeneratesRunsInTheSandboxAndReproduces() throws Exception {
        Assumptions.assumeTrue(sandbox.check().sandboxed(), sandbox.check().reason());
        String model = importMini();
        Map<String, Object> req = Map.of("model", model, "tasks", List.of("humaneval"), "limit", 2, "num_samples", 3, "temperature", 0.8,
                "max_new_tokens", 12);
        String id = call("POST", "/runs", req, 202).get("id").asText();
        assertThat(awaitSucceeded(id).get("message").asText()).isEqualTo("2 items scored");
        JsonNode results = call("GET", "/runs/" + id + "/results", null, 200);
        JsonNode samples = results.get("samples").get("humaneval");
        double pass1 = 0;
        for (JsonNode s : samples) {
            assertThat(s.get("completions")).hasSize(3);
            assertThat(s.get("results")).hasSize(3);
            for (int i = 0; i < 3; i++) { // each completion cut at lm-eval's stops and run with the problem's tests
                String completion = s.get("completions").get(i).asText();
                assertThat(HumanEval.cut(completion)).isEqualTo(completion);
                HumanEval.Problem problem = HumanEval.problems().get(s.get("doc_id").asInt());
                assertThat(sandbox.run(problem.program(completion)).result()).isEqualTo(s.get("results").get(i).asText());
            }
            pass1 += HumanEval.passAtK(3, s.get("passed").asInt(), 1) / 2;
        }
        assertThat(results.get("results").get("humaneval").get("pass@1").asDouble()).isCloseTo(pass1, within(1e-12));
        assertThat(results.get("results").get("humaneval").has("pass@10")).isFalse(); // k > n: not reported
        assertThat(results.get("config").get("generation").get("temperature").asDouble()).isEqualTo(0.8);
        assertThat(results.get("config").get("generation").get("sandbox").asText()).startsWith("bubblewrap sandbox");
        JsonNode item = call("GET", "/runs/" + id + "/items/humaneval/1", null, 200);
        assertThat(item.get("prompt").asText()).isEqualTo(HumanEval.problems().get(1).prompt());
        assertThat(item.get("task_id").asText()).isEqualTo("HumanEval/1");
        // sampled, but seeded per problem and sample: the same run again generates the same completions
        String again = call("POST", "/runs", req, 202).get("id").asText();
        awaitSucceeded(again);
        JsonNode second = call("GET", "/runs/" + again + "/results", null, 200);
        for (int i = 0; i < 2; i++) { // timings differ; what was generated and how it ran do not
            assertThat(second.get("samples").get("humaneval").get(i).get("completions")).isEqualTo(samples.get(i).get("completions"));
            assertThat(second.get("samples").get("humaneval").get(i).get("results")).isEqualTo(samples.get(i).get("results"));
        }
        assertThat(second.get("results").get("humaneval").get("pass@1")).isEqualTo(results.get("results").get("humaneval").get("pass@1"));
    }
}
