package org.llmplayground.bench;

import ai.djl.ndarray.NDManager;
import org.llmplayground.finetune.PeftAdapters;
import org.llmplayground.finetune.SftBatches;
import org.llmplayground.finetune.SftEncoder;
import org.llmplayground.generation.chat.ChatTemplate;
import org.llmplayground.model.nn.Lora;
import org.llmplayground.model.nn.Transformer;
import org.llmplayground.preference.DpoRuns;
import org.llmplayground.preference.RewardModel;
import org.llmplayground.training.Checkpoints;
import org.llmplayground.training.PreparedRun;
import org.llmplayground.training.TestRuns;
import org.llmplayground.training.Trainer;
import org.llmplayground.training.TrainingConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * A reward model on the preference demo: the SFT model (shakespeare-char + models/sft-demo-lora merged) with LoRA
 * r 8 on qkv, o, up, down and a scalar head, trained with the Bradley–Terry loss on data/preference-demo's training
 * pairs (the training loop with {@link RewardModel} as its objective); accuracy (r_chosen > r_rejected) on the 200
 * held-out test pairs, before (the random head) and after. Goal of issue 14: ≥ 70 %.
 * <pre>./mvnw -q -Pbench test-compile exec:exec -Dbench=RewardDemoBench -Dbench.args="300 1e-3"</pre>
 */
public final class RewardDemoBench {
    public static void main(String[] argv) throws Exception {
        String[] args = argv.length == 1 ? argv[0].trim().split("\\s+") : argv;
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        String lr = args.length > 1 ? args[1] : "1e-3";
        String yaml = Files.readString(Path.of("configs/reward-demo.yaml")).replace("max_steps: 300", "max_steps: " + steps)
                .replaceAll("(?m)^  learning_rate: .*$", "  learning_rate: " + lr)
                .replaceAll("(?m)^  min_learning_rate: .*$", "  min_learning_rate: " + Double.parseDouble(lr) / 10)
                .replace("eval_batches: 4", "eval_batches: 13"); // the 200 test pairs in batches of 16 (the last filled up from the first 8)
        TrainingConfig config = TestRuns.parse(yaml);
        try (PreparedRun run = TestRuns.prepare(config, Files.createTempDirectory("reward-demo"))) {
            run.load(Checkpoints.readModel(Path.of("models/shakespeare-char")));
            Transformer network = (Transformer) run.network();
            PeftAdapters.load(Path.of("models/sft-demo-lora"), network);
            network.mergeLora();
            var tok = run.tokenizer();
            SftEncoder enc = new SftEncoder(ChatTemplate.PLAIN, tok::encode, null, 128, false);
            TrainingConfig.FineTune f = config.finetune();
            run.attachLora(new Lora.Spec(f.rank(), f.alpha(), 0, Set.copyOf(f.targets()), Set.of()));
            NDManager manager = network.getParameters().get(0).getValue().getArray().getManager();
            RewardModel reward = new RewardModel(network.config().embeddingSize(), 0, manager, config.seed());
            run.trainAlso(reward.parameters());
            int batch = config.training().batchSize();
            SftBatches train = SftBatches.preferences(DpoRuns.encode(enc, DpoDemoBench.read("train"), "train").pairs(), batch, 1, config.seed(), 0);
            SftBatches test = SftBatches.preferences(DpoRuns.encode(enc, DpoDemoBench.read("test"), "test").pairs(), batch, 1, config.seed(), 0);
            long start = System.nanoTime();
            TestRuns.Recorder r = new TestRuns.Recorder();
            Trainer trainer = run.trainer(new Trainer.Events() {
                @Override
                public void evaluated(Trainer.EvalMetrics e) {
                    System.out.printf("step %d: train BT loss %.4f, test BT loss %.4f, test pairs ranked right %.1f %% (%.0f s)%n", e.step(),
                            e.trainLoss(), e.valLoss(), 100 * e.valAccuracy(), (System.nanoTime() - start) / 1e9);
                }
            }, r).withBatches(train).withEvalBatches(train.forEvaluation(), test.forEvaluation()).withObjective(reward)
                    .withSampler((n, p, m, s) -> "");
            Trainer.Outcome outcome = trainer.run(0, null);
            if (outcome.failed()) {
                throw new IllegalStateException(outcome.reason());
            }
            System.out.printf("reward model, %d steps in %.0f s; %d test batches%n", steps, (System.nanoTime() - start) / 1e9, test.groups());
        }
    }
}
