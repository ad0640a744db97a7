package org.llmplayground.preference;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** data/preference-demo is exactly what DemoPreferences writes; every rejected answer differs from the chosen one. */
class DemoPreferencesTest {
    @Test
    void theFilesAreWhatTheGeneratorWritesAndEveryPairDisagrees() throws Exception {
        List<List<DemoPreferences.Pair>> s = DemoPreferences.splits();
        String[] names = {"train", "val", "test"};
        for (int i = 0; i < 3; i++) {
            assertThat(Files.readString(Path.of("data/preference-demo/" + names[i] + ".jsonl"))).as(names[i]).isEqualTo(DemoPreferences.jsonl(s.get(i)));
            assertThat(s.get(i)).allSatisfy(p -> assertThat(p.rejected()).isNotEqualTo(p.chosen()));
        }
        String prompts = Files.readString(Path.of("data/preference-demo/prompts.jsonl"));
        assertThat(prompts).isEqualTo(DemoPreferences.prompts(s.get(1)));
        assertThat(prompts.lines()).hasSize(21);
        assertThat(s.get(2)).noneSatisfy(p -> assertThat(prompts).contains("\"" + p.prompt() + "\"")); // no test prompt
        assertThat(s.get(2).get(0)).isEqualTo(new DemoPreferences.Pair("reverse", "Reverse the word: forth", "htrof", "forth"));
        assertThat(DemoPreferences.swapTwo("aab", new java.util.Random(1))).isEqualTo("aba");
        assertThat(DemoPreferences.swapTwo("a", new java.util.Random(1))).isEqualTo("aa");
    }

    /**
     * train-onpolicy.jsonl is train.jsonl with the SFT demo model's wrong greedy answers as rejected (220 of 6,000):
     * checked line by line against train.jsonl, and the model's own answers regenerated for the first 25 of them.
     */
    @Test
    void theOnPolicyPairsAreTheSftModelsOwnMistakes() throws Exception {
        List<DemoPreferences.Pair> train = DemoPreferences.splits().get(0);
        List<String> lines = Files.readAllLines(Path.of("data/preference-demo/train-onpolicy.jsonl"));
        assertThat(lines).hasSize(train.size());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<org.llmplayground.finetune.SftExample> asked = new java.util.ArrayList<>();
        List<String> mistakes = new java.util.ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            var o = json.readTree(lines.get(i));
            DemoPreferences.Pair p = train.get(i);
            assertThat(o.get("prompt").asText()).isEqualTo(p.prompt());
            assertThat(o.get("chosen").asText()).isEqualTo(p.chosen());
            if (o.get("source").asText().equals("synthetic")) {
                assertThat(o.get("rejected").asText()).isEqualTo(p.rejected());
            } else {
                assertThat(o.get("rejected").asText()).isNotEqualTo(p.chosen());
                if (asked.size() < 25) {
                    asked.add(new org.llmplayground.finetune.SftExample(null, List.of(new org.llmplayground.generation.chat.ChatMessage("user",
                            p.prompt())), "", p.chosen(), p.task()));
                    mistakes.add(o.get("rejected").asText());
                }
            }
        }
        assertThat(lines.stream().filter(l -> l.contains("\"source\":\"sft-demo\""))).hasSize(220);
        assertThat(OnPolicyPairs.sftAnswers(Path.of("models"), asked)).isEqualTo(mistakes);
    }
}
