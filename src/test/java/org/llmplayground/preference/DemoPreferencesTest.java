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
}
