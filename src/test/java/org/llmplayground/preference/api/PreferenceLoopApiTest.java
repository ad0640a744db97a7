package org.llmplayground.preference.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.app.web.JettyServer;
import org.llmplayground.preference.PreferenceStore;
import org.llmplayground.support.TestApp;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole preference loop over REST: pairs written by the SFT demo model and judged by two annotators (order
 * shuffled per annotator, verdicts stored over the stored answers), undo, bad judgments, export in TRL's layout,
 * active selection; a reward-model run, its measures, scoring and its wrong pairs; a DPO run, its TRL metrics and
 * SFT vs DPO.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PreferenceLoopApiTest implements TestPropertyProvider {
    static final ObjectMapper JSON = new ObjectMapper();
    @Inject
    JettyServer jetty;
    @Inject
    PreferenceStore store;

    @Override
    public Map<String, String> getProperties() {
        return TestApp.freshWorkspace("preference-loop");
    }

    JsonNode call(String method, String path, Object body, int status) throws Exception {
        HttpResponse<String> r = TestApp.send(method, jetty.baseUrl() + "/api/v1/preferences" + path,
                body == null ? null : JSON.writeValueAsString(body));
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(status);
        return r.body().isEmpty() ? null : JSON.readTree(r.body());
    }

    static Map<String, Object> next(String annotator) {
        return Map.of("annotator", annotator, "promptSet", "preference-demo", "a", Map.of("model", "sft-demo", "temperature", 0.0),
                "b", Map.of("model", "sft-demo", "temperature", 1.5, "seed", 7));
    }

    @Test
    void twoAnnotatorsJudgeTheSamePairsUndoAndExport() throws Exception {
        JsonNode first = call("POST", "/pairs/next", next("ada"), 200);
        assertThat(first.get("prompt").asText()).isEqualTo("Reverse the word: doubt"); // the demo prompt set's first
        assertThat(first.get("first").asText()).isNotEqualTo(first.get("second").asText());
        assertThat(first.get("progress").get("prompts").asInt()).isEqualTo(21);
        String pair = first.get("pairId").asText();
        PreferenceStore.Pair stored = store.pair(pair).orElseThrow();
        assertThat(Set.of(stored.sourceA(), stored.sourceB())).anyMatch(s -> s.startsWith("sft-demo, temperature 0.0"));
        // the annotators prefer the greedy answer ("tubod"); which side shows it depends on the shuffle
        greedy = stored.sourceA().startsWith("sft-demo, temperature 0.0") ? stored.answerA() : stored.answerB();
        assertThat(greedy).isEqualTo("tubod");
        String rightShown = rightShownFor(first);
        JsonNode judged = call("POST", "/pairs/" + pair + "/judge", Map.of("annotator", "ada", "choice", rightShown, "note", "closer"), 200);
        String storedRight = stored.answerA().equals(greedy) ? "a" : "b";
        assertThat(judged.get("judgment").get("verdict").asText()).isEqualTo(storedRight);
        assertThat(judged.get("progress").get("judged").asInt()).isEqualTo(1);
        // judging again replaces the earlier verdict (kept as history); judging back restores it
        String wrongShown = rightShown.equals("A") ? "B" : "A";
        assertThat(call("POST", "/pairs/" + pair + "/judge", Map.of("annotator", "ada", "choice", wrongShown), 200).get("judgment")
                .get("verdict").asText()).isEqualTo(storedRight.equals("a") ? "b" : "a");
        call("POST", "/pairs/" + pair + "/judge", Map.of("annotator", "ada", "choice", rightShown, "note", "closer"), 200);
        assertThat(store.replaced("preference-demo")).extracting(PreferenceStore.Judgment::verdict)
                .containsExactly(storedRight, storedRight.equals("a") ? "b" : "a");
        assertThat(call("POST", "/pairs/nope/judge", Map.of("annotator", "ada", "choice", "A"), 404).get("message").asText())
                .isEqualTo("No pair 'nope': ask for the next pair first.");
        assertThat(call("POST", "/pairs/" + pair + "/judge", Map.of("annotator", "bob", "choice", "C"), 400).get("message").asText())
                .isEqualTo("Choose A, B, tie or both_bad (got 'C').");

        // bob is offered the same pair first (agreement needs the same pairs); a new pair for ada
        JsonNode bobs = call("POST", "/pairs/next", next("bob"), 200);
        assertThat(bobs.get("pairId").asText()).isEqualTo(pair);
        call("POST", "/pairs/" + pair + "/judge", Map.of("annotator", "bob", "choice", rightShownFor(bobs)), 200);
        JsonNode second = call("POST", "/pairs/next", next("ada"), 200);
        assertThat(second.get("pairId").asText()).isNotEqualTo(pair);
        call("POST", "/pairs/" + second.get("pairId").asText() + "/judge", Map.of("annotator", "ada", "choice", "tie"), 200);

        // undo takes back ada's last (the tie) and offers that pair again
        JsonNode undone = call("POST", "/pairs/undo", Map.of("annotator", "ada"), 200);
        assertThat(undone.get("pairId").asText()).isEqualTo(second.get("pairId").asText());
        assertThat(undone.get("progress").get("judged").asInt()).isEqualTo(1);
        call("POST", "/pairs/" + second.get("pairId").asText() + "/judge", Map.of("annotator", "ada", "choice", "both_bad"), 200);
        assertThat(call("POST", "/pairs/undo", Map.of("annotator", "nobody"), 404).get("message").asText())
                .isEqualTo("'nobody' has no judgment to undo.");

        JsonNode listed = call("GET", "/pairs?promptSet=preference-demo", null, 200);
        assertThat(listed).hasSize(2);
        assertThat(listed.get(0).get("judgments")).hasSize(2);
        assertThat(listed.get(0).get("judgments").get(0).get("note").asText()).isEqualTo("closer");
        HttpResponse<String> export = TestApp.send("GET", jetty.baseUrl() + "/api/v1/preferences/datasets/export?promptSet=preference-demo", null);
        assertThat(export.statusCode()).isEqualTo(200);
        String other = stored.answerA().equals(greedy) ? stored.answerB() : stored.answerA();
        assertThat(export.body()).isEqualTo("{\"prompt\":\"Reverse the word: doubt\",\"chosen\":\"" + greedy + "\",\"rejected\":\"" + other + "\"}\n");
        assertThat(export.headers().firstValue("X-Left-Out").orElseThrow()).isEqualTo("ties 0, both bad 1, split 0, unjudged 0");
    }

    String greedy;

    /** The shown side that holds the greedy answer. */
    String rightShownFor(JsonNode offer) {
        return offer.get("first").asText().equals(greedy) ? "A" : "B";
    }

    @Test
    void identicalAnswersAndBadNamesAreRefused() throws Exception {
        Map<String, Object> same = Map.of("annotator", "ada", "prompt", "Reverse the word: king", "a", Map.of("model", "sft-demo", "temperature", 0.0),
                "b", Map.of("model", "sft-demo", "temperature", 0.0));
        assertThat(call("POST", "/pairs/next", same, 400).get("message").asText()).isEqualTo("The two answers to 'Reverse the word: king' were "
                + "identical ('gnik') in 4 draws: nothing to compare. Choose different models, a temperature above 0 for at least one side, or other seeds.");
        Map<String, Object> noName = Map.of("annotator", " ", "promptSet", "preference-demo", "a", Map.of("model", "sft-demo"), "b", Map.of("model", "sft-demo"));
        assertThat(call("POST", "/pairs/next", noName, 400).get("message").asText())
                .isEqualTo("Name the annotator with 1 to 80 letters, digits, spaces, '.', '_', '-' or '@' (got '').");
    }

    @Test
    void activeSelectionOffersTheLeastCertainPairFirst() throws Exception {
        Instant now = Instant.now();
        for (double[] r : List.of(new double[]{2.0, -1.0}, new double[]{0.3, 0.25}, new double[]{-0.5, 0.6})) {
            store.insert(new PreferenceStore.Pair("p-" + r[0], "active", "Say " + r[0], "x" + r[0], "y" + r[0], "m", "m", r[0], r[1], now));
        }
        Map<String, Object> req = Map.of("annotator", "cat", "promptSet", "active", "rewardRun", "any", "a", Map.of("model", "sft-demo"),
                "b", Map.of("model", "sft-demo"));
        JsonNode offer = call("POST", "/pairs/next", req, 200);
        assertThat(offer.get("pairId").asText()).isEqualTo("p-0.3"); // |0.3 − 0.25| = 0.05: the least certain
        assertThat(offer.get("uncertainty").asDouble()).isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-9));
        call("POST", "/pairs/p-0.3/judge", Map.of("annotator", "cat", "choice", "A"), 200);
        assertThat(call("POST", "/pairs/next", req, 200).get("pairId").asText()).isEqualTo("p--0.5"); // 1.1 before 3.0
        // without a reward model: the oldest unjudged
        Set<String> seen = new HashSet<>();
        seen.add(call("POST", "/pairs/next", Map.of("annotator", "dan", "promptSet", "active", "a", Map.of("model", "sft-demo"),
                "b", Map.of("model", "sft-demo")), 200).get("pairId").asText());
        assertThat(seen).hasSize(1);
    }

    @Test
    void aRewardRunScoresTextsAndADpoRunReportsTrlMetricsAndComparesWithSft() throws Exception {
        JsonNode reward = call("POST", "/reward/jobs/start", Map.of("config", "reward-demo", "name", "rm", "maxSteps", 30), 202);
        String rid = reward.get("id").asText();
        JsonNode run = awaitRun("reward", rid);
        assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("FINISHED");
        JsonNode measures = call("GET", "/reward/jobs/" + rid + "/measures", null, 200);
        assertThat(measures).hasSize(30);
        assertThat(measures.get(29).get("values").has("accuracy")).isTrue();
        assertThat(measures.get(29).get("values").has("margin")).isTrue();
        double right = call("POST", "/reward/score", Map.of("run", rid, "prompt", "Reverse the word: doubt", "answer", "tbuod"), 200).get("reward").asDouble();
        double wrong = call("POST", "/reward/score", Map.of("run", rid, "prompt", "Reverse the word: doubt", "answer", "doubt"), 200).get("reward").asDouble();
        assertThat(right).isNotEqualTo(wrong);
        JsonNode check = call("GET", "/reward/jobs/" + rid + "/check?limit=5", null, 200);
        assertThat(check.get("pairs").asInt()).isEqualTo(200);
        assertThat(check.get("wrong").size()).isLessThanOrEqualTo(5);
        assertThat(check.get("accuracy").asDouble()).isGreaterThan(0.5);
        assertThat(call("POST", "/reward/score", Map.of("run", rid, "prompt", "", "answer", "x"), 400).get("message").asText())
                .isEqualTo("Give both 'prompt' and 'answer': a reward model scores an answer to a prompt.");
        assertThat(call("POST", "/dpo/jobs/start", Map.of("config", "reward-demo"), 400).get("message").asText())
                .isEqualTo("The config has no dpo section: it would not train a policy with DPO. Start from dpo-demo.");
        assertThat(call("GET", "/dpo/jobs/" + rid + "/status", null, 404).get("message").asText()).isEqualTo("No DPO run '" + rid + "'.");

        JsonNode dpo = call("POST", "/dpo/jobs/start", Map.of("config", "dpo-demo", "name", "dpo", "maxSteps", 20), 202);
        String did = dpo.get("id").asText();
        assertThat(awaitRun("dpo", did).get("state").asText()).isEqualTo("FINISHED");
        JsonNode m = call("GET", "/dpo/jobs/" + did + "/measures?after=19", null, 200);
        assertThat(m).hasSize(1);
        // TRL's names, and the KL estimate of the sample at the last step
        assertThat(m.get(0).get("values").fieldNames()).toIterable().containsExactly("kl", "logps/chosen", "logps/rejected", "rewards/accuracies",
                "rewards/chosen", "rewards/margins", "rewards/rejected");
        assertThat(m.get(0).get("values").get("kl").asDouble()).isBetween(-1.0, 5.0); // a Monte-Carlo estimate: near 0 after 20 steps
        JsonNode compare = call("GET", "/dpo/jobs/" + did + "/compare?limit=10", null, 200);
        assertThat(compare.get("n").asInt()).isEqualTo(10);
        assertThat(compare.get("answers").get(0).get("expected").asText()).isNotEmpty();
        assertThat(compare.get("sftExactMatch").asDouble()).isGreaterThan(0.5); // the SFT demo model: 86 % on the whole test split
        assertThat(call("GET", "/dpo/jobs", null, 200)).hasSize(1);
        assertThat(call("GET", "/reward/jobs", null, 200)).hasSize(1);
    }

    JsonNode awaitRun(String kind, String id) throws Exception {
        long end = System.currentTimeMillis() + 300_000;
        while (System.currentTimeMillis() < end) {
            JsonNode r = call("GET", "/" + kind + "/jobs/" + id + "/status", null, 200);
            if (!List.of("QUEUED", "RUNNING", "PAUSED").contains(r.get("state").asText())) {
                return r;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the run did not end");
    }
}
