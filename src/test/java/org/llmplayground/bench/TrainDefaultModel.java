package org.llmplayground.bench;

import ai.djl.Device;
import org.llmplayground.model.CharVocabulary;
import org.llmplayground.training.Checkpoints;
import org.llmplayground.training.PreparedRun;
import org.llmplayground.training.TokenDataset;
import org.llmplayground.training.Trainer;
import org.llmplayground.training.TrainingConfig;
import org.llmplayground.training.TrainingConfigs;

import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Trains the default config (configs/shakespeare-char.yaml) with the app's trainer and writes the bundled model:
 * models/shakespeare-char/{model.safetensors, checkpoint.json, training-log.csv, loss-curve.png, MODEL_CARD.md}.
 * Prints the wall-clock time to the first val loss below 2.0 and the best val loss within 15 minutes.
 * <pre>./mvnw -q -Pbench test-compile exec:exec -Dbench=TrainDefaultModel</pre>
 */
public final class TrainDefaultModel {
    private record Eval(Trainer.EvalMetrics metrics, double seconds) {
    }

    public static void main(String[] args) throws Exception {
        String yaml = Files.readString(Path.of("configs/shakespeare-char.yaml"));
        TrainingConfig config = TrainingConfigs.parse(yaml).withDefaults();
        Path corpus = Path.of("data/tinyshakespeare/input.txt");
        String text = Files.readString(corpus, StandardCharsets.UTF_8);
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(corpus)));
        CharVocabulary vocab = CharVocabulary.of(text);
        Path work = Path.of("target/train-default");
        deleteTree(work);
        Files.createDirectories(work);
        Path tokens = TokenDataset.write(vocab.encode(text), vocab.vocabSize(), work);
        List<Eval> evals = new ArrayList<>();
        List<double[]> steps = new ArrayList<>();
        List<Trainer.Sample> samples = new ArrayList<>();
        long start = System.nanoTime();
        Trainer.Outcome outcome;
        try (PreparedRun run = PreparedRun.create(config, vocab, tokens, hash, "shakespeare-char", work, Device.cpu())) {
            Trainer.Events events = new Trainer.Events() {
                @Override
                public void stepped(Trainer.StepMetrics m) {
                    steps.add(new double[]{m.step(), m.loss(), m.tokensPerSecond()});
                }

                @Override
                public void evaluated(Trainer.EvalMetrics e) {
                    double s = (System.nanoTime() - start) / 1e9;
                    evals.add(new Eval(e, s));
                    System.out.printf("step %5d  %6.0f s  train %.4f  val %.4f%n", e.step(), s, e.trainLoss(), e.valLoss());
                }

                @Override
                public void sampled(Trainer.Sample s) {
                    samples.add(s);
                }
            };
            Trainer.Control control = new Trainer.Control() {
                @Override
                public boolean stopRequested() {
                    return false;
                }

                @Override
                public void waitWhilePaused() {
                }
            };
            outcome = run.trainer(events, control).run(0, null);
            System.out.println(outcome.reason() + " after " + Math.round((System.nanoTime() - start) / 1e9) + " s");
            Checkpoints.Saved best = run.checkpoints().list().stream().filter(c -> c.valLoss() != null)
                    .min((a, b) -> Double.compare(a.valLoss(), b.valLoss())).orElseThrow();
            Path out = Path.of("models/shakespeare-char");
            Files.createDirectories(out);
            Files.copy(Path.of(best.path(), "model.safetensors"), out.resolve("model.safetensors"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(Path.of(best.path(), "checkpoint.json"), out.resolve("checkpoint.json"), StandardCopyOption.REPLACE_EXISTING);
            writeOutputs(out, config, evals, steps, samples, best, (System.nanoTime() - start) / 1e9, run.modelConfig().toString());
        }
    }

    private static void writeOutputs(Path out, TrainingConfig config, List<Eval> evals, List<double[]> steps,
                                     List<Trainer.Sample> samples, Checkpoints.Saved best, double seconds, String model) throws Exception {
        StringBuilder csv = new StringBuilder("step,seconds,train_loss,val_loss,val_perplexity,val_accuracy\n");
        for (Eval e : evals) {
            Trainer.EvalMetrics m = e.metrics();
            csv.append(String.format("%d,%.1f,%.5f,%.5f,%.4f,%.5f%n", m.step(), e.seconds(), m.trainLoss(), m.valLoss(), m.valPerplexity(), m.valAccuracy()));
        }
        Files.writeString(out.resolve("training-log.csv"), csv);
        // per-step training loss, averaged over windows of 50 steps, under the eval curves
        int window = 50;
        int n = steps.size() / window;
        double[] sx = new double[n];
        double[] sy = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = 0; j < window; j++) {
                sum += steps.get(i * window + j)[1];
            }
            sx[i] = steps.get(i * window + window - 1)[0];
            sy[i] = sum / window;
        }
        double[] ex = evals.stream().mapToDouble(e -> e.metrics().step()).toArray();
        LossCurvePng.write(out.resolve("loss-curve.png"), "shakespeare-char: loss while training (" + config.training().maxSteps() + " steps)",
                List.of(new LossCurvePng.Series("train loss (mean of 50 steps)", new Color(170, 190, 230), sx, sy),
                        new LossCurvePng.Series("train loss (eval)", new Color(40, 90, 200), ex,
                                evals.stream().mapToDouble(e -> e.metrics().trainLoss()).toArray()),
                        new LossCurvePng.Series("val loss (eval)", new Color(220, 90, 30), ex,
                                evals.stream().mapToDouble(e -> e.metrics().valLoss()).toArray())),
                1.0, 4.5, 2.0);
        Eval below2 = evals.stream().filter(e -> e.metrics().valLoss() < 2.0).findFirst().orElse(null);
        Eval bestIn15 = evals.stream().filter(e -> e.seconds() <= 900).min((a, b) -> Double.compare(a.metrics().valLoss(), b.metrics().valLoss())).orElseThrow();
        double tokensPerSecond = steps.stream().skip(10).mapToDouble(s -> s[2]).sorted().toArray()[(steps.size() - 10) / 2];
        Eval last = evals.get(evals.size() - 1);
        String summary = String.format("""
                        - steps: %d in %.0f s (%.1f min) wall clock, evaluations included; median %,.0f tokens/s
                        - first val loss below 2.0: %s
                        - best val loss within 15 minutes: %.4f (step %d)
                        - kept checkpoint: step %d, val loss %.4f (perplexity %.2f)
                        - final: train loss %.4f, val loss %.4f, val next-character accuracy %.1f %%""",
                steps.size(), seconds, seconds / 60, tokensPerSecond,
                below2 == null ? "never" : String.format("step %d, %.0f s (%.1f min)", below2.metrics().step(), below2.seconds(), below2.seconds() / 60),
                bestIn15.metrics().valLoss(), bestIn15.metrics().step(), best.step(), best.valLoss(), Math.exp(best.valLoss()),
                last.metrics().trainLoss(), last.metrics().valLoss(), 100 * last.metrics().valAccuracy());
        System.out.println(summary);
        Trainer.Sample sample = samples.get(samples.size() - 1);
        Files.writeString(out.resolve("summary.txt"), summary + "\n\nSample at step " + sample.step() + " (temperature "
                + config.sampling().temperature() + "):\n" + sample.text() + "\n\nFirst sample (step " + samples.get(0).step() + "):\n"
                + samples.get(0).text() + "\n\nModel: " + model + "\n");
    }

    private static void deleteTree(Path p) throws Exception {
        if (Files.exists(p)) {
            try (var files = Files.walk(p)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    private TrainDefaultModel() {
    }
}
