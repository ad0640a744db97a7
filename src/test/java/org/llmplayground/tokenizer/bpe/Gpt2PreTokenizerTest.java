package org.llmplayground.tokenizer.bpe;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written GPT-2 splitter gives the same chunks as the regex it replaces. */
class Gpt2PreTokenizerTest {
    static final PreTokenizer FAST = new Gpt2PreTokenizer();
    static final PreTokenizer REGEX = new RegexPreTokenizer(SplitPattern.GPT2.regex());

    static List<String> chunks(PreTokenizer p, String text) {
        List<String> out = new ArrayList<>();
        p.split(text, 0, text.length(), (s, e) -> out.add(text.substring(s, e)));
        return out;
    }

    @Test
    void examples() {
        assertThat(chunks(FAST, "I'm  42!")).containsExactly("I", "'m", " ", " 42", "!");
        assertThat(chunks(FAST, "a   b")).containsExactly("a", "  ", " b");
        assertThat(chunks(FAST, "Hello world!!\n\n x")).containsExactly("Hello", " world", "!!", "\n\n", " x");
        assertThat(chunks(FAST, "trailing   ")).containsExactly("trailing", "   ");
    }

    @Test
    void sameChunksOnRealText() throws IOException {
        for (Path p : List.of(BpeTrainerTest.SHAKESPEARE, Path.of("src/test/resources/corpus/varied.txt"))) {
            String text = Files.readString(p, StandardCharsets.UTF_8);
            assertThat(chunks(FAST, text)).isEqualTo(chunks(REGEX, text));
        }
    }

    @Property(tries = 3000)
    void sameChunksOnRandomText(@ForAll("awkwardText") String text) {
        assertThat(chunks(FAST, text)).isEqualTo(chunks(REGEX, text));
    }

    @Provide
    Arbitrary<String> awkwardText() {
        // letters, digits, apostrophes and contraction letters, all sorts of whitespace, punctuation, non-BMP
        Arbitrary<String> pieces = Arbitraries.of("a", "Z", "é", "ß", "字", "ٴ", "5", "٣", "½", "Ⅻ", "'", "s", "t", "l", "v", "e",
                "r", "d", "m", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u2003", "\u3000", "\u0085", "\u001c", "\u200b",
                "!", "?", "...", "<|", "|>", "😀", "👍🏽", "\uD83D", "-", "_", "\u0301");
        return pieces.list().ofMaxSize(30).map(l -> String.join("", l));
    }
}
