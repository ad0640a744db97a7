package org.llmplayground.preference;

import ai.djl.ndarray.NDManager;
import jakarta.inject.Singleton;
import org.llmplayground.core.jobs.JobContext;
import org.llmplayground.finetune.FineTuneRuns;
import org.llmplayground.finetune.SftBatches;
import org.llmplayground.finetune.SftEncoder;
import org.llmplayground.generation.chat.ChatTemplate;
import org.llmplayground.model.nn.Lora;
import org.llmplayground.model.nn.Transformer;
import org.llmplayground.training.PreparedRun;
import org.llmplayground.training.RunPlugin;
import org.llmplayground.training.Trainer;
import org.llmplayground.training.TrainingConfig;

import java.util.List;

/**
 * Reward-model runs: the Training lab's runs whose config has a {@code reward} section. The network starts as the
 * chosen model (training.init_from, with dpo's sft_adapter merged in when given); its LM head is not used: a scalar
 * head ({@link RewardModel}) reads the last real token of prompt + answer. The head trains with the network's LoRA
 * adapters (method lora) or all its weights (full), on micro-batches of n pairs as 2n rows (chosen, then rejected),
 * with the Bradley–Terry loss. Evaluations report that loss and the share of held-out pairs ranked right (the
 * "accuracy" of a reward model); every sampling step shows the rewards of three held-out pairs. Checkpoints hold the
 * head ({@code reward_head.weight}, {@code reward_head.bias}) next to the network, so {@link RewardScores} can score
 * any text with a finished (or stopped) run.
 */
@Singleton
public class RewardRuns implements RunPlugin {
    private final PreferenceSets sets;
    private final DpoRuns dpo;

    public RewardRuns(PreferenceSets sets, DpoRuns dpo) {
        this.sets = sets;
        this.dpo = dpo;
    }

    @Override
    public boolean handles(TrainingConfig config) {
        return config.reward() != null && config.finetune() != null;
    }

    @Override
    public Session prepare(TrainingConfig config, PreparedRun run, JobContext ctx) throws java.io.IOException {
        TrainingConfig.FineTune f = config.finetune();
        TrainingConfig.Reward r = config.reward();
        ctx.progress(0, "Reading the preference set " + f.dataset());
        PreferenceSets.Split split = sets.load(f.dataset(), config.seed());
        int eos = run.tokenizer().endOfText();
        SftEncoder encoder = new SftEncoder(ChatTemplate.parse(f.template()), run.tokenizer()::encode, eos < 0 ? null : eos,
                config.training().blockSize(), false);
        DpoRuns.Encoded train = DpoRuns.encode(encoder, split.train(), "training");
        DpoRuns.Encoded val = DpoRuns.encode(encoder, split.val(), "validation");
        Transformer network = (Transformer) run.network();
        if (r.sftAdapter() != null) {
            ctx.progress(0, "Merging the SFT adapter " + r.sftAdapter() + " into " + config.training().initFrom());
            dpo.mergeSft(r.sftAdapter(), config.training().initFrom(), network);
        }
        long trainable = 0;
        if (f.lora()) {
            Lora lora = run.attachLora(FineTuneRuns.spec(f));
            trainable = lora.trainableParameters();
        } else {
            for (var p : network.getParameters()) {
                trainable += p.getValue().getArray().size();
            }
        }
        NDManager manager = network.getParameters().get(0).getValue().getArray().getManager();
        RewardModel head = new RewardModel(network.config().embeddingSize(), r.margin(), manager, config.seed());
        run.trainAlso(head.parameters());
        ctx.progress(0, String.format("Reward model (Bradley–Terry%s) on %,d pairs of %s%s, %s: %,d trainable parameters and the head's %,d",
                r.margin() > 0 ? ", margin " + r.margin() : "", train.pairs().size(), split.name(), DpoRuns.leftOut(train),
                f.lora() ? "LoRA r=" + f.rank() : "all weights", trainable, network.config().embeddingSize() + 1));
        int batch = config.training().batchSize();
        SftBatches trainBatches = SftBatches.preferences(train.pairs(), batch, config.training().gradientAccumulation(), config.seed(), 0);
        SftBatches valBatches = SftBatches.preferences(val.pairs(), batch, 1, config.seed(), 0);
        List<PreferencePair> shown = split.val().subList(0, Math.min(3, split.val().size()));
        // each sampling step: the rewards of three held-out pairs, chosen vs rejected
        Trainer.Sampler sampler = (net, ps, m, step) -> {
            List<int[]> texts = new java.util.ArrayList<>();
            for (PreferencePair p : shown) {
                texts.add(RewardScores.ids(encoder, p, p.chosen()));
                texts.add(RewardScores.ids(encoder, p, p.rejected()));
            }
            float[] v = head.score(net, ps, m, texts);
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < shown.size(); i++) {
                String asked = shown.get(i).prompt().strip().replace("\n", " ");
                out.append(out.isEmpty() ? "" : "\n").append(asked.length() > 50 ? asked.substring(0, 49) + "…" : asked)
                        .append(String.format(": r(chosen) %.3f, r(rejected) %.3f %s", v[2 * i], v[2 * i + 1], v[2 * i] > v[2 * i + 1] ? "✓" : "✗"));
            }
            return out.toString();
        };
        return trainer -> trainer.withBatches(trainBatches).withEvalBatches(trainBatches.forEvaluation(), valBatches.forEvaluation())
                .withObjective(head).withSampler(sampler);
    }
}
