package org.llmplayground.finetune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.llmplayground.core.BadInputException;
import org.llmplayground.generation.chat.ChatMessage;
import org.llmplayground.generation.chat.ChatTemplate;
import org.llmplayground.tokenizer.bpe.BpeTokenizer;
import org.llmplayground.tokenizer.bpe.Gpt2Files;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Instruction data in its three layouts, the templates against the published Stanford Alpaca prompts, and the
 * ids and loss mask of each example against what PEFT's golden batch trained on (src/test/resources/golden/lora).
 */
public class SftDataTest {
    static final Path ALPACA = Path.of("data/alpaca/alpaca_en_demo.json");

    public static BpeTokenizer gpt2() throws Exception {
        Path dir = Path.of("data/gpt2-tokenizer");
        return Gpt2Files.load(Files.readString(dir.resolve("encoder.json")), Files.readString(dir.resolve("vocab.bpe")));
    }

    @Test
    void theBundledAlpacaSetIsReadWhole() throws Exception {
        SftFormats.Parsed p = SftFormats.parse("alpaca_en_demo.json", Files.readString(ALPACA));
        assertThat(p.examples()).hasSize(999);
        assertThat(p.skipped()).isZero();
        assertThat(p.layout()).isEqualTo("alpaca");
        assertThat(p.examples().get(0).instruction()).isEqualTo("Describe a process of making crepes.");
    }

    @Test
    void promptsIdsAndMasksAreThoseTheGoldenBatchTrainedOn() throws Exception {
        List<SftExample> examples = SftFormats.parse("alpaca_en_demo.json", Files.readString(ALPACA)).examples();
        JsonNode batch = new ObjectMapper().readTree(Path.of("src/test/resources/golden/lora/batch.json").toFile());
        BpeTokenizer gpt2 = gpt2();
        SftEncoder encoder = new SftEncoder(ChatTemplate.ALPACA, t -> gpt2.encode(t, false), 50256, 1024, false);
        for (int i = 0; i < 8; i++) {
            JsonNode golden = batch.get(i);
            SftExample e = examples.get(i);
            assertThat(encoder.prompt(e)).as("prompt " + i).isEqualTo(golden.get("prompt").asText());
            assertThat(e.response()).isEqualTo(golden.get("response").asText());
            SftEncoder.Encoded enc = encoder.encode(e);
            int[] ids = new ObjectMapper().convertValue(golden.get("input_ids"), int[].class);
            assertThat(enc.ids()).as("ids " + i).isEqualTo(ids);
            assertThat(enc.promptTokens()).isEqualTo(golden.get("prompt_len").asInt());
            for (int t = 0; t + 1 < ids.length; t++) { // our target of t is the golden label of t + 1 (−100 → −1)
                long label = golden.get("labels").get(t + 1).asLong();
                assertThat(enc.target(t, false)).as("target %d of example %d", t, i).isEqualTo(label < 0 ? -1 : label);
            }
        }
    }

    @Test
    void stanfordPromptsWithAndWithoutInputAndTheOtherTemplates() {
        SftExample withInput = new SftExample(null, List.of(ChatMessage.user("Add the numbers.")), "2 and 3", "5", "line 1");
        assertThat(ChatTemplate.ALPACA.render(withInput.system(), withInput.turns(), withInput.input())).isEqualTo(
                "Below is an instruction that describes a task, paired with an input that provides further context. "
                        + "Write a response that appropriately completes the request.\n\n### Instruction:\nAdd the numbers.\n\n"
                        + "### Input:\n2 and 3\n\n### Response:\n");
        assertThat(ChatTemplate.CHATML.render(null, withInput.turns(), withInput.input()))
                .isEqualTo("<|im_start|>user\nAdd the numbers.\n\n2 and 3<|im_end|>\n<|im_start|>assistant\n");
        SftEncoder chatml = new SftEncoder(ChatTemplate.CHATML, t -> t.chars().toArray(), null, 1000, false);
        assertThat(chatml.reply(withInput)).isEqualTo("5<|im_end|>");
        SftEncoder.Encoded enc = chatml.encode(withInput);
        assertThat(enc.replyTokens()).isEqualTo("5<|im_end|>".length()); // char tokens; no end-of-text id for ChatML
    }

