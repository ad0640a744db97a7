package org.llmplayground.training;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Workspace;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainingConfigsTest {
    @TempDir
    Path home;

    private TrainingConfigs configs() {
        return new TrainingConfigs(new Workspace(home.toString()));
    }

    @Test
    void everyBundledConfigIsValidAndTheDefaultIsTheBabyGpt() {
        TrainingConfigs c = configs();
        assertThat(c.list()).extracting(TrainingConfigs.ConfigFile::name)
                .containsExactly("quickstart", "shakespeare-char", "debug", "gpt2-small", "finetune", "sft-demo", "dpo-demo", "reward-demo",
                        "nanogpt-shakespeare-char");
        c.list().forEach(f -> assertThat(c.load(f.name())).as(f.name()).isNotNull());
        TrainingConfig d = c.load("shakespeare-char");
        assertThat(d.model().numLayers()).isEqualTo(4);
        assertThat(d.model().hiddenSize()).isEqualTo(128);
        assertThat(d.training().batchSize()).isEqualTo(16);
        assertThat(d.training().blockSize()).isEqualTo(128);
        // the file spells out every default: parsing it equals the defaults of an empty config
        assertThat(TrainingConfigs.parse("name: shakespeare-char\n").withDefaults().training()).isEqualTo(d.training());
        assertThat(TrainingConfigs.parse("name: shakespeare-char\n").withDefaults().model()).isEqualTo(d.model());
        assertThat(c.load("gpt2-small").modelConfig(50257).layers()).isEqualTo(12);
    }

    @Test
    void unknownKeysAreNamedWithTheKnownOnes() {
        assertThatThrownBy(() -> TrainingConfigs.parse("training:\n  learning_rat: 0.1\n"))
                .isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("Unknown key 'learning_rat' in training. Known keys: batch_size, beta1, beta2, block_size,")
                .hasMessageContaining("learning_rate");
        assertThatThrownBy(() -> TrainingConfigs.parse("optimizer: adam\n"))
                .hasMessage("Unknown key 'optimizer'. Known keys: data, description, dpo, finetune, model, name, reward, sampling, seed, training.");
    }

    @Test
    void wrongTypesNameTheKey() {
        assertThatThrownBy(() -> TrainingConfigs.parse("training:\n  batch_size: many\n"))
                .hasMessage("training.batch_size has the wrong type: expected a whole number, got 'many'.");
        assertThatThrownBy(() -> TrainingConfigs.parse("training:\n  learning_rate: fast\n"))
                .hasMessage("training.learning_rate has the wrong type: expected a number, got 'fast'.");
        assertThatThrownBy(() -> TrainingConfigs.parse("model: 4\n"))
                .hasMessageStartingWith("model has the wrong type");
        assertThatThrownBy(() -> TrainingConfigs.parse("training:\n  batch_size: 1: 2\n"))
                .hasMessageStartingWith("The YAML is malformed at line");
        assertThatThrownBy(() -> TrainingConfigs.parse("  \n")).hasMessage("The config is empty.");
    }

    @Test
    void invalidHyperparametersAreRefusedWithTheFieldNamed() {
        TrainingConfigs c = configs();
        assertThatThrownBy(() -> c.parseAndValidate("training: {learning_rate: 0}"))
                .hasMessage("Invalid training config: training.learning_rate must be greater than 0 and at most 10 (got 0.0).");
        assertThatThrownBy(() -> c.parseAndValidate("training: {learning_rate: -0.001}"))
                .hasMessageContaining("training.learning_rate must be greater than 0");
        assertThatThrownBy(() -> c.parseAndValidate("training: {batch_size: 0}"))
                .hasMessage("Invalid training config: training.batch_size must be between 1 and 65,536 (got 0).");
        assertThatThrownBy(() -> c.parseAndValidate("training: {gradient_accumulation: 0}"))
                .hasMessage("Invalid training config: training.gradient_accumulation must be between 1 and 1,024 (got 0).");
        assertThatThrownBy(() -> c.parseAndValidate("model: {context_length: 64}\ntraining: {block_size: 128}"))
                .hasMessage("Invalid training config: training.block_size (128) is larger than the model's context (model.context_length = 64).");
        assertThatThrownBy(() -> c.parseAndValidate("data: {val_split: last}"))
                .hasMessage("Invalid training config: data.val_split must be segments (seeded, from all over the text) or tail (the last "
                        + "val_fraction, as nanoGPT) (got 'last').");
        assertThat(c.parseAndValidate("data: {val_split: tail}").data().tailSplit()).isTrue();
        assertThatThrownBy(() -> c.parseAndValidate("training: {schedule: step}"))
                .hasMessage("Invalid training config: training.schedule must be cosine, linear or constant (got 'step').");
        assertThatThrownBy(() -> c.parseAndValidate("model: {num_heads: 5}"))
                .hasMessageContaining("model: ");
        // upper bounds: no setting can overflow the step or batch arithmetic
        assertThatThrownBy(() -> c.parseAndValidate("training: {max_steps: 2000000000}"))
                .hasMessage("Invalid training config: training.max_steps must be between 1 and 100,000,000 (got 2,000,000,000).");
        assertThatThrownBy(() -> c.parseAndValidate("model: {context_length: 65536}\ntraining: {batch_size: 65536, block_size: 65536}"))
                .hasMessageContaining("training.batch_size × training.block_size must be at most 16,777,216 tokens a micro-batch "
                        + "(got 65,536 × 65,536 = 4,294,967,296)");
        assertThatThrownBy(() -> c.parseAndValidate("training: {max_steps: 3000000000}"))
                .hasMessage("training.max_steps is out of range: 3000000000 does not fit a whole number (at most 2,147,483,647).");
        assertThatThrownBy(() -> c.parseAndValidate("sampling: {temperature: 1.0e9}"))
                .hasMessageContaining("sampling.temperature must be greater than 0 and at most 100");
    }

    @Test
    void userConfigsAreSavedValidatedListedAndDeleted() {
        TrainingConfigs c = configs();
        c.save("my-run", "description: mine\ntraining: {max_steps: 10}\n");
        assertThat(c.get("my-run").description()).isEqualTo("mine");
        assertThat(c.load("my-run").training().maxSteps()).isEqualTo(10);
        assertThatThrownBy(() -> c.save("my-run", "training: {max_steps: 0}"))
                .hasMessage("Invalid training config: training.max_steps must be between 1 and 100,000,000 (got 0).");
        assertThat(c.load("my-run").training().maxSteps()).isEqualTo(10); // the bad save lost nothing
        assertThatThrownBy(() -> c.save("debug", "seed: 1")).hasMessage("'debug' is a bundled config and cannot be changed; save under another name.");
        assertThatThrownBy(() -> c.save("../evil", "seed: 1")).hasMessageStartingWith("A config name is 1 to 60");
        c.delete("my-run");
        assertThatThrownBy(() -> c.get("my-run")).hasMessageStartingWith("No config named 'my-run'.");
    }
}
