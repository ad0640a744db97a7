package org.llmplayground.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import org.llmplayground.finetune.ExactMatch;
import org.llmplayground.finetune.PeftAdapters;
import org.llmplayground.finetune.SftBatches;
import org.llmplayground.finetune.SftEncoder;
import org.llmplayground.finetune.SftExample;
import org.llmplayground.generation.chat.ChatTemplate;
import org.llmplayground.model.nn.Lora;
import org.llmplayground.model.nn.Transformer;
import org.llmplayground.preference.DpoLoss;
import org.llmplayground.preference.DpoRuns;
import org.llmplayground.preference.PreferenceEval;
import org.llmplayground.preference.PreferenceFormats;
import org.llmplayground.preference.PreferencePair;
import org.llmplayground.training.Checkpoints;
import org.llmplayground.training.PreparedRun;
import org.llmplayground.training.TestRuns;
import org.llmplayground.training.Trainer;
import org.llmplayground.training.TrainingConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The preference demo end to end, outside the app, with the settings of configs/dpo-demo.yaml: the SFT model
 * (shakespeare-char with models/sft-demo-lora merged), DPO with new LoRA adapters on data/preference-demo, then on
 * the 200 held-out test pairs: the policy's preference accuracy (log π(chosen) > log π(rejected)) and its exact-match
 * accuracy on the test instructions, SFT vs DPO, and KL(π ‖ π_SFT) on answers sampled from the policy.
 * <pre>./mvnw -q -Pbench test-compile exec:exec -Dbench=DpoDemoBench -Dbench.args="400 0.1 sigmoid"</pre>
 * -Drpo=α (via -Dbench.jvm) adds α · NLL of the chosen answers (RPO).
 * args: steps, β, loss (sigmoid | hinge | ipo), [peak learning rate], [onpolicy]. With onpolicy, a training pair's
 * rejected answer is the SFT model's own greedy answer wherever that is wrong (its real mistakes), else the set's.
 */