    @Test
    void aLongPromptIsCutFromItsStartNeverFromTheReply() {
        SftEncoder enc = new SftEncoder(ChatTemplate.PLAIN, t -> t.chars().toArray(), 0, 20, false);
        SftExample e = new SftExample(null, List.of(ChatMessage.user("a very long question indeed")), "", "yes", "line 1");
        SftEncoder.Encoded out = enc.encode(e); // "User: a very long question indeed\nAssistant:" (44) + " yes" + <eot> (5)
        assertThat(out.ids()).hasSize(20);
        assertThat(out.replyTokens()).isEqualTo(5);
        assertThat(out.cut()).isEqualTo(44 + 5 - 20);
        SftEncoder chars = new SftEncoder(ChatTemplate.PLAIN, t -> t.chars().toArray(), null, 100, false);
        assertThat(chars.reply(e)).isEqualTo(" yes\n"); // no end-of-text id: a newline ends the reply
        assertThat(new String(out.ids(), 16, 3)).isEqualTo("yes");
        SftExample tooLong = new SftExample(null, List.of(ChatMessage.user("q")), "", "x".repeat(25), "line 2");
        assertThat(enc.encode(tooLong)).isNull(); // its reply alone does not fit: left out, never cut
    }

    @Test
    void conversationsAndPromptCompletionAndTheirMistakes() {
        String jsonl = """
                {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
                {"conversations": [{"from": "human", "value": "2+2?"}, {"from": "gpt", "value": "4"}]}
                {"prompt": "Capital of France:", "completion": " Paris"}
                {"instruction": "Say hi"}
                {"instruction": "Say hi", "output": "   "}
                {"messages": [{"role": "user", "content": "Hi"}]}
                {"messages": [{"role": "narrator", "content": "Hi"}, {"role": "assistant", "content": "x"}]}
                not json
                {"text": "a pre-training document"}
                """;
        SftFormats.Parsed p = SftFormats.parse("mixed.jsonl", jsonl);
        assertThat(p.examples()).hasSize(3);
        assertThat(p.layout()).isEqualTo("messages + prompt/completion + sharegpt");
        assertThat(p.examples().get(0).system()).isEqualTo("Be brief.");
        assertThat(p.examples().get(1).response()).isEqualTo("4");
        assertThat(p.problems()).containsExactly("line 8: not JSON", "line 4: no 'output'", "line 5: 'output' is empty",
                "line 6: the conversation does not end with an assistant turn to learn",
                "line 7: turn 1 has role 'narrator' (use user, assistant or system)", "line 9: fits no layout (fields: text)");
        assertThatThrownBy(() -> SftFormats.parse("docs.jsonl", "{\"text\": \"a\"}\n")).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("docs.jsonl has no usable example: line 1: fits no layout (fields: text). Alpaca records need");
        assertThatThrownBy(() -> SftFormats.parse("e.json", "  ")).hasMessage("e.json is empty.");
        assertThatThrownBy(() -> SftFormats.parse("b.json", "[{\"a\": 1,]")).hasMessageStartingWith("b.json is not valid JSON");
    }

    @Test
    void batchesGroupSimilarLengthsPadAndMaskAndRepeatForASeed() {
        List<SftEncoder.Encoded> examples = List.of(new SftEncoder.Encoded(new int[]{5, 6, 7, 8}, 2, 0),
                new SftEncoder.Encoded(new int[]{1, 2, 3}, 1, 0), new SftEncoder.Encoded(new int[]{9, 9, 9, 9, 9, 9, 9, 9}, 3, 0),
                new SftEncoder.Encoded(new int[]{4, 4, 4, 4, 4, 4, 4}, 3, 0));
        SftBatches batches = new SftBatches(examples, 2, 1, 7, false, 0);
        assertThat(batches.groups()).isEqualTo(2);
        // sorted by length: group 0 = the 3- and 4-id examples (width 3), group 1 = the 7- and 8-id ones (width 7)
        int step = batches.group(1, 0) == 0 ? 1 : 2;
        assertThat(batches.width(step, 0)).isEqualTo(3);
        long[] x = new long[6];
        long[] y = new long[6];
        batches.fill(step, 0, x, y);
        assertThat(x).containsExactly(1, 2, 0, 5, 6, 7);
        assertThat(y).containsExactly(2, 3, -1, -1, 7, 8);
        assertThat(batches.padding()).containsExactly(1, 1, 0, 1, 1, 1);
        // every epoch visits each group once, in a seeded order
        assertThat(List.of(batches.group(1, 0), batches.group(2, 0))).containsExactlyInAnyOrder(0, 1);
        assertThat(List.of(batches.group(3, 0), batches.group(4, 0))).containsExactlyInAnyOrder(0, 1);
        assertThat(new SftBatches(examples, 2, 1, 7, false, 0).group(5, 0)).isEqualTo(batches.group(5, 0));
    }
}
