package org.llmplayground.preference;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.finetune.FineTuneRuns;
import org.llmplayground.finetune.SftEncoder;
import org.llmplayground.generation.chat.ChatMessage;
import org.llmplayground.generation.chat.ChatTemplate;
import org.llmplayground.model.ModelTokenizer;
import org.llmplayground.model.io.Tensor;
import org.llmplayground.model.nn.Transformer;
import org.llmplayground.training.Checkpoints;
import org.llmplayground.training.TrainingConfig;
import org.llmplayground.training.TrainingConfigs;
import org.llmplayground.training.TrainingData;
import org.llmplayground.training.TrainingQueries;
import org.llmplayground.training.TrainingRun;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A trained reward model at work: the reward of any prompt + answer, the held-out pairs it ranks wrong, and the
 * rewards of the A/B interface's pairs (for active selection). The model is read from the run's last checkpoint
 * (network, adapters and head) and kept loaded for the next request; a newer checkpoint is read again.
 */
@Singleton
public class RewardScores {
    private final TrainingQueries queries;
    private final TrainingData data;
    private final PreferenceSets sets;
    private Loaded loaded;

    public RewardScores(TrainingQueries queries, TrainingData data, PreferenceSets sets) {
        this.queries = queries;
        this.data = data;
        this.sets = sets;
    }

    /** The reward of one answer to one prompt. */
    @Serdeable
    public record Score(String run, int step, double reward, int tokens, boolean cut) {
    }

    /** A held-out pair and the rewards of its answers; {@code right} when r(chosen) > r(rejected). */
    @Serdeable
    public record Ranked(String prompt, String chosen, String rejected, double rewardChosen, double rewardRejected, boolean right) {
    }

    /** How a reward model ranks a set's held-out (test) pairs: accuracy, mean margin, and the pairs it gets wrong. */
    @Serdeable
    public record Check(String run, int step, String dataset, int pairs, double accuracy, double meanMargin, List<Ranked> wrong) {
    }

    private record Loaded(String runId, String checkpoint, NDManager manager, Transformer network, RewardModel head,
                          SftEncoder encoder, ModelTokenizer tokenizer, int step, String dataset) implements AutoCloseable {
        @Override
        public void close() {
            manager.close();
        }
    }

    /** A reward run (one with a reward section), or a 404/400 that says what it is instead. */
    public TrainingRun run(String runId) {
        TrainingRun run = queries.run(runId);
        if (TrainingConfigs.parse(run.configYaml()).reward() == null) {
            throw new BadInputException("'" + run.name() + "' is not a reward-model run (its config has no reward section).");
        }
        return run;
    }

    public synchronized Score score(String runId, String prompt, String answer) {
        if (prompt == null || prompt.isBlank() || answer == null || answer.isBlank()) {
            throw new BadInputException("Give both 'prompt' and 'answer': a reward model scores an answer to a prompt.");
        }
        Loaded m = load(runId);
        PreferencePair p = pair(prompt, answer, answer);
        SftEncoder.Encoded e = m.encoder.encode(DpoRuns.example(p, answer));
        if (e == null) {
            throw new BadInputException(String.format("The answer alone is longer than the reward model's context (%d tokens).",
                    m.network.config().contextLength()));
        }
        int[] row = ids(m.encoder, p, answer);
        float[] r = m.head.score(m.network, new ParameterStore(m.manager, false), m.manager, List.of(row));
        return new Score(runId, m.step, r[0], row.length, e.cut() > 0);
    }

    /** Rewards of answers a and b of each pair (prompt, a, b): {r_a, r_b} per pair. */
    public synchronized double[][] rewards(String runId, List<String[]> pairs) {
        Loaded m = load(runId);
        List<int[]> texts = new ArrayList<>();
        for (String[] p : pairs) {
            texts.add(ids(m.encoder, pair(p[0], p[1], p[2]), p[1]));
            texts.add(ids(m.encoder, pair(p[0], p[1], p[2]), p[2]));
        }
        float[] v = m.head.score(m.network, new ParameterStore(m.manager, false), m.manager, texts);
        double[][] out = new double[pairs.size()][];
        for (int i = 0; i < pairs.size(); i++) {
            out[i] = new double[]{v[2 * i], v[2 * i + 1]};
        }
        return out;
    }

    /** The held-out test pairs of {@code dataset} (the run's own set by default): accuracy, margin, the wrong ones (at most {@code limit}). */
    public Check check(String runId, String dataset, int limit) {
        return check(runId, dataset, "test", limit);
    }

