package org.llmplayground.corpus;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PreCleanerTest {
    final PreCleaner cleaner = new PreCleaner();

    @Test
    void removesHtmlKeepsTextAndLineBreaks() {
        PreCleaner.Result r = cleaner.clean("<p>Hi <b>there</b> &amp; you</p><script>evil()</script><p>Bye</p>",
                new PreCleaner.Options(true, false, false));
        assertThat(r.text()).isEqualTo("Hi there & you\nBye\n");
        assertThat(r.changes()).containsExactly("HTML removal: 65 → 19 characters");
    }

    @Test
    void nfkcFoldsCompatibilityForms() {
        assertThat(cleaner.clean("ﬁ Ｈｉ e\u0301 ①", new PreCleaner.Options(false, true, false)).text()).isEqualTo("fi Hi é 1");
    }

    @Test
    void whitespaceIsNormalized() {
        assertThat(cleaner.clean("  a \t  b  \r\n\r\n\r\n\r\nc\u00a0\u00a0d  ", new PreCleaner.Options(false, false, true)).text())
                .isEqualTo("a b\n\nc d");
    }

    @Test
    void textWithoutMarkupIsUntouchedAndReportsNoChange() {
        PreCleaner.Result r = cleaner.clean("plain text", PreCleaner.Options.ALL);
        assertThat(r.text()).isEqualTo("plain text");
        assertThat(r.changes()).isEmpty();
    }
}
