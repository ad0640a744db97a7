package org.llmplayground.bench;

import ai.djl.training.ParameterStore;
import org.llmplayground.finetune.DemoTasks;
import org.llmplayground.finetune.ExactMatch;
import org.llmplayground.finetune.SftBatches;
import org.llmplayground.finetune.SftEncoder;
import org.llmplayground.finetune.SftExample;
import org.llmplayground.finetune.SftFormats;
import org.llmplayground.generation.chat.ChatTemplate;
import org.llmplayground.model.nn.Lora;
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
 * The fine-tuning demo end to end, outside the app: the bundled shakespeare-char model, the sft-demo set through the
 * plain template, LoRA (or full fine-tuning) with the training loop, then exact-match accuracy on the test split,
 * base vs tuned, per task.
 * <pre>./mvnw -q -Pbench test-compile exec:exec -Dbench=FineTuneDemoBench -Dbench.args="lora 600"</pre>
 * args: method (lora | full), steps, [rank], [learning rate], [targets comma-separated]. With {@code -Dout=<folder>}
 * (e.g. {@code -Dbench.jvm=-Dout=models/sft-demo-lora}) a LoRA run also writes what the shipped adapter holds: the
 * adapter in PEFT's layout, training-log.csv (every evaluation), loss-curve.png and test-answers.tsv.
 */
public final class FineTuneDemoBench {
    public static void main(String[] argv) throws Exception {
        String[] args = argv.length == 1 ? argv[0].trim().split("\\s+") : argv; // -Dbench.args="lora 600" is one argument
        String method = args.length > 0 ? args[0] : "lora";
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 600;
        int rank = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        double lr = args.length > 3 ? Double.parseDouble(args[3]) : method.equals("full") ? 1e-3 : 3e-3;
        Set<String> targets = Set.of((args.length > 4 ? args[4] : "qkv,o,up,down").split(","));
        Path base = Path.of("models/shakespeare-char");
        String yaml = Checkpoints.readMeta(base).configYaml()
                .replaceAll("(?s)\ntraining:.*?\nsampling:", "\ntraining:\n" + String.format("""
                          batch_size: 32
                          block_size: 128
                          learning_rate: %s
                          min_learning_rate: %s
                          schedule: cosine
                          warmup_steps: 30
                          max_steps: %d
                          weight_decay: 0
                          grad_clip: 1.0
                          eval_interval: 100
                          eval_batches: 4
                          save_interval: 1000000
                        """, lr, lr / 10, steps) + "sampling:")
                .replace("dropout: 0.1", "dropout: 0.0");
        TrainingConfig config = TestRuns.parse(yaml);
        Path dir = Files.createTempDirectory("ft-demo");
        try (PreparedRun run = TestRuns.prepare(config, dir)) {
            run.load(Checkpoints.readModel(base));
            var tok = run.tokenizer();
            SftEncoder enc = new SftEncoder(ChatTemplate.PLAIN, tok::encode, null, 128, false);
            List<SftExample> train = read("train", enc);
            List<SftExample> val = read("val", enc);
            List<SftExample> test = read("test", enc);
            List<String> tasks = Files.readAllLines(Path.of("data/sft-demo/test.jsonl")).stream()
                    .map(l -> l.replaceFirst("^\\{\"task\":\"([a-z]+)\".*$", "$1")).toList();
            var ps = new ParameterStore(run.network().getParameters().get(0).getValue().getArray().getManager(), false);
            var manager = run.network().getParameters().get(0).getValue().getArray().getManager();
            long t0 = System.nanoTime();
            ExactMatch.Result before = ExactMatch.evaluate(run.network(), ps, manager, enc, tok::encode, tok::decode, test, tasks, 32);
            System.out.printf("base: %.1f %% (%.1f s)%n", 100 * before.accuracy(), (System.nanoTime() - t0) / 1e9);
            if (method.equals("lora")) {
                Lora lora = run.attachLora(new Lora.Spec(rank, 2.0 * rank, 0, targets, Set.of()));
                System.out.printf("LoRA r=%d on %s: %,d trainable parameters%n", rank, targets, lora.trainableParameters());
            }
            SftBatches batches = new SftBatches(encode(train, enc), 32, 1, config.seed(), false, 0);
            SftBatches valBatches = new SftBatches(encode(val, enc), 32, 1, config.seed(), false, 0);
            TestRuns.Recorder r = new TestRuns.Recorder();
            long start = System.nanoTime();
            List<double[]> evals = new ArrayList<>();
            run.trainer(new Trainer.Events() {
                @Override
                public void stepped(Trainer.StepMetrics m) {
                    r.stepped(m);
                }

                @Override
                public void evaluated(Trainer.EvalMetrics e) {
                    evals.add(new double[]{e.step(), e.trainLoss(), e.valLoss(), (System.nanoTime() - start) / 1e9});
                    System.out.printf("step %d: train %.4f val %.4f (%.0f s)%n", e.step(), e.trainLoss(), e.valLoss(), (System.nanoTime() - start) / 1e9);
                }
            }, r).withBatches(batches).withEvalBatches(batches.forEvaluation(), valBatches.forEvaluation()).run(0, null);
            double seconds = (System.nanoTime() - start) / 1e9;
            ExactMatch.Result after = ExactMatch.evaluate(run.network(), ps, manager, enc, tok::encode, tok::decode, test, tasks, 32);
            System.out.printf("%s %d steps in %.0f s: test accuracy base %.1f %% → tuned %.1f %%%n", method, steps, seconds,
                    100 * before.accuracy(), 100 * after.accuracy());
            Map<String, int[]> perTask = new TreeMap<>();
            for (ExactMatch.Answer a : after.answers()) {
                int[] c = perTask.computeIfAbsent(a.task(), k -> new int[2]);
                c[0] += a.correct() ? 1 : 0;
                c[1]++;
            }
            perTask.forEach((k, v) -> System.out.printf("  %-8s %d / %d%n", k, v[0], v[1]));
            after.answers().stream().filter(a -> !a.correct()).limit(8)
                    .forEach(a -> System.out.printf("  wrong: %s → '%s' (expected '%s')%n", a.prompt().replace("\n", " | "), a.answer(), a.expected()));
            String out = System.getProperty("out");
            if (out != null && method.equals("lora")) {
                write(Path.of(out), run, evals, r.steps, before, after);
            }
        }
    }

