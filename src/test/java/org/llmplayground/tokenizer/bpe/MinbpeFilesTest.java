package org.llmplayground.tokenizer.bpe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MinbpeFilesTest {
    static final String LLAMA = "The llama (/ˈlɑːmə/; Spanish pronunciation: [ˈʎama]) is a domesticated South American camelid, "
            + "widely used as a meat and pack animal by Andean cultures since the pre-Columbian era. Llamas are social animals.";

    static BpeTokenizer trained(SplitPattern pattern, Map<String, Integer> specials) {
        BpeModel model = BpeTrainer.train(LLAMA, pattern.preTokenizer(), 256 + 64, new BpeTrainer.Listener() {
        });
        return new BpeTokenizer(model, pattern.preTokenizer(), new SpecialTokens(specials));
    }

    @Test
    void saveAndLoadGiveTheSameTokenizer(@TempDir Path dir) throws Exception {
        BpeTokenizer original = trained(SplitPattern.GPT4, Map.of("<|endoftext|>", 320, "<|pad|>", 321));
        MinbpeFiles.save(original, dir.resolve("llama"));
        BpeTokenizer loaded = MinbpeFiles.load(dir.resolve("llama.model"));
        String text = LLAMA + "<|endoftext|>next<|pad|>";
        assertThat(loaded.encode(text, true)).containsExactly(original.encode(text, true));
        assertThat(loaded.decode(loaded.encode(text, true))).isEqualTo(text);
        assertThat(loaded.vocabSize()).isEqualTo(322);
        assertThat(loaded.preTokenizer().pattern()).isEqualTo(SplitPattern.GPT4.regex());
    }

    @Test
    void modelFileIsMinbpesFormat() {
        BpeTokenizer t = trained(SplitPattern.GPT2, Map.of("<|endoftext|>", 320));
        String[] lines = MinbpeFiles.modelText(t).split("\n");
        assertThat(lines[0]).isEqualTo("minbpe v1");
        assertThat(lines[1]).isEqualTo(SplitPattern.GPT2.regex());
        assertThat(lines[2]).isEqualTo("1");
        assertThat(lines[3]).isEqualTo("<|endoftext|> 320");
        assertThat(lines).hasSize(4 + 64);
        int[] first = t.model().merge(0);
        assertThat(lines[4]).isEqualTo(first[0] + " " + first[1]);
    }

    @Test
    void vocabFileShowsMergesForPeople() {
        String vocab = MinbpeFiles.vocabText(trained(SplitPattern.NONE, Map.of()));
        assertThat(vocab).startsWith("[\\u0000] 0\n");
        assertThat(vocab).contains("[a] 97\n");
        assertThat(vocab.lines().filter(l -> l.contains("] -> [")).count()).isEqualTo(64);
    }

    @Test
    void malformedModelFilesAreRefusedWithTheLine(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> MinbpeFiles.parse("hello\n")).hasMessage("Not a minbpe model file: the first line must be 'minbpe v1'");
        assertThatThrownBy(() -> MinbpeFiles.parse("minbpe v1\n\nx\n")).hasMessage("Line 3: expected the number of special tokens, got 'x'");
        assertThatThrownBy(() -> MinbpeFiles.parse("minbpe v1\n\n0\n97 97\n97\n")).hasMessage("Line 5: expected a merge '<id> <id>', got '97'");
        assertThatThrownBy(() -> MinbpeFiles.parse("minbpe v1\n\n0\n97 999\n")).hasMessage("Merge 0 uses token 999 before it exists");
        assertThatThrownBy(() -> MinbpeFiles.parse("minbpe v1\n\n1\n<|x|> 3\n")).hasMessageContaining("collides with a BPE token");
        Files.writeString(dir.resolve("bad.model"), "minbpe v1\n[unclosed(\n0\n");
        assertThatThrownBy(() -> MinbpeFiles.load(dir.resolve("bad.model"))).hasMessageStartingWith("Invalid split pattern");
    }
}
