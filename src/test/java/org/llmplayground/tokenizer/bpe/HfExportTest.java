package org.llmplayground.tokenizer.bpe;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Vocabularies trained here, written as tokenizer.json, give the same ids in Hugging Face's Rust implementation as in
 * ours: the trainer's output is a real BPE tokenizer, for each split pattern.
 */
class HfExportTest {
    @ParameterizedTest
    @EnumSource(SplitPattern.class)
    void trainedVocabularyEncodesTheSameInHuggingFace(SplitPattern pattern, @TempDir Path dir) throws Exception {
        String corpus = Files.readString(BpeTrainerTest.SHAKESPEARE, StandardCharsets.UTF_8).substring(0, 30_000);
        BpeModel model = BpeTrainer.train(corpus, pattern.preTokenizer(), 256 + 200, new BpeTrainer.Listener() {
        });
        BpeTokenizer ours = new BpeTokenizer(model, pattern.preTokenizer(), new SpecialTokens(Map.of("<|endoftext|>", 456)));
        Path json = dir.resolve("tokenizer.json");
        Files.writeString(json, HfTokenizerJson.write(ours));
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder().optTokenizerPath(json).optAddSpecialTokens(false)
                .optTruncation(false).optPadding(false).build()) {
            String text = corpus.substring(20_000) + "<|endoftext|>Unseen: naïve 😀 12345 \r\n\r\n  x";
            int[] theirs = Arrays.stream(hf.encode(text).getIds()).mapToInt(l -> (int) l).toArray();
            assertThat(ours.encode(text, true)).containsExactly(theirs);
        }
    }
}