public final class DpoDemoBench {
    public static void main(String[] argv) throws Exception {
        String[] args = argv.length == 1 ? argv[0].trim().split("\\s+") : argv;
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        double beta = args.length > 1 ? Double.parseDouble(args[1]) : 0.1;
        String lossType = args.length > 2 ? args[2] : "sigmoid";
        String yaml = Files.readString(Path.of("configs/dpo-demo.yaml")).replace("max_steps: 300", "max_steps: " + steps);
        if (args.length > 3) { // another peak learning rate (the minimum a tenth of it)
            yaml = yaml.replaceAll("(?m)^  learning_rate: .*$", "  learning_rate: " + args[3])
                    .replaceAll("(?m)^  min_learning_rate: .*$", "  min_learning_rate: " + Double.parseDouble(args[3]) / 10);
        }
        TrainingConfig config = TestRuns.parse(yaml);
        Path dir = Files.createTempDirectory("dpo-demo");
        try (PreparedRun run = TestRuns.prepare(config, dir)) {
            run.load(Checkpoints.readModel(Path.of("models/shakespeare-char")));
            Transformer network = (Transformer) run.network();
            PeftAdapters.load(Path.of("models/sft-demo-lora"), network);
            network.mergeLora(); // the SFT model: policy and reference start here
            var tok = run.tokenizer();
            SftEncoder enc = new SftEncoder(ChatTemplate.PLAIN, tok::encode, null, 128, false);
            List<PreferencePair> train = read("train");
            List<PreferencePair> val = read("val");
            List<PreferencePair> test = read("test");
            List<String> tasks = Files.readAllLines(Path.of("data/preference-demo/test.jsonl")).stream()
                    .map(l -> l.replaceFirst("^\\{\"task\":\"([a-z]+)\".*$", "$1")).toList();
            List<SftExample> testInstructions = test.stream().map(p -> DpoRuns.example(p, p.chosen())).toList();
            NDManager manager = network.getParameters().get(0).getValue().getArray().getManager();
            ParameterStore ps = new ParameterStore(manager, false);
            SftBatches testBatches = SftBatches.preferences(DpoRuns.encode(enc, test, "test").pairs(), 8, 1, 1, 0);
            int groups = testBatches.groups();
            double sftPref = PreferenceEval.logpAccuracy(network, ps, manager, testBatches.forEvaluation(), 8, groups);
            ExactMatch.Result sft = ExactMatch.evaluate(network, ps, manager, enc, tok::encode, tok::decode, testInstructions, tasks, 32);
            System.out.printf("SFT: preference accuracy %.1f %%, exact match %.1f %%%n", 100 * sftPref, 100 * sft.accuracy());

            if (args.length > 4 && args[4].equals("onpolicy")) {
                List<SftExample> asked = train.stream().map(p -> DpoRuns.example(p, p.chosen())).toList();
                long t0 = System.nanoTime();
                ExactMatch.Result own = ExactMatch.evaluate(network, ps, manager, enc, tok::encode, tok::decode, asked, null, 32);
                List<PreferencePair> onPolicy = new ArrayList<>();
                int mistakes = 0;
                for (int i = 0; i < train.size(); i++) {
                    PreferencePair p = train.get(i);
                    ExactMatch.Answer a = own.answers().get(i);
                    boolean usable = !a.correct() && !a.answer().isBlank();
                    mistakes += usable ? 1 : 0;
                    onPolicy.add(usable ? new PreferencePair(p.system(), p.turns(), p.chosen(), a.answer(), p.where()) : p);
                }
                train = onPolicy;
                System.out.printf("on-policy: the SFT model gets %.1f %% of the %,d training instructions right; its %,d wrong answers "
                        + "are their pairs' rejected answers (%.0f s)%n", 100 * own.accuracy(), asked.size(), mistakes, (System.nanoTime() - t0) / 1e9);
            }
            TrainingConfig.FineTune f = config.finetune();
            Lora lora = run.attachLora(new Lora.Spec(f.rank(), f.alpha(), 0, Set.copyOf(f.targets()), Set.of()));
            SftBatches batches = SftBatches.preferences(DpoRuns.encode(enc, train, "train").pairs(), config.training().batchSize(), 1, config.seed(), 0);
            SftBatches valBatches = SftBatches.preferences(DpoRuns.encode(enc, val, "val").pairs(), config.training().batchSize(), 1, config.seed(), 0);
            TestRuns.Recorder r = new TestRuns.Recorder();
            long start = System.nanoTime();
            List<Map<String, Double>> measured = new ArrayList<>();
            Trainer.Outcome outcome = run.trainer(new Trainer.Events() {
                @Override
                public void measured(int step, Map<String, Double> m) {
                    measured.add(m);
                }

                @Override
                public void evaluated(Trainer.EvalMetrics e) {
                    Map<String, Double> m = measured.get(measured.size() - 1);
                    System.out.printf("step %d: train DPO loss %.4f, val %.4f, val pairs ranked right (implicit reward) %.1f %%; "
                                    + "step rewards chosen %.3f rejected %.3f margin %.3f (%.0f s)%n", e.step(), e.trainLoss(), e.valLoss(),
                            100 * e.valAccuracy(), m.get("rewards/chosen"), m.get("rewards/rejected"), m.get("rewards/margins"),
                            (System.nanoTime() - start) / 1e9);
                }
            }, r).withBatches(batches).withEvalBatches(batches.forEvaluation(), valBatches.forEvaluation())
                    .withObjective(new DpoLoss(DpoLoss.Type.parse(lossType), beta, lora, Double.parseDouble(System.getProperty("rpo", "0")))).withSampler((n, p, m, s) -> "").run(0, null);
            if (outcome.failed()) {
                throw new IllegalStateException(outcome.reason());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double dpoPref = PreferenceEval.logpAccuracy(network, ps, manager, testBatches.forEvaluation(), 8, groups);
            ExactMatch.Result dpo = ExactMatch.evaluate(network, ps, manager, enc, tok::encode, tok::decode, testInstructions, tasks, 32);
            List<int[]> prompts = testInstructions.stream().map(e -> tok.encode(enc.prompt(e) + enc.template().replyStart())).toList();
            double kl = PreferenceEval.kl(network, lora, ps, manager, prompts, 16, tok.encode("\n")[0], 7);
            System.out.printf("DPO (%s, beta %s) %d steps in %.0f s: preference accuracy %.1f %% -> %.1f %%, exact match %.1f %% -> %.1f %%, "
                    + "KL(policy || SFT) %.3f nats per answer%n", lossType, beta, steps, seconds, 100 * sftPref, 100 * dpoPref,
                    100 * sft.accuracy(), 100 * dpo.accuracy(), kl);
            Map<String, int[]> perTask = new TreeMap<>();
            for (int i = 0; i < dpo.answers().size(); i++) {
                int[] c = perTask.computeIfAbsent(dpo.answers().get(i).task(), k -> new int[3]);
                c[0] += sft.answers().get(i).correct() ? 1 : 0;
                c[1] += dpo.answers().get(i).correct() ? 1 : 0;
                c[2]++;
            }
            perTask.forEach((k, v) -> System.out.printf("  %-8s SFT %d / %d, DPO %d / %d%n", k, v[0], v[2], v[1], v[2]));
        }
    }

    public static List<PreferencePair> read(String split) throws Exception {
        return PreferenceFormats.parse(split, Files.readString(Path.of("data/preference-demo/" + split + ".jsonl")), "trl").pairs();
    }
}
