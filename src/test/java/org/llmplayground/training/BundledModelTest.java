package org.llmplayground.training;

import ai.djl.Device;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmplayground.model.CharVocabulary;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The bundled shakespeare-char model is what its card says: its weights reproduce the val loss recorded when it was saved. */
class BundledModelTest {
    static final Path MODEL = Path.of("models/shakespeare-char");

    @Test
    void itsWeightsReproduceTheRecordedValidationLoss(@TempDir Path dir) throws Exception {
        Checkpoints.Meta meta = Checkpoints.readMeta(MODEL);
        TrainingConfig config = TrainingConfigs.parse(meta.configYaml()).withDefaults();
        assertThat(config).isEqualTo(TrainingConfigs.parse(Files.readString(Path.of("configs/shakespeare-char.yaml"))).withDefaults());
        String text = Files.readString(TestRuns.SHAKESPEARE, StandardCharsets.UTF_8);
        assertThat(TrainingData.sha256(text)).isEqualTo(meta.dataHash());
        CharVocabulary vocab = new CharVocabulary(meta.tokenizer().chars());
        Path tokens = TokenDataset.write(vocab.encode(text), vocab.vocabSize(), dir);
        try (PreparedRun run = PreparedRun.create(config, vocab, tokens, meta.dataHash(), "check", dir, Device.cpu())) {
            run.restore(MODEL);
            assertThat(run.startStep()).isEqualTo(5000);
            Trainer.EvalMetrics e = run.trainer(new TestRuns.Recorder(), new TestRuns.Recorder()).evaluate(5000);
            assertThat(e.valLoss()).isCloseTo(meta.valLoss(), within(1e-5)).isLessThan(1.6); // uniform guessing: ln 65 = 4.17
            assertThat(e.trainLoss()).isCloseTo(meta.trainLoss(), within(1e-5));
        }
    }
}
