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
                    System.out.flush();
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
            parameters = org.llmplayground.model.ParameterCounter.count(run.modelConfig()).total();
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
        Trainer.Sample first = samples.get(0);
        String card = """
                # shakespeare-char

                A character-level GPT trained **with this app's own trainer** on Tiny Shakespeare, so a new user can generate
                and look inside a trained model right after start. It is what the default config
                (`configs/shakespeare-char.yaml`) produces.

                | | |
                |---|---|
                | architecture | GPT-2 style decoder: %s |
                | parameters | %,d |
                | tokenizer | characters: the %d distinct characters of the corpus (stored in `checkpoint.json`) |
                | data | Tiny Shakespeare (`data/tinyshakespeare`, 1,115,394 characters), 90 %% train / 10 %% validation in segments chosen with the seed; SHA-256 `%s` |
                | training | %,d steps of 16 × 128 characters, AdamW (β = 0.9, 0.99; weight decay 0.1 on matrices), peak learning rate 1e-3 with 100 warm-up steps and cosine decay to 1e-4, global-norm clipping at 1.0, dropout 0.1, seed 1337, FP32 on the CPU |
                | files | `model.safetensors` (weights, float32), `checkpoint.json` (config, tokenizer, losses), `training-log.csv` (every evaluation), `loss-curve.png` |

                ## Results

                %s

                Losses are mean cross-entropy in nats per character over 20 fixed batches of each split; perplexity = e^loss.
                For scale: guessing uniformly among 65 characters gives ln 65 = 4.17. nanoGPT's larger shakespeare-char model
                (6 layers, 384 wide, 10.7M parameters, GPU) reaches about 1.47.

                ![loss curve](loss-curve.png)

                The faint curve is the training loss of each step (with dropout on, averaged over 50 steps); the two solid
                curves are the evaluations with dropout off, which is why they sit below it. Train and val stay close: this
                small model underfits rather than memorises.

                ## Samples (temperature %.1f, after a newline)

                Step %,d:

                ```
                %s
                ```

                Step %,d, for comparison:

                ```
                %s
                ```

                ## Reproduce

                ```
                ./mvnw -q -Pbench test-compile exec:exec -Dbench=TrainDefaultModel
                ```

                trains the default config with the app's trainer (about %.0f minutes on 2 CPU cores) and rewrites this folder.
                On the same machine the weights come out bit for bit the same: batches, dropout masks and samples are functions
                of (seed, step). In the app, starting the default config in the Training lab runs the same training.

                ## License and limits

                Trained here from Tiny Shakespeare (public-domain text by William Shakespeare, collected by Andrej Karpathy for
                char-rnn, MIT-licensed repository; see `data/tinyshakespeare/PROVENANCE.txt`). The weights are part of this
                project. It writes Shakespeare-flavoured character soup: real words, plausible names and line structure,
                little meaning. It knows only these 65 characters and only 128 characters of context.
                """.formatted(modelLine(config), parameters, 65, hashOf(), steps.size(), summary, config.sampling().temperature(),
                sample.step(), sample.text().strip(), first.step(), first.text().strip(), seconds / 60);
        Files.writeString(out.resolve("MODEL_CARD.md"), card);
        Files.writeString(out.resolve("PROVENANCE.txt"), """
                files: model.safetensors, checkpoint.json, training-log.csv, loss-curve.png, MODEL_CARD.md
                made by: this project's trainer (org.llmplayground.training.Trainer) on configs/shakespeare-char.yaml
                command: ./mvnw -q -Pbench test-compile exec:exec -Dbench=TrainDefaultModel
                data: data/tinyshakespeare/input.txt (see data/tinyshakespeare/PROVENANCE.txt)
                license: the project's license; trained on public-domain text
                model.safetensors sha256: %s
                """.formatted(sha256(out.resolve("model.safetensors"))));
    }

    private static long parameters;

    private static String modelLine(TrainingConfig c) {
        TrainingConfig.Model m = c.model();
        return String.format("%d layers, %d heads, %d wide (feed-forward %d), %d characters of context, learned positions, pre-LayerNorm, "
                        + "GELU, tied input/output embedding", m.numLayers(), m.numHeads(), m.hiddenSize(),
                (int) Math.round(m.ffnExpansion() * m.hiddenSize()), m.contextLength());
    }

    private static String hashOf() throws Exception {
        return sha256(Path.of("data/tinyshakespeare/input.txt"));
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
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