    /** As {@link #check(String, String, int)} on the set's {@code part} (test or val). */
    synchronized Check check(String runId, String dataset, String part, int limit) {
        Loaded m = load(runId);
        String set = dataset == null || dataset.isBlank() ? m.dataset : dataset;
        TrainingConfig c = TrainingConfigs.parse(queries.run(runId).configYaml()).withDefaults();
        PreferenceSets.Split split = sets.load(set, c.seed());
        List<PreferencePair> test = "val".equals(part) ? split.val() : split.test();
        List<int[]> texts = new ArrayList<>();
        for (PreferencePair p : test) {
            texts.add(ids(m.encoder, p, p.chosen()));
            texts.add(ids(m.encoder, p, p.rejected()));
        }
        float[] v = m.head.score(m.network, new ParameterStore(m.manager, false), m.manager, texts);
        int right = 0;
        double margin = 0;
        List<Ranked> wrong = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            PreferencePair p = test.get(i);
            boolean ok = v[2 * i] > v[2 * i + 1];
            right += ok ? 1 : 0;
            margin += v[2 * i] - v[2 * i + 1];
            if (!ok && wrong.size() < Math.max(0, Math.min(limit, 200))) {
                wrong.add(new Ranked(p.prompt(), p.chosen(), p.rejected(), v[2 * i], v[2 * i + 1], false));
            }
        }
        int n = test.size();
        return new Check(runId, m.step, set, n, n == 0 ? 0 : (double) right / n, n == 0 ? 0 : margin / n, wrong);
    }

    /**
     * Prompt + answer as the reward model reads them in training (the template of its run, the prompt cut from its
     * start to fit): a training row is x = ids[0..n−2] (SftBatches), so the reward is read at the answer's last token,
     * not at the end marker after it; scoring reads the same row. E.g. "…Assistant: tbuod\n" is read up to the "d".
     */
    static int[] ids(SftEncoder encoder, PreferencePair p, String answer) {
        SftEncoder.Encoded e = encoder.encode(DpoRuns.example(p, answer));
        if (e == null) {
            throw new BadInputException("An answer alone is longer than the reward model's context: " + p.where() + ".");
        }
        return java.util.Arrays.copyOf(e.ids(), e.ids().length - 1);
    }

    private static PreferencePair pair(String prompt, String a, String b) {
        return new PreferencePair(null, List.of(new ChatMessage(ChatMessage.USER, prompt)), a, b, "request");
    }

    /** The run's last checkpoint, loaded (kept for the next request while it is the newest). */
    private Loaded load(String runId) {
        TrainingRun run = run(runId);
        List<Checkpoints.Saved> saved = queries.checkpoints(runId);
        if (saved.isEmpty()) {
            throw BadInputException.conflict("'" + run.name() + "' has no checkpoint yet: it is " + run.state().name().toLowerCase()
                    + "; score with it once it has saved one (every training.save_interval steps and at the end).");
        }
        Checkpoints.Saved last = saved.get(saved.size() - 1);
        if (loaded != null && loaded.runId.equals(runId) && loaded.checkpoint.equals(last.path())) {
            return loaded;
        }
        if (loaded != null) {
            loaded.close();
            loaded = null;
        }
        TrainingConfig c = TrainingConfigs.parse(run.configYaml()).withDefaults();
        NDManager manager = NDManager.newBaseManager(Device.cpu());
        try {
            Path dir = Path.of(last.path());
            org.llmplayground.finetune.AdapterCheckpoint read = org.llmplayground.finetune.AdapterCheckpoint.read(dir, c, manager, run.name());
            Checkpoints.Meta meta = read.meta();
            Map<String, Tensor> weights = read.weights();
            Transformer network = read.network();
            int d = meta.model().embeddingSize();
            RewardModel head = new RewardModel(d, c.reward().margin(), manager, 0);
            Tensor w = weights.get("reward_head.weight");
            Tensor b = weights.get("reward_head.bias");
            if (w == null || b == null) {
                throw new BadInputException("The checkpoint of '" + run.name() + "' has no reward head: it was not written by a reward run.");
            }
            head.load(w.data(), b.data()[0]);
            ModelTokenizer tokenizer = data.tokenizerFor(meta.tokenizer());
            int eos = tokenizer.endOfText();
            SftEncoder encoder = new SftEncoder(ChatTemplate.parse(c.finetune().template()), tokenizer::encode, eos < 0 ? null : eos,
                    meta.model().contextLength(), false);
            loaded = new Loaded(runId, last.path(), manager, network, head, encoder, tokenizer, last.step(), c.finetune().dataset());
            return loaded;
        } catch (IOException e) {
            manager.close();
            throw new BadInputException("Cannot read the checkpoint of '" + run.name() + "': " + e.getMessage(), e);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

}
