package org.llmplayground.preference;

import org.junit.jupiter.api.Test;
import org.llmplayground.core.BadInputException;
import org.llmplayground.generation.chat.ChatMessage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** The three preference layouts, HH-RLHF's dialogues split into prompt and answers, and the records refused by line. */
class PreferenceFormatsTest {
    @Test
    void llamaFactorysShareGptPairsAreReadWhole() throws Exception {
        PreferenceFormats.Parsed p = PreferenceFormats.parse("dpo_en_demo.json", Files.readString(Path.of("data/preference/dpo_en_demo.json")), "sharegpt");
        assertThat(p.pairs()).hasSize(300);
        assertThat(p.skipped()).isEmpty();
        PreferencePair first = p.pairs().get(0);
        assertThat(first.turns()).containsExactly(ChatMessage.user(
                "Hi! I'd like to create a new language game simulating the first person perspective of a character named Angela."));
        assertThat(first.chosen()).startsWith("That sounds like a fun and engaging idea! Here are some tips to help you create the game:");
        assertThat(first.where()).isEqualTo("record 1");
    }

    @Test
    void trlRecordsWithTextOrMessagesAndTheirMistakesByLine() {
        String text = """
                {"prompt": "2 + 2?", "chosen": "4", "rejected": "5"}
                {"prompt": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Capital of France?"}], "chosen": [{"role": "assistant", "content": "Paris"}], "rejected": [{"role": "assistant", "content": "Lyon"}]}
                {"prompt": "Say hi", "chosen": "hi"}
                {"prompt": "Same?", "chosen": "yes", "rejected": " yes "}
                not json
                {"prompt": "Empty", "chosen": "", "rejected": "x"}
                """;
        PreferenceFormats.Parsed p = PreferenceFormats.parse("mine.jsonl", text, "trl");
        assertThat(p.pairs()).extracting(PreferencePair::prompt, PreferencePair::chosen, PreferencePair::rejected)
                .containsExactly(tuple("2 + 2?", "4", "5"), tuple("Capital of France?", "Paris", "Lyon"));
        assertThat(p.pairs().get(1).system()).isEqualTo("Be brief.");
        assertThat(p.skipped()).containsExactly(
                new PreferenceFormats.Skipped("line 5", "not JSON"),
                new PreferenceFormats.Skipped("line 3", "no 'rejected'"),
                new PreferenceFormats.Skipped("line 4", "the chosen and rejected answers are the same"),
                new PreferenceFormats.Skipped("line 6", "'chosen' is empty"));
    }

    @Test
    void hhRlhfDialoguesAreSplitAtTheLastSharedAssistantTurn() {
        String text = """
                {"chosen": "\\n\\nHuman: Hi there\\n\\nAssistant: Hello! How can I help?\\n\\nHuman: Tell me a joke.\\n\\nAssistant: Why did the chicken cross the road? To get to the other side.", "rejected": "\\n\\nHuman: Hi there\\n\\nAssistant: Hello! How can I help?\\n\\nHuman: Tell me a joke.\\n\\nAssistant: No."}
                {"chosen": "\\n\\nHuman: A\\n\\nAssistant: B", "rejected": "\\n\\nHuman: C\\n\\nAssistant: D"}
                """;
        PreferenceFormats.Parsed p = PreferenceFormats.parse("hh.jsonl", text, "hh-rlhf");
        PreferencePair pair = p.pairs().get(0);
        assertThat(pair.turns()).containsExactly(ChatMessage.user("Hi there"), new ChatMessage(ChatMessage.ASSISTANT, "Hello! How can I help?"),
                ChatMessage.user("Tell me a joke."));
        assertThat(pair.chosen()).isEqualTo("Why did the chicken cross the road? To get to the other side.");
        assertThat(pair.rejected()).isEqualTo("No.");
        assertThat(pair.prompt()).isEqualTo("User: Hi there\n\nAssistant: Hello! How can I help?\n\nUser: Tell me a joke.");
        assertThat(p.skipped()).containsExactly(new PreferenceFormats.Skipped("line 2", "the two dialogues share no \"\\n\\nAssistant:\" turn to answer"));
    }

    @Test
    void aFileWithoutOneUsablePairOrAnUnknownFormatIsRefused() {
        assertThatThrownBy(() -> PreferenceFormats.parse("bad.jsonl", "{\"prompt\": \"x\"}\n{\"prompt\": \"y\"}\n", "trl"))
                .isInstanceOf(BadInputException.class).hasMessage("bad.jsonl has no usable trl pair: line 1: no 'chosen' (and 1 more).");
        assertThatThrownBy(() -> PreferenceFormats.parse("x.jsonl", "{}", "csv"))
                .isInstanceOf(BadInputException.class).hasMessage("format must be trl, sharegpt or hh-rlhf (got 'csv').");
        assertThat(PreferenceFormats.FORMATS).isEqualTo(List.of("trl", "sharegpt", "hh-rlhf"));
    }
}