    /** The shipped adapter's folder: PEFT files, the evaluations, the loss curve and every test answer, base and tuned. */
    static void write(Path dir, PreparedRun run, List<double[]> evals, List<Trainer.StepMetrics> steps, ExactMatch.Result before,
                      ExactMatch.Result after) throws Exception {
        org.llmplayground.finetune.PeftAdapters.save((org.llmplayground.model.nn.Transformer) run.network(), "shakespeare-char", dir);
        StringBuilder log = new StringBuilder("step,train_loss,val_loss,seconds\n");
        evals.forEach(e -> log.append(String.format(java.util.Locale.ROOT, "%d,%.4f,%.4f,%.1f%n", (int) e[0], e[1], e[2], e[3])));
        Files.writeString(dir.resolve("training-log.csv"), log);
        StringBuilder answers = new StringBuilder("task\tinstruction\texpected\tbase\ttuned\n");
        for (int i = 0; i < after.answers().size(); i++) {
            ExactMatch.Answer a = after.answers().get(i);
            String instruction = a.prompt().replace("User: ", "").replace("\nAssistant:", "").strip();
            answers.append(String.join("\t", a.task(), instruction, a.expected(), before.answers().get(i).answer().replace("\n", " "),
                    a.answer().replace("\n", " "))).append('\n');
        }
        Files.writeString(dir.resolve("test-answers.tsv"), answers);
        int every = 50; // the per-step losses as means of 50 steps, as on the base model's card
        List<Double> sx = new ArrayList<>();
        List<Double> sy = new ArrayList<>();
        for (int i = 0; i + every <= steps.size(); i += every) {
            sx.add((double) steps.get(i + every - 1).step());
            sy.add(steps.subList(i, i + every).stream().mapToDouble(Trainer.StepMetrics::loss).average().orElse(0));
        }
        double[] ex = evals.stream().mapToDouble(e -> e[0]).toArray();
        LossCurvePng.write(dir.resolve("loss-curve.png"), "sft-demo LoRA on shakespeare-char: loss on the replies (" + steps.size() + " steps)",
                List.of(new LossCurvePng.Series("train loss (mean of 50 steps)", new java.awt.Color(170, 190, 230),
                                sx.stream().mapToDouble(Double::doubleValue).toArray(), sy.stream().mapToDouble(Double::doubleValue).toArray()),
                        new LossCurvePng.Series("train loss (eval)", new java.awt.Color(40, 90, 200), ex, evals.stream().mapToDouble(e -> e[1]).toArray()),
                        new LossCurvePng.Series("val loss (eval)", new java.awt.Color(220, 90, 30), ex, evals.stream().mapToDouble(e -> e[2]).toArray())),
                0.0, 3.0, null);
        System.out.println("wrote " + dir);
    }

    static List<SftExample> read(String split, SftEncoder enc) throws Exception {
        return SftFormats.parse(split, Files.readString(Path.of("data/sft-demo/" + split + ".jsonl"))).examples();
    }

    static List<SftEncoder.Encoded> encode(List<SftExample> examples, SftEncoder enc) {
        List<SftEncoder.Encoded> out = new ArrayList<>();
        for (SftExample e : examples) {
            out.add(enc.encode(e));
        }
        return out;
    }
}
