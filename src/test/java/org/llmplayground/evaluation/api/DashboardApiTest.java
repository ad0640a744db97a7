package org.llmplayground.evaluation.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.llmplayground.core.CsvRecords;
import org.llmplayground.evaluation.EvaluationService;
import org.llmplayground.evaluation.EvaluationStore;
import org.llmplayground.evaluation.metrics.Agreement;
import org.llmplayground.model.ModelService;
import org.llmplayground.support.TestApp;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The dashboard, human evaluation and the local judge through REST: two real models evaluated, the leaderboard (JSON,
 * CSV round trip, families, sorting), MMLU categories side by side, the report, a rating task judged by two
 * annotators with agreement, a pairwise task with its ranking and a local judge, a training run's history with a
 * regression.
 */
@MicronautTest(transactional = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardApiTest extends EvaluationApiClient {
    static final List<String> TASKS = List.of("mmlu_anatomy", "mmlu_astronomy", "mmlu_philosophy", "hellaswag");
    @Inject
    EvaluationStore store;
    @Inject
    EvaluationService evaluation;
    String mini;
    String copy;

    @Override
    String workspaceName() {
        return "evaluation-dashboard";
    }

    String run(String model) throws Exception {
        JsonNode r = call("POST", "/runs", Map.of("model", model, "tasks", TASKS, "limit", 6), 202);
        JsonNode done = await(r.get("id").asText());
        assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");
        return done.get("id").asText();
    }

    @Test
    @Order(1)
    void leaderboardRanksTwoModelsAndRoundTripsAsCsv() throws Exception {
        mini = run(ModelService.GPT2_MINI_MODEL);
        copy = run(importMini()); // the same weights imported as a folder: a second row (another model id), equal scores
        JsonNode board = call("GET", "/leaderboard", null, 200);
        List<String> columns = board.get("columns").findValuesAsText("name");
        assertThat(columns).contains("mmlu/acc", "mmlu_stem/acc", "mmlu_humanities/acc", "hellaswag/acc", "hellaswag/acc_norm")
                .doesNotContain("mmlu_anatomy/acc"); // subjects only in the mmlu family
        assertThat(board.get("rows")).hasSize(2);
        // each cell is the run's own score, and the best per column is the highest
        Map<?, ?> results = (Map<?, ?>) evaluation.results(mini).get("results");
        JsonNode miniRow = row(board, ModelService.GPT2_MINI_MODEL);
        assertThat(miniRow.get("scores").get("hellaswag/acc_norm").get("value").asDouble())
                .isEqualTo((Double) ((Map<?, ?>) results.get("hellaswag")).get("acc_norm"));
        assertThat(miniRow.get("scores").get("mmlu/acc").get("n").asInt()).isEqualTo(18);
        assertThat(miniRow.get("scores").get("mmlu/acc").get("ci95")).hasSize(2);
        for (JsonNode c : board.get("columns")) {
            String name = c.get("name").asText();
            double best = 0;
            for (JsonNode r : board.get("rows")) {
                best = Math.max(best, r.get("scores").get(name).get("value").asDouble());
            }
            for (JsonNode r : board.get("rows")) {
                boolean marked = contains(r.get("best"), name);
                assertThat(marked).as(name).isEqualTo(r.get("scores").get(name).get("value").asDouble() == best);
            }
        }
        // CSV: the same numbers back
        HttpResponse<String> csv = TestApp.get(jetty.baseUrl() + "/api/v1/evaluation/leaderboard?format=csv");
        assertThat(csv.headers().firstValue("content-type").orElse("")).startsWith("text/csv");
        List<List<String>> records = new ArrayList<>();
        CsvRecords reader = new CsvRecords(new java.io.StringReader(csv.body()));
        for (List<String> rec; (rec = reader.next()) != null; ) {
            records.add(rec);
        }
        assertThat(records.get(0).subList(0, 2)).containsExactly("model", "weights_sha256");
        assertThat(records).hasSize(3);
        for (List<String> rec : records.subList(1, 3)) {
            JsonNode r = row(board, rec.get(0));
            assertThat(rec.get(1)).isEqualTo(r.get("weights_sha256").asText());
            for (int i = 2; i < rec.size(); i += 3) {
                JsonNode cell = r.get("scores").get(records.get(0).get(i));
                assertThat(Double.parseDouble(rec.get(i))).isEqualTo(cell.get("value").asDouble());
                assertThat(Double.parseDouble(rec.get(i + 1))).isEqualTo(cell.get("ci95").get(0).asDouble());
            }
        }
        // the mmlu family shows every subject; sorting; bad input
        JsonNode mmlu = call("GET", "/leaderboard?family=mmlu&sort=mmlu_anatomy/acc&order=asc", null, 200);
        assertThat(mmlu.get("columns").findValuesAsText("name")).contains("mmlu_anatomy/acc", "mmlu_philosophy/acc").doesNotContain("hellaswag/acc");
        assertThat(mmlu.get("rows").get(0).get("scores").get("mmlu_anatomy/acc").get("value").asDouble())
                .isLessThanOrEqualTo(mmlu.get("rows").get(1).get("scores").get("mmlu_anatomy/acc").get("value").asDouble());
        assertThat(call("GET", "/leaderboard?family=vision", null, 400).get("message").asText())
                .isEqualTo("family is one of all, mmlu, hellaswag, truthfulqa, humaneval, custom, human (got 'vision').");
        assertThat(call("GET", "/leaderboard?sort=nope", null, 400).get("message").asText()).startsWith("No column 'nope' in the all leaderboard");
    }

    static boolean contains(JsonNode array, String s) {
        for (JsonNode n : array) {
            if (n.asText().equals(s)) {
                return true;
            }
        }
        return false;
    }

    static JsonNode row(JsonNode board, String model) {
        for (JsonNode r : board.get("rows")) {
            if (r.get("model").asText().equals(model)) {
                return r;
            }
        }
        throw new AssertionError("no row " + model);
    }

    @Test
    @Order(2)
    void categoriesSideBySideAndTheReport() throws Exception {
        JsonNode cats = call("GET", "/runs/" + mini + "/categories?b=" + copy, null, 200);
        assertThat(cats.get("subjects").findValuesAsText("subject")).containsExactly("anatomy", "astronomy", "philosophy");
        assertThat(cats.get("subjects").findValuesAsText("category")).containsExactly("Other", "STEM", "Humanities"); // mapping.json's
        JsonNode anatomy = cats.get("subjects").get(0);
        assertThat(anatomy.get("difference").asDouble()).isCloseTo(anatomy.get("a").asDouble() - anatomy.get("b").asDouble(), within(1e-12));
        assertThat(cats.get("categories").findValuesAsText("category")).containsExactly("mmlu_stem", "mmlu_humanities", "mmlu_other", "mmlu");
        assertThat(cats.get("categories").get(3).get("n").asInt()).isEqualTo(18);
        assertThat(call("GET", "/runs/" + mini + "/categories?b=nope", null, 404).get("message").asText()).isEqualTo("No evaluation run 'nope'.");

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> html = http.send(HttpRequest.newBuilder(URI.create(jetty.baseUrl() + "/api/v1/evaluation/report?a=" + mini + "&b="
                + copy)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.body()).contains("<h1>Evaluation report: gpt2-mini vs import-gpt2-mini</h1>", "<svg", "McNemar", "MMLU by category",
                "mmlu_anatomy");
        HttpResponse<byte[]> zip = http.send(HttpRequest.newBuilder(URI.create(jetty.baseUrl() + "/api/v1/evaluation/report?format=md&a=" + mini
                + "&b=" + copy)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(zip.headers().firstValue("content-type").orElse("")).startsWith("application/zip");
        Map<String, String> files = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                files.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertThat(files.keySet()).containsExactlyInAnyOrder("report.md", "scores.svg", "mmlu-categories.svg");
        assertThat(files.get("report.md")).contains("| task | metric | A | B |", "![Scores](scores.svg)");
        assertThat(files.get("scores.svg")).startsWith("<svg").endsWith("</svg>");
        assertThat(call("GET", "/report?a=" + mini + "&b=" + copy + "&format=pdf", null, 400).get("message").asText())
                .isEqualTo("A report's format is html or md (got 'pdf').");
    }

    JsonNode awaitTask(String name) throws Exception {
        long end = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < end) {
            JsonNode t = call("GET", "/human/tasks/" + name, null, 200);
            if ("succeeded".equals(t.path("jobState").asText())) {
                return t;
            }
            assertThat(t.path("jobState").asText()).isIn("queued", "running", "succeeded");
            Thread.sleep(200);
        }
        throw new AssertionError("the task's answers were not written");
    }

    @Test
    @Order(3)
    void ratingTaskTwoAnnotatorsAgreementAndTheLeaderboard() throws Exception {
        Map<String, Object> create = new HashMap<>(Map.of("name", "rate", "kind", "rating", "model_a", ModelService.GPT2_MINI_MODEL,
                "model_b", ModelService.SHAKESPEARE_MODEL, "prompts", List.of("Say hello.", "Name a colour.", "Count to three."), "k", 2));
        call("POST", "/human/tasks", create, 202);
        assertThat(call("POST", "/human/tasks", create, 409).get("message").asText())
                .isEqualTo("A human evaluation task 'rate' exists already: choose another name.");
        assertThat(call("POST", "/human/tasks", Map.of("name", "x", "kind", "stars", "model_a", "gpt2-mini", "model_b", "gpt2-mini",
                "prompts", List.of("a")), 400).get("message").asText()).isEqualTo("A task's kind is pairwise or rating (got 'stars').");
        JsonNode task = awaitTask("rate");
        assertThat(task.get("items").asInt()).isEqualTo(6); // 3 prompts × 2 answers
        assertThat(task.get("task").get("criteria").toString()).isEqualTo("[\"helpfulness\",\"correctness\",\"fluency\"]");

        // ada and bob rate every answer: ada's scores s, bob's agree on helpfulness except one item
        int[][] ada = {{5, 4, 3}, {2, 2, 1}, {4, 4, 4}, {1, 1, 2}, {3, 3, 3}, {5, 5, 5}};
        int[][] bob = {{5, 4, 3}, {2, 2, 2}, {4, 3, 4}, {1, 1, 2}, {4, 3, 3}, {5, 5, 4}};
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            JsonNode item = call("POST", "/human/tasks/rate/next", Map.of("annotator", "ada"), 200);
            assertThat(item.get("answer").isTextual()).isTrue();
            assertThat(item.get("guidelines").asText()).contains("helpfulness");
            order.add(item.get("pairId").asText() + ":" + item.get("side").asText());
            if (i == 0) { // bad ratings first: refused, nothing stored
                assertThat(call("POST", "/human/tasks/rate/judge", judgeBody("ada", item, 7, 4, 3), 400).get("message").asText())
                        .isEqualTo("A rating is a whole number from 1 to 5: helpfulness got 7.");
                assertThat(call("POST", "/human/tasks/rate/judge", Map.of("annotator", "ada", "pair_id", item.get("pairId").asText(),
                        "side", item.get("side").asText(), "ratings", Map.of("helpfulness", 3)), 400).get("message").asText())
                        .isEqualTo("Rate every criterion: correctness is missing (rate helpfulness, correctness, fluency).");
                assertThat(call("POST", "/human/tasks/rate/judge", judgeBody("ada", item, 2.5, 4, 3), 400).get("message").asText())
                        .isEqualTo("A rating is a whole number from 1 to 5: helpfulness got 2.5.");
                // a first opinion, replaced by the second (kept in history)
                call("POST", "/human/tasks/rate/judge", judgeBody("ada", item, 1, 1, 1), 200);
            }
            JsonNode progress = call("POST", "/human/tasks/rate/judge", judgeBody("ada", item, ada[i][0], ada[i][1], ada[i][2]), 200);
            assertThat(progress.get("judgedByYou").asInt()).isEqualTo(i + 1);
        }
        assertThat(call("POST", "/human/tasks/rate/next", Map.of("annotator", "ada"), 409).get("message").asText())
                .isEqualTo("Nothing left for 'ada' in 'rate': 6 items, each judged by 2 annotators; ada judged 6. 6 of 12 judgments given.");
        for (int i = 0; i < 6; i++) {
            JsonNode item = call("POST", "/human/tasks/rate/next", Map.of("annotator", "bob"), 200);
            int at = order.indexOf(item.get("pairId").asText() + ":" + item.get("side").asText());
            call("POST", "/human/tasks/rate/judge", judgeBody("bob", item, bob[at][0], bob[at][1], bob[at][2]), 200);
        }
        // k = 2 reached everywhere: a third annotator gets nothing
        assertThat(call("POST", "/human/tasks/rate/next", Map.of("annotator", "cy"), 409).get("message").asText())
                .startsWith("Nothing left for 'cy' in 'rate': 6 items, each judged by 2 annotators; cy judged 0. 12 of 12");
        JsonNode history = call("GET", "/human/tasks/rate/ratings", null, 200);
        assertThat(history).hasSize(39); // 36 current + ada's first three, replaced
        assertThat(history.findValuesAsText("replaced").stream().filter("true"::equals).count()).isEqualTo(3);

        JsonNode agreement = call("GET", "/human/tasks/rate/agreement", null, 200);
        for (int c = 0; c < 3; c++) {
            List<List<Integer>> counts = new ArrayList<>();
            List<List<String>> labels = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                List<Integer> row = new ArrayList<>(List.of(0, 0, 0, 0, 0));
                row.set(ada[i][c] - 1, row.get(ada[i][c] - 1) + 1);
                row.set(bob[i][c] - 1, row.get(bob[i][c] - 1) + 1);
                counts.add(row);
                labels.add(List.of(String.valueOf(ada[i][c]), String.valueOf(bob[i][c])));
            }
            JsonNode a = agreement.get(c);
            assertThat(a.get("items").asInt()).isEqualTo(6);
            assertThat(a.get("fleissKappa").asDouble()).isCloseTo(Agreement.fleiss(counts).kappa(), within(1e-12));
            assertThat(a.get("cohen").get(0).get("cohen_kappa").asDouble()).isCloseTo(Agreement.cohen(labels).kappa(), within(1e-12));
            assertThat(a.get("target").asDouble()).isEqualTo(0.6);
            assertThat(a.get("meetsTarget").asBoolean()).isEqualTo(Agreement.fleiss(counts).kappa() > 0.6);
        }
        // the ratings join the leaderboard as the models' human columns
        JsonNode board = call("GET", "/leaderboard?family=human", null, 200);
        assertThat(board.get("columns").findValuesAsText("name")).containsExactly("human/correctness", "human/fluency", "human/helpfulness");
        JsonNode results = call("GET", "/human/tasks/rate/results", null, 200);
        for (JsonNode s : results.get("scores")) {
            if (s.get("measure").asText().equals("helpfulness") && s.get("model").asText().startsWith("gpt2-mini")) {
                assertThat(row(board, "gpt2-mini").get("scores").get("human/helpfulness").get("value").asDouble())
                        .isCloseTo(s.get("value").asDouble(), within(1e-12));
                assertThat(s.get("n").asInt()).isEqualTo(6); // 3 answers × 2 annotators
            }
        }
    }

    static Map<String, Object> judgeBody(String annotator, JsonNode item, Object helpfulness, Object correctness, Object fluency) {
        return Map.of("annotator", annotator, "pair_id", item.get("pairId").asText(), "side", item.get("side").asText(),
                "ratings", Map.of("helpfulness", helpfulness, "correctness", correctness, "fluency", fluency));
    }

    @Test
    @Order(4)
    void pairwiseTaskRanksTheModelsAndALocalJudgeJudgesBothOrders() throws Exception {
        call("POST", "/human/tasks", Map.of("name", "ab", "kind", "pairwise", "model_a", ModelService.GPT2_MINI_MODEL,
                "model_b", ModelService.SHAKESPEARE_MODEL, "prompts", List.of("Say hello.", "Name a colour."), "k", 2), 202);
        awaitTask("ab");
        for (String annotator : List.of("ada", "bob")) {
            for (int i = 0; i < 2; i++) {
                JsonNode item = call("POST", "/human/tasks/ab/next", Map.of("annotator", annotator), 200);
                assertThat(item.get("first").asText()).isNotEqualTo(item.get("second").asText());
                // both prefer gpt2-mini's answer: which side shows it depends on the per-annotator shuffle
                String stored = store(item.get("pairId").asText());
                call("POST", "/human/tasks/ab/judge", Map.of("annotator", annotator, "pair_id", item.get("pairId").asText(),
                        "choice", item.get("first").asText().equals(stored) ? "A" : "B"), 200);
            }
        }
        JsonNode results = call("GET", "/human/tasks/ab/results", null, 200);
        assertThat(results.get("ranking").get(0).get("model").asText()).startsWith("gpt2-mini, temperature 0.8");
        assertThat(results.get("ranking").get(0).get("wins").asDouble()).isEqualTo(4.0);
        JsonNode win = null;
        for (JsonNode s : results.get("scores")) {
            if (s.get("model").asText().startsWith("gpt2-mini")) {
                win = s;
            }
        }
        assertThat(win.get("value").asDouble()).isEqualTo(1.0);
        JsonNode agreement = call("GET", "/human/tasks/ab/agreement", null, 200).get(0);
        assertThat(agreement.get("percentAgreement").asDouble()).isEqualTo(1.0);
        assertThat(agreement.has("fleissKappa")).isFalse(); // everyone said "a": kappa undefined, said so
        assertThat(agreement.get("note").asText()).startsWith("Every judgment fell in one category");

        // the local judge: gpt2-mini reads the MT-Bench template; each pair judged in both orders
        assertThat(call("POST", "/judge/runs", Map.of("task", "ab", "judge", "gpt2-mini", "template", "Which? {question}"), 400)
                .get("message").asText()).isEqualTo("The template must contain {question}, {answer_a}, {answer_b}; it lacks {answer_a}, {answer_b}.");
        assertThat(call("POST", "/judge/runs", Map.of("task", "ab", "judge", "remote"), 400).get("message").asText())
                .startsWith("No judge endpoint is configured");
        JsonNode started = call("POST", "/judge/runs", Map.of("task", "ab", "judge", "gpt2-mini", "max_tokens", 8), 202);
        JsonNode judged = awaitJudge(started.get("id").asText());
        assertThat(judged.get("state").asText()).as(judged.toString()).isEqualTo("succeeded");
        JsonNode r = call("GET", "/judge/runs/" + started.get("id").asText() + "/results", null, 200);
        JsonNode counts = r.get("counts");
        assertThat(counts.get("calls").asInt()).isEqualTo(4);
        assertThat(counts.get("parsed").asInt() + counts.get("unparsed").asInt() + counts.get("failed").asInt()).isEqualTo(4);
        assertThat(r.get("replies")).hasSize(4);
        assertThat(r.get("replies").findValuesAsText("slot")).containsOnly("ab", "ba");
        // a re-run replaces the task's judge result; the earlier run stays listed
        JsonNode again = call("POST", "/judge/runs", Map.of("task", "ab", "judge", "gpt2-mini", "max_tokens", 8), 202);
        awaitJudge(again.get("id").asText());
        assertThat(call("GET", "/judge/runs?task=ab", null, 200).findValuesAsText("id"))
                .containsExactly(again.get("id").asText(), started.get("id").asText());
    }

    @Inject
    org.llmplayground.preference.PreferenceStore pairs;

    /** gpt2-mini's answer of a pair (side a: model_a). */
    String store(String pairId) {
        return pairs.pair(pairId).orElseThrow().answerA();
    }

    JsonNode awaitJudge(String id) throws Exception {
        long end = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < end) {
            JsonNode r = call("GET", "/judge/runs/" + id, null, 200);
            if (!List.of("queued", "running").contains(r.get("state").asText())) {
                return r;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the judge run did not end");
    }

    @Test
    @Order(5)
    void historyAcrossCheckpointsFlagsARegression() throws Exception {
        HttpResponse<String> started = TestApp.send("POST", jetty.baseUrl() + "/api/v1/training/jobs/start", JSON.writeValueAsString(Map.of("yaml", """
                name: history run
                model: {num_layers: 1, hidden_size: 16, num_heads: 2, context_length: 16, dropout: 0}
                training: {batch_size: 4, block_size: 16, max_steps: 30, eval_interval: 10, eval_batches: 1, save_interval: 10, keep_best: 5}
                sampling: {interval: 30, length: 10}
                """)));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String trainingRun = JSON.readTree(started.body()).get("id").asText();
        long end = System.currentTimeMillis() + 120_000;
        while (!JSON.readTree(TestApp.get(jetty.baseUrl() + "/api/v1/training/jobs/" + trainingRun + "/status").body()).path("run").path("state")
                .asText().equals("FINISHED") && System.currentTimeMillis() < end) {
            Thread.sleep(200);
        }
        // a benchmark in the characters a Shakespeare model reads: which word follows
        StringBuilder jsonl = new StringBuilder();
        String[] words = {"king", "queen", "lord", "lady", "night", "day"};
        for (int i = 0; i < 30; i++) {
            jsonl.append(JSON.writeValueAsString(Map.of("question", "the " + words[i % 6] + " and the", "choices",
                    List.of(words[(i + 1) % 6], words[(i + 2) % 6]), "answer", i % 2))).append('\n');
        }
        call("POST", "/benchmarks", Map.of("name", "next_word", "kind", "multiple_choice", "jsonl", jsonl.toString()), 201);
        JsonNode runs = call("POST", "/history/" + trainingRun, Map.of("tasks", List.of("next_word")), 202);
        assertThat(runs).hasSize(3);
        for (JsonNode r : runs) {
            assertThat(await(r.get("id").asText()).get("state").asText()).isEqualTo("succeeded");
        }
        JsonNode history = call("GET", "/history/" + trainingRun, null, 200);
        assertThat(history.get("steps").toString()).isEqualTo("[10,20,30]");
        assertThat(history.get("series").get("next_word/acc").size()).isEqualTo(3);
        assertThat(history.get("loss").size()).isGreaterThan(0);
        assertThat(history.get("checkpoints").findValuesAsText("evaluated")).containsOnly("true");

        // a later evaluation of step 20 that gets 25 of 30 right, then step 30 only 5 of 30: a real regression
        EvaluationStore.Run base = store.find(runs.get(0).get("id").asText()).orElseThrow();
        String model20 = base.model().replaceAll("-\\d+$", "-20");
        String model30 = base.model().replaceAll("-\\d+$", "-30");
        synthetic(base, model20, 25);
        synthetic(base, model30, 5);
        JsonNode flagged = call("GET", "/history/" + trainingRun, null, 200);
        assertThat(flagged.get("series").get("next_word/acc").get("20").asDouble()).isCloseTo(25 / 30.0, within(1e-12));
        JsonNode regression = flagged.get("regressions").get(0);
        assertThat(regression.get("step").asInt()).isEqualTo(30);
        assertThat(regression.get("best_step").asInt()).isEqualTo(20);
        assertThat(regression.get("column").asText()).isEqualTo("next_word/acc");
        assertThat(regression.get("p_value").asDouble()).isLessThan(0.05);
        assertThat(call("GET", "/history/nope", null, 404).get("message").asText()).contains("nope");
    }

    /** A finished run of {@code model} on the base run's task and items with the first {@code right} items right. */
    void synthetic(EvaluationStore.Run base, String model, int right) {
        String id = java.util.UUID.randomUUID().toString();
        store.insert(new EvaluationStore.Run(id, null, model, "synthetic", base.tasks(), base.numFewshot(), base.limit(), base.codeVersion(),
                "succeeded", null, Instant.now(), Instant.now(), base.details()));
        List<EvaluationStore.Item> items = new ArrayList<>();
        for (EvaluationStore.Item i : store.items(base.id(), "next_word")) {
            double acc = items.size() < right ? 1 : 0;
            items.add(new EvaluationStore.Item(i.task(), i.docId(), i.target(), i.loglikelihoods(), acc, null, null, false, null));
        }
        store.addItems(id, items);
        evaluation.summarize(id);
    }
}
