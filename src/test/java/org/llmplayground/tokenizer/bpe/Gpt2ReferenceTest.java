package org.llmplayground.tokenizer.bpe;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our GPT-2 tokenizer (encoder.json + vocab.bpe in our own BPE) against two independent implementations: jtokkit's
 * r50k_base (tiktoken's GPT-2 encoding in Java) and Hugging Face's Rust tokenizers (through DJL) running a
 * tokenizer.json of the same vocabulary. Same ids, token for token, on Shakespeare and a corpus of awkward text.
 */
class Gpt2ReferenceTest {
    static BpeTokenizer ours;
    static Encoding r50k;
    static HuggingFaceTokenizer hf;

    @BeforeAll
    static void load(@TempDir Path tmp) throws IOException {
        ours = loadGpt2();
        r50k = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
        Path json = tmp.resolve("tokenizer.json");
        Files.writeString(json, HfTokenizerJson.write(ours));
        hf = HuggingFaceTokenizer.builder().optTokenizerPath(json).optAddSpecialTokens(false)
                .optTruncation(false).optPadding(false).build();
    }

    @AfterAll
    static void close() {
        hf.close();
    }

    static BpeTokenizer loadGpt2() throws IOException {
        Path dir = Path.of("data/gpt2-tokenizer");
        return Gpt2Files.load(Files.readString(dir.resolve("encoder.json")), Files.readString(dir.resolve("vocab.bpe")));
    }

    static Stream<String> variedLines() throws IOException {
        return Files.readString(Path.of("src/test/resources/corpus/varied.txt"), StandardCharsets.UTF_8).lines();
    }

    @Test
    void vocabularyIsGpt2s() {
        assertThat(ours.vocabSize()).isEqualTo(50257);
        assertThat(ours.model().mergeCount()).isEqualTo(50000);
        assertThat(ours.specials().asMap()).containsExactly(java.util.Map.entry("<|endoftext|>", 50256));
        assertThat(ours.encode("Hello world", false)).containsExactly(15496, 995);
    }

    @Test
    void wholeShakespeareMatchesJtokkitAndHuggingFace() throws IOException {
        String text = Files.readString(BpeTrainerTest.SHAKESPEARE, StandardCharsets.UTF_8);
        int[] ids = ours.encode(text, true);
        assertSameIds(ids, r50k.encodeOrdinary(text).toArray(), "jtokkit r50k_base", text);
        assertSameIds(ids, toInts(hf.encode(text).getIds()), "HF tokenizers", text);
        assertThat(ids).hasSize(338025);
    }

    @ParameterizedTest
    @MethodSource("variedLines")
    void awkwardTextMatchesJtokkit(String line) {
        assertSameIds(ours.encode(line, false), r50k.encodeOrdinary(line).toArray(), "jtokkit r50k_base", line);
    }

    @ParameterizedTest
    @MethodSource("variedLines")
    void awkwardTextMatchesHuggingFace(String line) {
        // HF always treats added tokens such as <|endoftext|> as special, so compare with special tokens allowed
        assertSameIds(ours.encode(line, true), toInts(hf.encode(line).getIds()), "HF tokenizers", line);
    }

    @Test
    void wholeVariedFileMatchesBothIncludingNewlineRuns() throws IOException {
        String text = Files.readString(Path.of("src/test/resources/corpus/varied.txt"), StandardCharsets.UTF_8);
        assertSameIds(ours.encode(text, false), r50k.encodeOrdinary(text).toArray(), "jtokkit r50k_base", text);
        assertSameIds(ours.encode(text, true), toInts(hf.encode(text).getIds()), "HF tokenizers", text);
    }

    @ParameterizedTest
    @MethodSource("variedLines")
    void decodeInvertsEncode(String line) {
        assertThat(ours.decode(ours.encode(line, true))).isEqualTo(line);
        assertThat(ours.decode(ours.encode(line, false))).isEqualTo(line);
    }

    @Test
    void specialTokenOnlyWhenAllowed() {
        assertThat(ours.encode("a<|endoftext|>b", true)).containsExactly(64, 50256, 65);
        assertThat(ours.encode("a<|endoftext|>b", false)).containsExactly(r50k.encodeOrdinary("a<|endoftext|>b").toArray());
    }

    static int[] toInts(long[] ids) {
        return Arrays.stream(ids).mapToInt(l -> (int) l).toArray();
    }

    static void assertSameIds(int[] actual, int[] expected, String reference, String text) {
        int n = Math.min(actual.length, expected.length);
        for (int i = 0; i < n; i++) {
            if (actual[i] != expected[i]) {
                int from = Math.max(0, i - 3);
                throw new AssertionError("First difference from " + reference + " at token " + i + ": ours "
                        + Arrays.toString(Arrays.copyOfRange(actual, from, Math.min(actual.length, i + 4))) + " vs "
                        + Arrays.toString(Arrays.copyOfRange(expected, from, Math.min(expected.length, i + 4)))
                        + " in text starting " + text.substring(0, Math.min(80, text.length())));
            }
        }
        assertThat(actual.length).as("token count vs " + reference).isEqualTo(expected.length);
    }
}
