package org.llmplayground.preference;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.finetune.AdapterCheckpoint;
import org.llmplayground.finetune.ExactMatch;
import org.llmplayground.finetune.FineTuneService;
import org.llmplayground.finetune.SftEncoder;
import org.llmplayground.finetune.SftExample;
import org.llmplayground.generation.chat.ChatTemplate;
import org.llmplayground.model.ModelTokenizer;
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

/**
 * The Preferences lab's two kinds of runs, as the Training lab's runs they are: reward-model runs (a reward section)
 * and DPO runs (a dpo section). Starting checks the section is there; listing, status and stopping filter the
 * Training lab's runs by kind. After DPO, {@link #compare} puts the SFT model's answers (the reference: the adapters
 * off) next to the policy's on the set's held-out prompts.
 */
@Singleton
public class PreferenceJobs {
    /** What a run trains. */
    public enum Kind {
        REWARD("reward", "reward-demo"), DPO("dpo", "dpo-demo");

        final String section;
        final String example;

        Kind(String section, String example) {
            this.section = section;
            this.example = example;
        }

        boolean of(TrainingConfig c) {
            return this == REWARD ? c.reward() != null : c.dpo() != null;
        }
    }

    private final FineTuneService fineTune;
    private final TrainingQueries queries;
    private final TrainingData data;
    private final PreferenceSets sets;

    public PreferenceJobs(FineTuneService fineTune, TrainingQueries queries, TrainingData data, PreferenceSets sets) {
        this.fineTune = fineTune;
        this.queries = queries;
        this.data = data;
        this.sets = sets;
    }

    /** Starts a run of {@code kind}: {@code yaml}, or the saved config {@code config} (reward-demo, dpo-demo, …). */
    public TrainingRun start(Kind kind, @Nullable String config, @Nullable String yaml, @Nullable String name, @Nullable Integer maxSteps) {
        TrainingConfig c = fineTune.resolve(config, yaml, name, maxSteps, kind.example);
        if (!kind.of(c)) {
            throw new BadInputException("The config has no " + kind.section + " section: it would not train a " + (kind == Kind.REWARD
                    ? "reward model" : "policy with DPO") + ". Start from " + kind.example + ".");
        }
        return fineTune.start(c);
    }

    /**
     * The lab's config for a reward run: reward-demo with another preference set, number of steps and margin (the
     * demo's model, LoRA and schedule). The run's name is free (a number is added when taken).
     */
    public TrainingConfig rewardConfig(String dataset, int steps, double margin) {
        TrainingConfig demo = fineTune.resolve(Kind.REWARD.example, null, null, steps, Kind.REWARD.example).withDefaults();
        return withSet(demo, dataset, "reward model on " + dataset, null, new TrainingConfig.Reward(margin, demo.reward().sftAdapter()), null);
    }

    /** The lab's config for a DPO run: dpo-demo with another set, steps, β, loss, RPO α and peak learning rate. */
    public TrainingConfig dpoConfig(String dataset, int steps, double beta, String loss, double rpoAlpha, double learningRate,
                                    String reference) {
        TrainingConfig demo = fineTune.resolve(Kind.DPO.example, null, null, steps, Kind.DPO.example).withDefaults();
        return withSet(demo, dataset, "DPO on " + dataset, new TrainingConfig.Dpo(beta, loss, demo.dpo().sftAdapter(), rpoAlpha, reference),
                null, learningRate);
    }

    private static TrainingConfig withSet(TrainingConfig c, String dataset, String name, TrainingConfig.Dpo d, TrainingConfig.Reward r,
                                          Double learningRate) {
        if (dataset == null || dataset.isBlank()) {
            throw new BadInputException("Choose a preference set.");
        }
        TrainingConfig.FineTune f = c.finetune();
        TrainingConfig.FineTune set = new TrainingConfig.FineTune(dataset, f.template(), f.method(), f.rank(), f.alpha(), f.loraDropout(),
                f.targets(), f.layers(), f.trainOnPrompt(), f.quantization());
        TrainingConfig.Training t = learningRate == null ? c.training()
                : c.training().toBuilder().learningRate(learningRate).minLearningRate(learningRate / 10).build();
        return new TrainingConfig(name, c.description(), c.seed(), c.data(), c.model(), t, c.sampling(), set, d, r);
    }

    /** Starts a run the lab built ({@link #rewardConfig}, {@link #dpoConfig}). */
    public TrainingRun start(TrainingConfig c) {
        return fineTune.start(c);
    }

