package org.llmplayground.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.llmplayground.evaluation.benchmarks.Benchmarks;
import org.llmplayground.evaluation.benchmarks.McItem;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The prompts built from the bundled data are byte for byte the ones lm-evaluation-harness 0.4.13 scored (its logged
 * samples in the golden files): context, continuations, choices, gold, MC2 labels; and MMLU's 57 subjects.
 */
class BenchmarkPromptsTest {
    static void same(String file, List<McItem> built) throws Exception {
        List<JsonNode> golden = LogLikelihoodGoldenTest.items(file);
        assertThat(built.size()).as(file).isGreaterThanOrEqualTo(golden.size());
        for (JsonNode g : golden) {
            McItem b = built.get(g.get("index").asInt());
            String what = file + " item " + g.get("index").asInt();
            assertThat(b.context()).as(what + " context").isEqualTo(g.get("context").asText());
            List<String> conts = new ArrayList<>();
            g.get("continuations").forEach(c -> conts.add(c.asText()));
            assertThat(b.continuations()).as(what + " continuations").isEqualTo(conts);
            assertThat(b.gold()).as(what + " gold").isEqualTo(g.get("gold").asInt());
            if (g.has("labels") && b.labels() != null) {
                List<Integer> labels = new ArrayList<>();
                g.get("labels").forEach(l -> labels.add(l.asInt()));
                assertThat(b.labels()).as(what + " labels").isEqualTo(labels);
            }
        }
    }

    @Test
    void mmluPromptsAreLmEvals() throws Exception {
        assertThat(Benchmarks.mmluSubjects()).hasSize(57);
        same("mmlu_abstract_algebra_0shot.jsonl", Benchmarks.mmlu("abstract_algebra", 0));
        same("mmlu_abstract_algebra_5shot.jsonl", Benchmarks.mmlu("abstract_algebra", 5));
        int total = Benchmarks.mmluSubjects().keySet().stream().mapToInt(s -> Benchmarks.mmlu(s, 0).size()).sum();
        assertThat(total).isEqualTo(14_042);
    }

    @Test
    void hellaswagAndTruthfulQaPromptsAreLmEvals() throws Exception {
        same("hellaswag_0-199.jsonl", Benchmarks.hellaswag(200));
        assertThat(Benchmarks.hellaswag(Integer.MAX_VALUE)).hasSize(10_042);
        same("truthfulqa_mc1_0-79.jsonl", Benchmarks.truthfulqa(false, 80));
        same("truthfulqa_mc2_0-79.jsonl", Benchmarks.truthfulqa(true, 80));
        assertThat(Benchmarks.truthfulqa(true, Integer.MAX_VALUE)).hasSize(817);
    }
}
