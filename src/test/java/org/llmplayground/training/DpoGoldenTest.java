package org.llmplayground.training;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmplayground.model.io.ImportedWeights;
import org.llmplayground.model.io.SafetensorsFile;
import org.llmplayground.model.io.WeightFormats;
import org.llmplayground.model.nn.Lora;
import org.llmplayground.model.nn.Transformer;
import org.llmplayground.preference.DpoLoss;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * DPO through the training engine against TRL 1.13's own DPOTrainer (src/test/resources/golden/dpo; its README gives
 * the setup): gpt2-mini with a LoRA policy (r 8, α 16 on c_attn, TRL's initial adapter), the reference = the same
 * model with the adapter switched off, eight pairs of LLaMA-Factory's dpo_en_demo through the plain template, rows cut
 * to 640 tokens keeping the start, sigmoid loss with β 0.1, AdamW at a constant 1e-3 without clipping, three steps.
 * Each step's loss, rewards/chosen, rewards/rejected, rewards/margins, rewards/accuracies, logps/chosen and
 * logps/rejected match within the README's tolerances (loss 5e-4, rewards 2e-3, logps 2e-2, accuracies exact); the
 * base weights do not change. The engine runs one pair per micro-batch (8 micro-batches a step) where TRL runs the
 * eight at once: the mean loss and its gradient are the same, the memory a sixteenth.
 */
class DpoGoldenTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/dpo");
    static final Path MINI = Path.of("models/gpt2-mini");
    static final int PAIRS = 8;
    static final int MAX_LENGTH = 640;
    static final String CONFIG = """
            seed: 0
            model: {num_layers: 2, hidden_size: 64, num_heads: 4, context_length: 1024, vocab_size: 50257, ffn_expansion: 4,
                    position_encoding: learned, activation: gelu_tanh, norm: layer_norm, norm_placement: pre, bias: true,
                    tie_embeddings: true, dropout: 0}
            training: {batch_size: 1, block_size: 640, gradient_accumulation: 8, learning_rate: 1.0e-3, min_learning_rate: 1.0e-3,
                       schedule: constant, warmup_steps: 0, max_steps: 3, weight_decay: 0, beta1: 0.9, beta2: 0.999, grad_clip: 0,
                       eval_interval: 1000, eval_batches: 1, save_interval: 1000}
            sampling: {interval: 1000, length: 1}
            """;

    /** One pair as two rows (chosen, rejected): prompt + answer cut to 640 tokens, targets on the kept answer tokens. */
    record Rows(long[][] ids, long[][] targets, int width) {
    }

    static List<Rows> pairs(JsonNode tokenized) {
        List<Rows> out = new ArrayList<>();
        for (JsonNode t : tokenized) {
            long[][] ids = new long[2][];
            long[][] targets = new long[2][];
            int width = 0;
            for (int side = 0; side < 2; side++) {
                List<Long> row = new ArrayList<>();
                t.get("prompt_ids").forEach(v -> row.add(v.asLong()));
                int promptLength = row.size();
                t.get(side == 0 ? "chosen_ids" : "rejected_ids").forEach(v -> row.add(v.asLong()));
                int length = Math.min(MAX_LENGTH, row.size()); // truncation_mode keep_start
                ids[side] = row.subList(0, length).stream().mapToLong(Long::longValue).toArray();
                targets[side] = new long[length];
                for (int i = 0; i < length; i++) { // position i predicts token i + 1 when that token is part of the answer
                    targets[side][i] = i + 1 < length && i + 1 >= promptLength ? ids[side][i + 1] : -1;
                }
                width = Math.max(width, length);
            }
            out.add(new Rows(ids, targets, width));
        }
        return out;
    }

    /** Micro-batch m of every step is pair m: [chosen; rejected], right-padded with 50256 and masked. */
    static Trainer.Batches batches(List<Rows> pairs) {
        return new Trainer.Batches() {
            float[] padding;

            @Override
            public int width(int step, int micro) {
                return pairs.get(micro).width();
            }

            @Override
            public int rowsPerBatch(int batchSize) {
                return 2 * batchSize; // batch_size counts pairs
            }

            @Override
            public void fill(int step, int micro, long[] x, long[] y) {
                Rows r = pairs.get(micro);
                padding = new float[x.length];
                Arrays.fill(x, 50256);
                Arrays.fill(y, -1);
                for (int side = 0; side < 2; side++) {
                    System.arraycopy(r.ids()[side], 0, x, side * r.width(), r.ids()[side].length);
                    System.arraycopy(r.targets()[side], 0, y, side * r.width(), r.targets()[side].length);
                    Arrays.fill(padding, side * r.width(), side * r.width() + r.ids()[side].length, 1f);
                }
            }

            @Override
            public float[] padding() {
                return padding;
            }
        };
    }

    @Test
    void threeDpoStepsMatchTrl(@TempDir Path dir) throws Exception {
        JsonNode golden = new ObjectMapper().readTree(GOLDEN.resolve("steps.json").toFile());
        List<Rows> pairs = pairs(golden.get("tokenized"));
        assertThat(pairs).hasSize(PAIRS);
        ImportedWeights base = WeightFormats.read(MINI);
        TrainingConfig config = TestRuns.parse(CONFIG);
        // the token file only serves the loop's end-of-run evaluation; the steps train on the golden pairs
        int[] corpus = pairs.stream().flatMap(p -> Arrays.stream(p.ids())).flatMapToLong(Arrays::stream).mapToInt(v -> (int) v).toArray();
        Path tokens = TokenDataset.write(corpus, 50257, Files.createDirectories(dir));
        try (PreparedRun run = PreparedRun.create(config, new org.llmplayground.model.ModelTokenizer() {
            @Override
            public org.llmplayground.model.TokenizerSpec spec() {
                return org.llmplayground.model.TokenizerSpec.lab("gpt2");
            }

            @Override
            public int vocabSize() {
                return 50257;
            }

            @Override
            public int[] encode(String text) {
                throw new UnsupportedOperationException("the golden batch comes as ids");
            }

            @Override
            public String decode(int[] ids) {
                return "";
            }
        }, tokens, "test", "test-run", dir, ai.djl.Device.cpu())) {
            run.load(base.tensors());
            Lora lora = run.attachLora(new Lora.Spec(8, 16, 0, Set.of("qkv"), Set.of()));
            try (SafetensorsFile init = SafetensorsFile.open(GOLDEN.resolve("initial_adapter.safetensors"))) {
                for (int i = 0; i < 2; i++) {
                    Lora.Adapter a = lora.adapters().get("layers." + i + ".attn.qkv");
                    a.a().getArray().set(init.tensor(LoraGoldenTest.peft(i, "A")).data());
                    a.b().getArray().set(init.tensor(LoraGoldenTest.peft(i, "B")).data());
                }
            }
            Map<String, float[]> before = new HashMap<>();
            for (Pair<String, Parameter> p : run.network().getParameters()) {
                before.put(p.getKey(), p.getValue().getArray().toFloatArray());
            }
            TestRuns.Recorder r = new TestRuns.Recorder();
            List<Map<String, Double>> measured = r.measured;
            Trainer.Outcome outcome = run.trainer(r, r).withBatches(batches(pairs)).withEvalBatches(batches(pairs), batches(pairs)).withObjective(new DpoLoss(DpoLoss.Type.SIGMOID, 0.1, lora))
                    .withSampler((n, ps, m, s) -> "").run(0, null);
            assertThat(outcome.failed()).as(outcome.reason()).isFalse();
            assertThat(measured).hasSize(3);
            for (int k = 0; k < 3; k++) {
                JsonNode want = golden.get("steps").get(k);
                Map<String, Double> got = measured.get(k);
                String step = "step " + (k + 1) + " ";
                assertThat(r.steps.get(k).loss()).as(step + "loss").isCloseTo(want.get("loss").asDouble(), within(5e-4));
                for (String key : List.of("rewards/chosen", "rewards/rejected", "rewards/margins")) {
                    assertThat(got.get(key)).as(step + key).isCloseTo(want.get(key).asDouble(), within(2e-3));
                }
                assertThat(got.get("rewards/accuracies")).as(step + "rewards/accuracies").isEqualTo(want.get("rewards/accuracies").asDouble());
                for (String key : List.of("logps/chosen", "logps/rejected")) {
                    assertThat(got.get(key)).as(step + key).isCloseTo(want.get(key).asDouble(), within(2e-2));
                }
            }
            Transformer network = (Transformer) run.network();
            for (Pair<String, Parameter> p : network.getParameters()) { // the reference is the base: it must not move
                assertThat(p.getValue().getArray().toFloatArray()).as(p.getKey()).isEqualTo(before.get(p.getKey()));
            }
            try (SafetensorsFile after = SafetensorsFile.open(GOLDEN.resolve("adapter_after_step3.safetensors"))) {
                for (int i = 0; i < 2; i++) {
                    Lora.Adapter a = lora.adapters().get("layers." + i + ".attn.qkv");
                    LoraGoldenTest.assertClose(a.a().getArray().toFloatArray(), after.tensor(LoraGoldenTest.peft(i, "A")).data(), 1e-5, "A layer " + i);
                    LoraGoldenTest.assertClose(a.b().getArray().toFloatArray(), after.tensor(LoraGoldenTest.peft(i, "B")).data(), 1e-5, "B layer " + i);
                }
            }
        }
    }
}