    /** Runs of {@code kind}, newest first. */
    public List<TrainingRun> runs(Kind kind) {
        return queries.runs().stream().filter(r -> kind.of(TrainingConfigs.parse(r.configYaml()))).toList();
    }

    public TrainingRun run(Kind kind, String id) {
        TrainingRun r = queries.run(id);
        if (!kind.of(TrainingConfigs.parse(r.configYaml()))) {
            throw BadInputException.notFound("No " + (kind == Kind.REWARD ? "reward-model" : "DPO") + " run '" + id + "'.");
        }
        return r;
    }

    /** The SFT model (reference) next to the DPO policy on one held-out prompt; {@code expected} is the chosen answer. */
    @Serdeable
    public record Answers(String prompt, String expected, String sft, String dpo, boolean sftRight, boolean dpoRight) {
    }

    /**
     * SFT vs DPO on the test pairs of the run's set: exact match against the chosen answers, preference accuracy (the
     * share of pairs with log π(chosen) > log π(rejected)), and the answers.
     */
    @Serdeable
    public record Comparison(String run, int step, String dataset, int n, double sftExactMatch, double dpoExactMatch,
                             double sftPreferenceAccuracy, double dpoPreferenceAccuracy, List<Answers> answers) {
    }

    /**
     * Greedy answers of the reference (the run's checkpoint with its adapters off: the SFT model) and of the policy
     * (adapters on) to the first {@code limit} test prompts of the run's preference set (default 50, at most 200).
     */
    public Comparison compare(String runId, @Nullable Integer limit) {
        TrainingRun run = run(Kind.DPO, runId);
        List<Checkpoints.Saved> saved = queries.checkpoints(runId);
        if (saved.isEmpty()) {
            throw BadInputException.conflict("'" + run.name() + "' has no checkpoint yet; compare once it has saved one.");
        }
        Checkpoints.Saved last = saved.get(saved.size() - 1);
        TrainingConfig c = TrainingConfigs.parse(run.configYaml()).withDefaults();
        int n = limit == null ? 50 : limit;
        if (n < 1 || n > 200) {
            throw new BadInputException("limit must be between 1 and 200 (got " + n + ").");
        }
        List<PreferencePair> test = sets.load(c.finetune().dataset(), c.seed()).test();
        test = test.subList(0, Math.min(n, test.size()));
        List<SftExample> examples = test.stream().map(p -> DpoRuns.example(p, p.chosen())).toList();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            AdapterCheckpoint read = AdapterCheckpoint.read(Path.of(last.path()), c, manager, run.name());
            ModelTokenizer tokenizer = data.tokenizerFor(read.meta().tokenizer());
            int eos = tokenizer.endOfText();
            SftEncoder encoder = new SftEncoder(ChatTemplate.parse(c.finetune().template()), tokenizer::encode, eos < 0 ? null : eos,
                    read.meta().model().contextLength(), false);
            ParameterStore ps = new ParameterStore(manager, false);
            org.llmplayground.finetune.SftBatches pairs = org.llmplayground.finetune.SftBatches.preferences(
                    DpoRuns.encode(encoder, test, "test").pairs(), 8, 1, c.seed(), 0);
            read.lora().enable(false);
            ExactMatch.Result sft = ExactMatch.evaluate(read.network(), ps, manager, encoder, tokenizer::encode, tokenizer::decode,
                    examples, null, 48);
            double sftPreference = PreferenceEval.logpAccuracy(read.network(), ps, manager, pairs.forEvaluation(), 8, pairs.groups());
            read.lora().enable(true);
            ExactMatch.Result dpo = ExactMatch.evaluate(read.network(), ps, manager, encoder, tokenizer::encode, tokenizer::decode,
                    examples, null, 48);
            double dpoPreference = PreferenceEval.logpAccuracy(read.network(), ps, manager, pairs.forEvaluation(), 8, pairs.groups());
            List<Answers> rows = new ArrayList<>();
            for (int i = 0; i < examples.size(); i++) {
                ExactMatch.Answer s = sft.answers().get(i);
                ExactMatch.Answer d = dpo.answers().get(i);
                rows.add(new Answers(test.get(i).prompt(), test.get(i).chosen(), s.answer(), d.answer(), s.correct(), d.correct()));
            }
            return new Comparison(runId, last.step(), c.finetune().dataset(), examples.size(), sft.accuracy(), dpo.accuracy(), sftPreference,
                    dpoPreference, rows);
        } catch (IOException e) {
            throw new BadInputException("Cannot read the checkpoint of '" + run.name() + "': " + e.getMessage(), e);
        }
    }
}
