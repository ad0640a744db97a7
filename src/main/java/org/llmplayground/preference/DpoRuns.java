package org.llmplayground.preference;

import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.jobs.JobContext;
import org.llmplayground.finetune.FineTuneRuns;
import org.llmplayground.finetune.PeftAdapters;
import org.llmplayground.finetune.SftBatches;
import org.llmplayground.finetune.SftEncoder;
import org.llmplayground.finetune.SftExample;
import org.llmplayground.generation.chat.ChatTemplate;
import org.llmplayground.model.nn.Lora;
import org.llmplayground.model.nn.Transformer;
import org.llmplayground.training.PreparedRun;
import org.llmplayground.training.RunPlugin;
import org.llmplayground.training.Trainer;
import org.llmplayground.training.TrainingConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * DPO runs: the Training lab's runs whose config has a {@code dpo} section. Everything but the loss is a LoRA
 * fine-tuning run's: the base loaded from training.init_from, LoRA adapters attached (the policy), the same loop,
 * checkpoints, jobs and metrics. Each micro-batch holds batch_size pairs as 2·batch_size rows (chosen rows, then
 * rejected rows, encoded through the template with the loss on the answers); {@link DpoLoss} is the objective, its
 * reference the same network with the adapters off. Evaluations report the DPO loss and the share of held-out pairs
 * ranked right; samples are the policy's answers to three fixed validation prompts. The adapters are saved in PEFT's
 * layout when the run ends, as for supervised fine-tuning.
 */
@Singleton
public class DpoRuns implements RunPlugin {
    /** The bundled SFT adapter of the fine-tuning demo (models/sft-demo-lora), for shakespeare-char. */
    public static final String BUNDLED_SFT = "sft-demo-lora";
    private final PreferenceSets sets;
    private final Path runs;

    public DpoRuns(PreferenceSets sets, org.llmplayground.core.Workspace workspace) {
        this.sets = sets;
        this.runs = workspace.dir("runs");
    }

