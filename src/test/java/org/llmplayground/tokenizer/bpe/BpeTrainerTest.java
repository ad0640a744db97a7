package org.llmplayground.tokenizer.bpe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The trainer against minbpe's own algorithm (golden merges from src/test/python/minbpe_reference.py). */
class BpeTrainerTest {
    static final Path SHAKESPEARE = Path.of("data/tinyshakespeare/input.txt");

    static Stream<JsonNode> goldenCases() throws IOException {
        try (InputStream in = BpeTrainerTest.class.getResourceAsStream("/golden/minbpe.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<JsonNode> cases = new ArrayList<>();
            root.forEach(cases::add);
            return cases.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenCases")
    void mergesAndIdsMatchMinbpe(JsonNode golden) throws IOException {
        String text = textOf(golden);
        String pattern = golden.get("pattern").asText();
        List<long[]> merged = new ArrayList<>();
        BpeModel model = BpeTrainer.train(text, SplitPattern.forRegex(pattern), golden.get("vocabSize").asInt(),
                new BpeTrainer.Listener() {
                    @Override
                    public void merged(int rank, int left, int right, int newId, long count) {
                        merged.add(new long[]{left, right, count});
                    }
                });

        List<long[]> expected = new ArrayList<>();
        golden.get("merges").forEach(m -> expected.add(new long[]{m.get(0).asLong(), m.get(1).asLong(), m.get(2).asLong()}));
        assertThat(merged).hasSameSizeAs(expected);
        for (int r = 0; r < expected.size(); r++) {
            assertThat(merged.get(r)).as("merge %d (left, right, count)", r).containsExactly(expected.get(r));
        }
        BpeTokenizer tokenizer = new BpeTokenizer(model, SplitPattern.forRegex(pattern), SpecialTokens.NONE);
        String probe = golden.get("probe").asText();
        int[] ids = tokenizer.encode(probe, false);
        int[] expectedIds = new int[golden.get("probeIds").size()];
        for (int i = 0; i < expectedIds.length; i++) {
            expectedIds[i] = golden.get("probeIds").get(i).asInt();
        }
        assertThat(ids).containsExactly(expectedIds);
        assertThat(tokenizer.decode(ids)).isEqualTo(probe);
        assertThat(tokenizer.decode(tokenizer.encode(text, false))).isEqualTo(text);
    }

    private static String textOf(JsonNode golden) throws IOException {
        String name = golden.get("name").asText();
        if (name.contains("shakespeare")) {
            String all = Files.readString(SHAKESPEARE, StandardCharsets.UTF_8);
            return all.substring(0, golden.get("chars").asInt());
        }
        if (name.equals("wikipedia")) {
            return "aaabdaaabac";
        }
        return "héllo wörld 안녕하세요 안녕 😉😉 naïve café ÀÀÀ 123 4567 ''s 'LL\r\n\r\n\t x".repeat(3);
    }

    @Test
    void minbpeWorkedExample() {
        BpeModel model = BpeTrainer.train("aaabdaaabac", SplitPattern.NONE.preTokenizer(), 256 + 3, new BpeTrainer.Listener() {
        });
        BpeTokenizer tokenizer = new BpeTokenizer(model, SplitPattern.NONE.preTokenizer(), SpecialTokens.NONE);
        assertThat(tokenizer.encode("aaabdaaabac", false)).containsExactly(258, 100, 258, 97, 99);
        assertThat(model.merge(0)).containsExactly(97, 97);
        assertThat(model.merge(1)).containsExactly(256, 97);
        assertThat(model.merge(2)).containsExactly(257, 98);
        assertThat(new String(model.bytesOf(258), StandardCharsets.UTF_8)).isEqualTo("aaab");
    }

    @Test
    void stopsEarlyWhenNothingIsLeftToMerge() {
        BpeModel model = BpeTrainer.train("abab", SplitPattern.NONE.preTokenizer(), 1000, new BpeTrainer.Listener() {
        });
        // (a,b) 2× → 256, giving [256 256]; (256,256) 1× → 257; one token is left and nothing can merge
        assertThat(model.mergeCount()).isEqualTo(2);
        assertThat(new String(model.bytesOf(257), StandardCharsets.UTF_8)).isEqualTo("abab");
    }

    @Test
    void cancelStopsTraining() {
        assertThatThrownBy(() -> BpeTrainer.train("the cat sat on the mat", SplitPattern.GPT2.preTokenizer(), 300,
                new BpeTrainer.Listener() {
                    @Override
                    public boolean isCancelled() {
                        return true;
                    }
                })).isInstanceOf(BpeTrainer.CancelledException.class);
    }

    @Test
    void overlappingPairsAreCountedLikeMinbpe() {
        // "aaaa": pairs (a,a) ×3 → merge to [256 256]; then (256,256) ×1
        List<long[]> merged = new ArrayList<>();
        BpeTrainer.train("aaaa", SplitPattern.NONE.preTokenizer(), 258, new BpeTrainer.Listener() {
            @Override
            public void merged(int rank, int left, int right, int newId, long count) {
                merged.add(new long[]{left, right, count});
            }
        });
        assertThat(merged.get(0)).containsExactly(97, 97, 3);
        assertThat(merged.get(1)).containsExactly(256, 256, 1);
    }
}
