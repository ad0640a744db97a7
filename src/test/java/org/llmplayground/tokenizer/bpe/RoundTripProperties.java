package org.llmplayground.tokenizer.bpe;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** decode(encode(s)) == s for any Unicode text, for GPT-2 and for vocabularies trained with each split pattern. */
class RoundTripProperties {
    static final BpeTokenizer GPT2 = load();
    static final BpeTokenizer TRAINED_GPT4 = MinbpeFilesTest.trained(SplitPattern.GPT4, Map.of("<|endoftext|>", 320));
    static final BpeTokenizer TRAINED_NONE = MinbpeFilesTest.trained(SplitPattern.NONE, Map.of());

    static BpeTokenizer load() {
        try {
            return Gpt2ReferenceTest.loadGpt2();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Property(tries = 2000)
    void gpt2RoundTrips(@ForAll("unicodeText") String s) {
        assertThat(GPT2.decode(GPT2.encode(s, true))).isEqualTo(s);
        assertThat(GPT2.decode(GPT2.encode(s, false))).isEqualTo(s);
    }

    @Property(tries = 1000)
    void trainedTokenizersRoundTrip(@ForAll("unicodeText") String s) {
        assertThat(TRAINED_GPT4.decode(TRAINED_GPT4.encode(s, true))).isEqualTo(s);
        assertThat(TRAINED_NONE.decode(TRAINED_NONE.encode(s, false))).isEqualTo(s);
    }

    @Property(tries = 500)
    void detailedTokensCoverTheTextInOrder(@ForAll("unicodeText") String s) {
        int[] ids = GPT2.encode(s, true);
        int[] n = {0};
        int[] lastEnd = {0};
        GPT2.encodeDetailed(s, true, (id, start, end, chunk, special) -> {
            assertThat(id).isEqualTo(ids[n[0]++]);
            assertThat(start).isBetween(0, s.length());
            assertThat(end).isGreaterThan(start).isLessThanOrEqualTo(s.length());
            assertThat(start).isLessThanOrEqualTo(lastEnd[0]); // no gaps; partial characters may overlap
            lastEnd[0] = Math.max(lastEnd[0], end);
        });
        assertThat(n[0]).isEqualTo(ids.length);
        assertThat(lastEnd[0]).isEqualTo(s.length());
    }

    /** Valid Unicode (no lone surrogates) from all planes, with extra whitespace, digits and special tokens. */
    @Provide
    Arbitrary<String> unicodeText() {
        Arbitrary<String> codePoint = Arbitraries.integers().between(0, Character.MAX_CODE_POINT)
                .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE).map(Character::toString);
        Arbitrary<String> common = Arbitraries.of(" ", "  ", "\n", "\t", "e", "the", "'s", "123", "😀", "<|endoftext|>", "é");
        return Arbitraries.oneOf(codePoint, common).list().ofMaxSize(40).map(l -> String.join("", l));
    }
}
