package org.llmplayground.finetune;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.core.Workspace;
import org.llmplayground.model.io.SafetensorsFile;
import org.llmplayground.model.nn.Quantized;
import org.llmplayground.support.TestApp;
import org.llmplayground.training.Checkpoints;
import org.llmplayground.training.TrainingChecks;
import org.llmplayground.training.TrainingConfig;
import org.llmplayground.training.TrainingQueries;
import org.llmplayground.training.TrainingRun;
import org.llmplayground.training.TrainingService;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A fine-tuning run is a training run: queued as a job, metrics in H2, checkpoints with the adapters in them, resumed
 * from a checkpoint with its adapters and optimizer moments, and, when it ends, LoRA adapters in PEFT's layout.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FineTuneRunTest implements TestPropertyProvider {
    @Inject
    TrainingService service;
    @Inject
    TrainingChecks checks;
    @Inject
    TrainingQueries queries;
    @Inject
    Workspace workspace;
    @Inject
    FineTuneService finetune;

    @Override
    public Map<String, String> getProperties() {
        return TestApp.freshWorkspace("finetune-runs");
    }

    static String shortDemo(int steps) throws Exception {
        return org.llmplayground.training.TestRuns.shortened("configs/sft-demo.yaml", steps, 3);
    }

    TrainingRun await(String id, Predicate<TrainingRun> done) throws InterruptedException {
        return org.llmplayground.training.TestRuns.await(queries, id, done);
    }

    @Test
    void aLoraRunTrainsChecksResumesAndLeavesPeftAdapters() throws Exception {
        TrainingRun run = await(service.start(checks.resolve(null, shortDemo(20), "lora demo")).id(), r -> !r.state().isActive());
        assertThat(run.state()).as(run.message()).isEqualTo(TrainingRun.State.FINISHED);
        assertThat(run.configYaml()).contains("finetune:", "method: lora", "rank: 16");
        assertThat(run.bestValLoss()).isNotNull();
        // the samples are the answers to three fixed validation instructions, one line each
        List<org.llmplayground.training.Trainer.Sample> samples = queries.history(run.id(), 1000).samples();
        assertThat(samples).extracting(org.llmplayground.training.Trainer.Sample::step).contains(10, 20);
        assertThat(samples.get(0).text().split("\n")).hasSize(FineTuneRuns.SAMPLE_PROMPTS)
                .allSatisfy(line -> assertThat(line).contains(" → "));
        List<Checkpoints.Saved> saved = queries.checkpoints(run.id());
        assertThat(saved).isNotEmpty();
        try (SafetensorsFile last = SafetensorsFile.open(Path.of(saved.get(saved.size() - 1).path()).resolve("model.safetensors"))) {
            assertThat(last.has("layers.0.attn.qkv.lora_A.weight")).isTrue(); // the adapters travel with the checkpoint
            assertThat(last.has("layers.3.ffn.down.lora_B.weight")).isTrue();
            assertThat(last.has("tok_emb.weight")).isTrue();
        }
        Path adapter = workspace.dir("runs").resolve(run.id()).resolve(FineTuneRuns.ADAPTER_DIR);
        assertThat(Files.readString(adapter.resolve(PeftAdapters.CONFIG))).contains("\"r\" : 16", "\"lora_alpha\" : 32", "c_attn");
        assertThat(Files.readString(adapter.resolve(FineTuneRuns.ABOUT))).contains("\"base\" : \"shakespeare-char\"", "\"dataset\" : \"sft-demo\"");
        // resume from the checkpoint at step 10 with more steps: the adapters and their moments come back
        TrainingRun more = await(service.resumeFrom(run.id(), 10, 30).id(), r -> !r.state().isActive());
        assertThat(more.state()).as(more.message()).isEqualTo(TrainingRun.State.FINISHED);
        assertThat(more.step()).isEqualTo(30);
    }

    @Test
    void aQloraRunTrainsOnABaseHeldAsQ4_0AndResumes() throws Exception {
        String yaml = shortDemo(20).replace("method: lora", "method: qlora\n  quantization: q4_0");
        TrainingRun run = await(service.start(checks.resolve(null, yaml, "qlora demo")).id(), r -> !r.state().isActive());
        assertThat(run.state()).as(run.message()).isEqualTo(TrainingRun.State.FINISHED);
        List<Checkpoints.Saved> saved = queries.checkpoints(run.id());
        var base = Checkpoints.readModel(Path.of("models/shakespeare-char")).get("layers.1.ffn.up.weight");
        try (SafetensorsFile last = SafetensorsFile.open(Path.of(saved.get(saved.size() - 1).path()).resolve("model.safetensors"))) {
            // the frozen base the run used is the bundled one through Q4_0: saved dequantized, code for code
            int rows = (int) base.shape()[0];
            int cols = (int) base.shape()[1];
            float[] expected = Quantized.dequantize(Quantized.quantize(base.data(), rows, cols, Quantized.Scheme.Q4_0), rows, cols,
                    Quantized.Scheme.Q4_0);
            assertThat(last.tensor("layers.1.ffn.up.weight").data()).containsExactly(expected);
            assertThat(last.has("layers.1.ffn.up.lora_B.weight")).isTrue();
        }
        Path adapter = workspace.dir("runs").resolve(run.id()).resolve(FineTuneRuns.ADAPTER_DIR);
        assertThat(Files.readString(adapter.resolve(FineTuneRuns.ABOUT))).contains("\"method\" : \"qlora\"", "\"quantization\" : \"q4_0\"");
        // compared on a quantized copy of the base, as it trained; the shared base model stays float
        FineTuneService.Comparison c = finetune.compare(run.id(), "test", null, 7);
        assertThat(c.base().n()).isEqualTo(7);
        assertThat(c.base().accuracy()).isZero();
        assertThat(finetune.adapters()).anySatisfy(a -> assertThat(a.method()).isEqualTo("qlora"));
        TrainingRun more = await(service.resumeFrom(run.id(), 10, 25).id(), r -> !r.state().isActive());
        assertThat(more.state()).as(more.message()).isEqualTo(TrainingRun.State.FINISHED);
        assertThat(more.step()).isEqualTo(25);
        assertThatThrownBy(() -> service.start(checks.resolve(null, shortDemo(5).replace("method: lora", "method: qlora\n  quantization: nf4"), "nf4")))
                .hasMessageContaining("finetune.quantization must be int8 or q4_0 (got 'nf4').");
        assertThatThrownBy(() -> service.start(checks.resolve(null, shortDemo(5).replace("method: lora", "method: lora\n  quantization: int8"), "int8 lora")))
                .hasMessageContaining("finetune.quantization is for method qlora (the base held in fewer bits); this run's method is lora.");
    }

    @Inject
    org.llmplayground.model.ModelService models;

    /**
     * Real instruction data on an imported Hugging Face GPT-2 folder (the golden gpt2-mini: GPT-2's architecture and
     * its 50,257-token vocabulary): the base, its tokenizer and the Alpaca template come from the import; the
     * validation loss falls.
     */
    @Test
    void alpacaOnAnImportedGpt2FolderLowersTheValidationLoss() throws Exception {
        Path folder = models.importsFolder().resolve("gpt2-mini");
        Files.createDirectories(folder);
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.copy(Path.of("models/gpt2-mini").resolve(f), folder.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        models.importWeights("gpt2-mini");
        assertThat(finetune.bases()).extracting(FineTuneService.Base::id).contains("shakespeare-char", "import-gpt2-mini");
        TrainingConfig.FineTune f = new TrainingConfig.FineTune("alpaca", "alpaca", "lora", 8, 16.0, 0.0, List.of("qkv", "o"),
                List.of(), false, null);
        TrainingConfig c = finetune.configFor("import-gpt2-mini", f, 40);
        assertThat(c.data().tokenizer()).isEqualTo("gpt2");
        assertThat(c.training().initFrom()).isEqualTo("import-gpt2-mini");
        c = c.with(c.training().toBuilder().batchSize(4).blockSize(128).evalInterval(10).learningRate(3e-3).build());
        TrainingRun run = await(finetune.start(c).id(), r -> !r.state().isActive());
        assertThat(run.state()).as(run.message()).isEqualTo(TrainingRun.State.FINISHED);
        var evals = queries.history(run.id(), 100).evals();
        assertThat(evals).hasSizeGreaterThanOrEqualTo(4);
        assertThat(evals.get(evals.size() - 1).valLoss()).as("val loss at the end vs at step 10").isLessThan(evals.get(0).valLoss());
        Path adapter = workspace.dir("runs").resolve(run.id()).resolve(FineTuneRuns.ADAPTER_DIR);
        assertThat(Files.readString(adapter.resolve(PeftAdapters.CONFIG))).contains("c_attn", "\"base_model_name_or_path\" : \"import-gpt2-mini\"");
    }

    @Test
    void badFineTuningSettingsAreRefusedBeforeTheRunStarts() throws Exception {
        assertThatThrownBy(() -> service.start(checks.resolve(null, shortDemo(5).replace("rank: 16", "rank: 0"), "bad rank")))
                .hasMessageContaining("finetune.rank must be between 1 and 1,024 (got 0).");
        assertThatThrownBy(() -> service.start(checks.resolve(null, shortDemo(5).replace("  init_from: shakespeare-char\n", ""), "no base")))
                .hasMessageContaining("finetune needs training.init_from: the base model to fine-tune (e.g. shakespeare-char).");
        // a target the model lacks fails the run (the network is known once its weights load) with the reason
        TrainingRun gate = await(service.start(checks.resolve(null, shortDemo(5).replace("targets: [qkv, o, up, down]", "targets: [gate]"),
                "gate")).id(), r -> !r.state().isActive());
        assertThat(gate.state()).isEqualTo(TrainingRun.State.FAILED);
        assertThat(gate.message()).isEqualTo("LoRA target 'gate' needs a gated (SwiGLU) feed-forward; this model's is gelu "
                + "(adapt up and down instead).");
        // Alpaca's "###" cannot be written with Shakespeare's characters: the template does not fit the base's vocabulary
        TrainingRun alpaca = await(service.start(checks.resolve(null, shortDemo(5).replace("template: plain", "template: alpaca"),
                "alpaca on chars")).id(), r -> !r.state().isActive());
        assertThat(alpaca.state()).isEqualTo(TrainingRun.State.FAILED);
        assertThat(alpaca.message()).isEqualTo("The character '#' (U+23) is not in this model's vocabulary of 65 characters.");
    }

    @Test
    void examplesLongerThanTheBlockAreCountedNeverCutInTheReply() {
        SftEncoder enc = new SftEncoder(org.llmplayground.generation.chat.ChatTemplate.PLAIN, t -> t.chars().toArray(), null, 40, false);
        List<SftExample> examples = List.of(
                new SftExample(null, List.of(org.llmplayground.generation.chat.ChatMessage.user("short")), "", "ok", "line 1"),
                new SftExample(null, List.of(org.llmplayground.generation.chat.ChatMessage.user("a much longer question than fits")), "", "yes", "line 2"),
                new SftExample(null, List.of(org.llmplayground.generation.chat.ChatMessage.user("q")), "", "x".repeat(60), "line 3"));
        FineTuneRuns.Encoded e = FineTuneRuns.encode(enc, examples, "training", 40);
        assertThat(e.examples()).hasSize(2);
        assertThat(e.leftOut()).isEqualTo(1);
        assertThat(e.cut()).isEqualTo(1);
        assertThat(e.describe()).isEqualTo(" (1 left out: reply longer than the block; 1 prompts cut from their start)");
        assertThatThrownBy(() -> FineTuneRuns.encode(enc, examples.subList(2, 3), "validation", 40))
                .hasMessage("None of the 1 validation examples fits: every reply is longer than the 40 tokens of training.block_size. "
                        + "Raise block_size (up to the model's context) or use shorter examples.");
    }
}
