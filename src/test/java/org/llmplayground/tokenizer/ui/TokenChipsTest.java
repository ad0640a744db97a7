package org.llmplayground.tokenizer.ui;

import org.junit.jupiter.api.Test;
import org.llmplayground.tokenizer.Tokenization.TokenView;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TokenChipsTest {
    @Test
    void rendersChunkColoursWhitespaceAndTooltips() {
        List<TokenView> tokens = List.of(
                new TokenView(15496, "Hello", "48 65 6C 6C 6F", 0, 5, 0, false),
                new TokenView(995, " world", "20 77 6F 72 6C 64", 5, 11, 1, false),
                new TokenView(198, "\n", "0A", 11, 12, 2, false),
                new TokenView(50256, "<|endoftext|>", "3C", 12, 25, 3, true));
        assertThat(TokenChips.html(tokens)).isEqualTo(
                "<span class=\"tok c0 cs\" data-id=\"15496\" title=\"id 15496 · bytes 48 65 6C 6C 6F · &#39;Hello&#39;\">Hello</span>"
                        + "<span class=\"tok c1 cs\" data-id=\"995\" title=\"id 995 · bytes 20 77 6F 72 6C 64 · &#39; world&#39;\">·world</span>"
                        + "<span class=\"tok c2 cs\" data-id=\"198\" title=\"id 198 · bytes 0A · &#39;\n&#39;\">↵</span><br>"
                        + "<span class=\"tok c3 cs special\" data-id=\"50256\" title=\"id 50256 · bytes 3C · special &#39;&lt;|endoftext|&gt;&#39;\">&lt;|endoftext|&gt;</span>");
    }

    @Test
    void tokensOfOneChunkShareTheColourAndPartialCharactersShowBytes() {
        String html = TokenChips.html(List.of(new TokenView(30325, " \uFFFD", "20 F0 9F 98", 0, 3, 4, false),
                new TokenView(222, "\uFFFD", "80", 1, 3, 4, false)));
        assertThat(html).contains("class=\"tok c4 cs\"", "class=\"tok c4\"", ">‹20 F0 9F 98›<", ">‹80›<");
    }

    @Test
    void escapesMarkup() {
        String html = TokenChips.html(List.of(new TokenView(1, "<script>\"&", "", 0, 1, 0, false)));
        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;&quot;&amp;");
    }

    @Test
    void idsTextIsCappedWithACount() {
        int[] ids = new int[2005];
        assertThat(InspectorPanel.idsText(new int[]{1, 2, 3})).isEqualTo("[1, 2, 3]");
        assertThat(InspectorPanel.idsText(ids)).endsWith(", 0, … 5 more]");
    }
}