    /**
     * Merges the SFT adapter into the base, so the policy starts as the SFT model and the reference is it: TRL's
     * usual setup (π_ref = π_SFT). The bundled one is copied out of the jar; a run's is read from its folder.
     */
    public void mergeSft(String adapter, String base, Transformer network) throws java.io.IOException {
        Path dir;
        Path temp = null;
        if (BUNDLED_SFT.equals(adapter)) {
            temp = Files.createTempDirectory("sft-adapter");
            for (String file : List.of(PeftAdapters.CONFIG, PeftAdapters.WEIGHTS)) {
                Files.write(temp.resolve(file), org.llmplayground.core.Resources.bytes("bundled/models/" + BUNDLED_SFT + "/" + file));
            }
            dir = temp;
        } else {
            dir = org.llmplayground.core.Workspace.resolveInside(runs, adapter).resolve(FineTuneRuns.ADAPTER_DIR);
            if (!Files.isRegularFile(dir.resolve(PeftAdapters.CONFIG))) {
                throw new BadInputException("dpo.sft_adapter '" + adapter + "' is neither " + BUNDLED_SFT
                        + " nor a finished fine-tuning run with LoRA adapters.");
            }
        }
        try {
            String trainedOn = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve(PeftAdapters.CONFIG).toFile())
                    .path("base_model_name_or_path").asText("");
            if (!trainedOn.isEmpty() && !trainedOn.equals(base)) {
                // LoRA leaves the embeddings alone, so an adapter of another base with the same width would load without
                // complaint and then read ids of another vocabulary: refused by name instead
                throw new BadInputException(String.format("The SFT adapter '%s' was trained on '%s', but this run starts from '%s': the "
                        + "reference, the SFT model and the policy must be one network with one vocabulary. Choose an adapter "
                        + "trained on '%s', or set training.init_from to '%s'.", adapter, trainedOn, base, base, trainedOn));
            }
            PeftAdapters.load(dir, network);
            network.mergeLora();
        } finally {
            if (temp != null) {
                for (String file : List.of(PeftAdapters.CONFIG, PeftAdapters.WEIGHTS)) {
                    Files.deleteIfExists(temp.resolve(file));
                }
                Files.deleteIfExists(temp);
            }
        }
    }

    @Override
    public boolean handles(TrainingConfig config) {
        return config.dpo() != null && config.finetune() != null;
    }

    /** How many validation prompts the KL estimate samples an answer for, at each sampling step. */
    static final int KL_PROMPTS = 16;
    /** Past this many nats per answer the policy has left its reference far behind: the run says so. */
    static final double KL_WARNING = 5;

    /** "KL(π ‖ π_ref) ≈ 0.12 nats per answer", with a warning when it runs away. */
    static String klLine(double kl) {
        return String.format("KL(π ‖ π_ref) ≈ %.3f nats per answer%s", kl, kl > KL_WARNING
                ? String.format(" ⚠ above %.0f: the policy is running away from its reference; lower the learning rate or raise β", KL_WARNING) : "");
    }

    /** The pairs that fit the block (the answer of each side with at least one prompt token), and how many did not. */
    public record Encoded(List<SftEncoder.Encoded[]> pairs, int leftOut, int cut) {
    }

    public static Encoded encode(SftEncoder encoder, List<PreferencePair> pairs, String part) {
        List<SftEncoder.Encoded[]> out = new ArrayList<>();
        int leftOut = 0;
        int cut = 0;
        for (PreferencePair p : pairs) {
            SftEncoder.Encoded chosen = encoder.encode(example(p, p.chosen()));
            SftEncoder.Encoded rejected = encoder.encode(example(p, p.rejected()));
            if (chosen == null || rejected == null) {
                leftOut++;
            } else {
                out.add(new SftEncoder.Encoded[]{chosen, rejected});
                cut += chosen.cut() > 0 || rejected.cut() > 0 ? 1 : 0;
            }
        }
        if (out.isEmpty()) {
            throw new BadInputException("No " + part + " pair fits the block: every answer alone is longer than training.block_size.");
        }
        return new Encoded(out, leftOut, cut);
    }

    /** " (3 left out: …; 5 prompts cut from their start)", or nothing when every pair fits the block whole. */
    static String leftOut(Encoded e) {
        return e.leftOut() + e.cut() == 0 ? "" : String.format(" (%,d left out: an answer longer than the block; %,d prompts cut from "
                + "their start to fit prompt + answer in the block)", e.leftOut(), e.cut());
    }

    /** A pair's side as an instruction example: the prompt's turns, and that answer to learn or unlearn. */
    public static SftExample example(PreferencePair p, String answer) {
        return new SftExample(p.system(), p.turns(), "", answer, p.where());
    }

    @Override
    public Session prepare(TrainingConfig config, PreparedRun run, JobContext ctx) throws java.io.IOException {
        TrainingConfig.FineTune f = config.finetune();
        TrainingConfig.Dpo d = config.dpo();
        ChatTemplate template = ChatTemplate.parse(f.template());
        ctx.progress(0, "Reading the preference set " + f.dataset());
        PreferenceSets.Split split = sets.load(f.dataset(), config.seed());
        int eos = run.tokenizer().endOfText();
        SftEncoder encoder = new SftEncoder(template, run.tokenizer()::encode, eos < 0 ? null : eos, config.training().blockSize(), false);
        Encoded train = encode(encoder, split.train(), "training");
        Encoded val = encode(encoder, split.val(), "validation");
        if (d.sftAdapter() != null) {
            ctx.progress(0, "Merging the SFT adapter " + d.sftAdapter() + " into " + config.training().initFrom());
            mergeSft(d.sftAdapter(), config.training().initFrom(), (Transformer) run.network());
        }
        // the reference: the network with the adapters off, or a frozen copy of it made now (SFT merged, no adapters yet)
        Reference reference = null;
        String held = "the reference is the model with the adapters off";
        if ("copy".equals(d.reference())) {
            Transformer network = (Transformer) run.network();
            ai.djl.ndarray.NDManager manager = network.getParameters().get(0).getValue().getArray().getManager();
            Transformer frozen = new Transformer(network.config().toBuilder().dropout(0).build());
            frozen.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 1));
            for (var p : frozen.getParameters()) {
                p.getValue().getArray().set(network.getParameters().get(p.getKey()).getArray().toFloatArray());
            }
            reference = Reference.copy(frozen);
            held = String.format("the reference is a frozen copy (%,d more weights in memory)", org.llmplayground.model.ParameterCounter
                    .count(network.config()).total());
        }
        Lora lora = run.attachLora(FineTuneRuns.spec(f));
        if (reference == null) {
            reference = Reference.adaptersOff(lora);
        }
        Reference ref = reference;
        DpoLoss loss = new DpoLoss(DpoLoss.Type.parse(d.loss()), d.beta(), ref, d.rpoAlpha());
        ctx.progress(0, String.format("DPO (%s, β = %s) on %,d pairs of %s%s, LoRA r=%d: %,d trainable parameters; %s", d.loss(), d.beta(),
                train.pairs().size(), split.name(), leftOut(train), f.rank(), lora.trainableParameters(), held));
        int batch = config.training().batchSize();
        SftBatches trainBatches = SftBatches.preferences(train.pairs(), batch, config.training().gradientAccumulation(), config.seed(), 0);
        SftBatches valBatches = SftBatches.preferences(val.pairs(), batch, 1, config.seed(), 0);
        List<SftExample> shown = split.val().stream().map(p -> example(p, p.chosen())).toList();
        Trainer.Sampler answers = FineTuneRuns.answers(encoder, run, shown, config.sampling().length());
        List<int[]> klPrompts = shown.stream().limit(KL_PROMPTS)
                .map(e -> run.tokenizer().encode(encoder.prompt(e) + encoder.template().replyStart())).toList();
        int stop = eos >= 0 ? eos : run.tokenizer().encode("\n")[0];
        // each sampling step: the answers to three fixed validation prompts, then KL(π ‖ π_ref) on answers sampled from π
        // (the KL is also a measure, "kl", for the lab's chart)
        Trainer.Sampler sampler = new Trainer.Sampler() {
            private Double kl;

            @Override
            public String sample(org.llmplayground.model.nn.CausalLm network, ai.djl.training.ParameterStore ps, ai.djl.ndarray.NDManager manager,
                                 int step) {
                kl = PreferenceEval.kl(network, ref, ps, manager, klPrompts, config.sampling().length(), stop, config.seed() + step);
                return answers.sample(network, ps, manager, step) + "\n" + klLine(kl);
            }

            @Override
            public java.util.Map<String, Double> takeMeasures() {
                java.util.Map<String, Double> out = kl == null ? java.util.Map.of() : java.util.Map.of("kl", kl);
                kl = null;
                return out;
            }
        };
        return new Session() {
            @Override
            public Trainer apply(Trainer trainer) {
                return trainer.withBatches(trainBatches).withEvalBatches(trainBatches.forEvaluation(), valBatches.forEvaluation())
                        .withObjective(loss).withSampler(sampler);
            }

            @Override
            public void ended(PreparedRun prepared, Path runDir) throws Exception {
                FineTuneRuns.saveAdapter(prepared, config, runDir, about -> {
                    about.put("objective", "dpo");
                    about.put("beta", d.beta());
                    about.put("loss", d.loss());
                    if (d.sftAdapter() != null) {
                        about.put("sft_adapter", d.sftAdapter());
                    }
                });
            }
        };
    }
}
