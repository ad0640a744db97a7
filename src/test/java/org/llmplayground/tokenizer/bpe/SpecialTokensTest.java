package org.llmplayground.tokenizer.bpe;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpecialTokensTest {
    static List<String> segments(SpecialTokens t, String text, boolean allow) {
        List<String> out = new ArrayList<>();
        t.segment(text, allow, new SpecialTokens.SegmentSink() {
            @Override
            public void ordinary(int start, int end) {
                out.add(text.substring(start, end));
            }

            @Override
            public void special(int start, int end, int id) {
                out.add("#" + id);
            }
        });
        return out;
    }

    @Test
    void cutsAtSpecialTokensLongestFirst() {
        SpecialTokens t = new SpecialTokens(Map.of("<|end|>", 1, "<|end|><|end|>", 2, "[SEP]", 3));
        assertThat(segments(t, "a<|end|>b", true)).containsExactly("a", "#1", "b");
        assertThat(segments(t, "<|end|><|end|>[SEP]", true)).containsExactly("#2", "#3");
        assertThat(segments(t, "x <|end", true)).containsExactly("x <|end");
        assertThat(segments(t, "a<|end|>b", false)).containsExactly("a<|end|>b");
        assertThat(segments(t, "", true)).isEmpty();
    }

    @Test
    void refusesDuplicateIdsAndEmptyTokens() {
        assertThatThrownBy(() -> new SpecialTokens(Map.of("<a>", 1, "<b>", 1))).hasMessage("Two special tokens share the id 1");
        assertThatThrownBy(() -> new SpecialTokens(Map.of("", 1))).hasMessage("A special token cannot be empty");
    }
}
