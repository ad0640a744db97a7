package org.llmplayground.generation.chat;

import org.junit.jupiter.api.Test;
import org.llmplayground.core.BadInputException;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each template against the exact text its models were trained on. */
class ChatTemplateTest {
    static final List<ChatMessage> TURNS = List.of(ChatMessage.user("Hi"), ChatMessage.assistant("Hello!"), ChatMessage.user("Name a fruit."));

    @Test
    void chatMl() {
        assertThat(ChatTemplate.CHATML.render("Be brief.", TURNS)).isEqualTo("""
                <|im_start|>system
                Be brief.<|im_end|>
                <|im_start|>user
                Hi<|im_end|>
                <|im_start|>assistant
                Hello!<|im_end|>
                <|im_start|>user
                Name a fruit.<|im_end|>
                <|im_start|>assistant
                """);
    }

    @Test
    void llama2() {
        assertThat(ChatTemplate.LLAMA2.render("Be brief.", TURNS)).isEqualTo(
                "<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello! </s><s>[INST] Name a fruit. [/INST]");
        assertThat(ChatTemplate.LLAMA2.render("", List.of(ChatMessage.user("Hi")))).isEqualTo("<s>[INST] Hi [/INST]");
    }

    @Test
    void alpacaAndPlain() {
        assertThat(ChatTemplate.ALPACA.render("Be brief.", TURNS)).isEqualTo(
                "Be brief.\n\n### Instruction:\nHi\n\n### Response:\nHello!\n\n### Instruction:\nName a fruit.\n\n### Response:\n");
        assertThat(ChatTemplate.PLAIN.render("", TURNS)).isEqualTo("User: Hi\nAssistant: Hello!\nUser: Name a fruit.\nAssistant:");
        assertThat(ChatTemplate.PLAIN.stopSequences()).contains("\nUser:");
    }

    @Test
    void namesParse() {
        assertThat(ChatTemplate.parse("chatml")).isEqualTo(ChatTemplate.CHATML);
        assertThat(ChatTemplate.parse(null)).isEqualTo(ChatTemplate.PLAIN);
        assertThatThrownBy(() -> ChatTemplate.parse("vicuna")).isInstanceOf(BadInputException.class)
                .hasMessage("Unknown chat template 'vicuna'; use chatml, llama2, alpaca or plain.");
    }
}
