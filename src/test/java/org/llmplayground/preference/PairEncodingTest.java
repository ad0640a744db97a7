package org.llmplayground.preference;

import org.junit.jupiter.api.Test;
import org.llmplayground.finetune.SftEncoder;
import org.llmplayground.generation.chat.ChatMessage;
import org.llmplayground.generation.chat.ChatTemplate;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Prompt + answer longer than the block: the prompt is cut from its start (its end, next to the answer, stays) and
 * counted; a pair whose answer alone does not fit is left out and counted; a set where nothing fits is refused.
 */
class PairEncodingTest {
    static PreferencePair pair(String prompt, String chosen, String rejected) {
        return new PreferencePair(null, List.of(new ChatMessage(ChatMessage.USER, prompt)), chosen, rejected, "line 1");
    }

    @Test
    void longPromptsAreCutAndLongAnswersLeftOutWithCounts() {
        // plain template: "User: <prompt>\nAssistant: <answer>\n", one id per character, a block of 40
        SftEncoder enc = new SftEncoder(ChatTemplate.PLAIN, s -> s.chars().toArray(), null, 40, false);
        DpoRuns.Encoded e = DpoRuns.encode(enc, List.of(pair("hi", "a", "b"), pair("x".repeat(60), "yes", "no"),
                pair("q", "z".repeat(50), "w")), "training");
        assertThat(e.pairs()).hasSize(2);
        assertThat(e.leftOut()).isEqualTo(1);
        assertThat(e.cut()).isEqualTo(1);
        assertThat(DpoRuns.leftOut(e)).isEqualTo(" (1 left out: an answer longer than the block; 1 prompts cut from their start to fit "
                + "prompt + answer in the block)");
        SftEncoder.Encoded cut = e.pairs().get(1)[0];
        assertThat(cut.ids()).hasSizeLessThanOrEqualTo(41);
        assertThat(new String(cut.ids(), 0, cut.ids().length)).endsWith("xxx\nAssistant: yes\n");
        assertThatThrownBy(() -> DpoRuns.encode(enc, List.of(pair("q", "z".repeat(50), "w")), "validation"))
                .hasMessage("No validation pair fits the block: every answer alone is longer than training.block_size.");
    }
}
