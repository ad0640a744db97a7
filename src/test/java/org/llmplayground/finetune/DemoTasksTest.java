package org.llmplayground.finetune;

import org.junit.jupiter.api.Test;
import org.llmplayground.generation.chat.ChatTemplate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped demo set is exactly what its seeded generator writes, split by prompt, in the base model's characters. */
class DemoTasksTest {
    static final Path DIR = Path.of("data/sft-demo");
    static final String SHAKESPEARE_CHARS = "\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    @Test
    void theShippedFilesAreWhatTheGeneratorWrites() throws Exception {
        List<List<DemoTasks.Item>> s = DemoTasks.splits();
        String[] names = {"train", "val", "test"};
        for (int i = 0; i < 3; i++) {
            assertThat(Files.readString(DIR.resolve(names[i] + ".jsonl"))).as(names[i]).isEqualTo(DemoTasks.jsonl(s.get(i)));
        }
        assertThat(s.get(0)).hasSize(DemoTasks.TRAIN);
        assertThat(s.get(2)).hasSize(DemoTasks.TEST);
        assertThat(s.get(2).get(0)).isEqualTo(DemoTasks.splits().get(2).get(0)); // the same seed, the same examples
    }

    @Test
    void noTestPromptIsSeenInTrainingAndEveryTaskIsTested() throws Exception {
        List<List<DemoTasks.Item>> s = DemoTasks.splits();
        Set<String> train = s.get(0).stream().map(DemoTasks.Item::instruction).collect(Collectors.toSet());
        Set<String> test = new HashSet<>();
        for (DemoTasks.Item i : s.get(2)) {
            assertThat(train).doesNotContain(i.instruction());
            assertThat(test.add(i.instruction())).as("a test prompt is there once").isTrue();
        }
        Map<String, Long> perTask = s.get(2).stream().collect(Collectors.groupingBy(DemoTasks.Item::task, Collectors.counting()));
        assertThat(perTask.keySet()).containsExactlyInAnyOrderElementsOf(DemoTasks.TASKS);
        perTask.values().forEach(n -> assertThat(n).isGreaterThanOrEqualTo(28));
    }

    @Test
    void everyExampleIsWrittenInShakespeareCharsCharactersThroughThePlainTemplate() throws Exception {
        SftFormats.Parsed parsed = SftFormats.parse("train.jsonl", Files.readString(DIR.resolve("train.jsonl")));
        assertThat(parsed.layout()).isEqualTo("alpaca");
        SftEncoder enc = new SftEncoder(ChatTemplate.PLAIN, t -> t.chars().toArray(), null, 128, false);
        for (SftExample e : parsed.examples()) {
            String text = enc.prompt(e) + enc.reply(e);
            for (char c : text.toCharArray()) {
                assertThat(SHAKESPEARE_CHARS.indexOf(c)).as("'%s' in %s", c, e.where()).isNotNegative();
            }
            assertThat(enc.encode(e).cut()).as("fits the 128-character context").isZero();
        }
    }
}
