package org.llmplayground.finetune;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.jobs.JobContext;
import org.llmplayground.generation.chat.ChatTemplate;
import org.llmplayground.model.ParameterCounter;
import org.llmplayground.model.nn.Lora;
import org.llmplayground.model.nn.Quantized;
import org.llmplayground.model.nn.Transformer;
import org.llmplayground.training.PreparedRun;
import org.llmplayground.training.RunPlugin;
import org.llmplayground.training.Trainer;
import org.llmplayground.training.TrainingConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Fine-tuning runs: the Training lab's runs whose config has a {@code finetune} section. The base weights are loaded
 * by the run (training.init_from); this plugin encodes the instruction set through the template, attaches LoRA
 * adapters (method lora) or leaves every weight trainable (method full), and feeds the loop batches of examples with
 * the loss on the replies. When the run ends, a LoRA run's adapters are written in PEFT's layout to
 * {@code <run>/adapter/} with {@code playground.json} (base, dataset, method, template) beside them.
 */
@Singleton
public class FineTuneRuns implements RunPlugin {
    public static final String ADAPTER_DIR = "adapter";
    public static final String ABOUT = "playground.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SftDatasets datasets;

    public FineTuneRuns(SftDatasets datasets) {
        this.datasets = datasets;
    }

    @Override
    public boolean handles(TrainingConfig config) {
        return config.finetune() != null && config.dpo() == null && config.reward() == null; // preference.DpoRuns, RewardRuns
    }

    /** The LoRA settings of a config's finetune section. */
    public static Lora.Spec spec(TrainingConfig.FineTune f) {
        return new Lora.Spec(f.rank(), f.alpha(), f.loraDropout(), new TreeSet<>(f.targets()), new TreeSet<>(f.layers()));
    }

    @Override
    public Session prepare(TrainingConfig config, PreparedRun run, JobContext ctx) {
        TrainingConfig.FineTune f = config.finetune();
        ChatTemplate template = ChatTemplate.parse(f.template());
        ctx.progress(0, "Reading the instruction set " + f.dataset());
        SftDatasets.Split split = datasets.load(f.dataset(), config.seed());
        int block = config.training().blockSize();
        int eos = run.tokenizer().endOfText(); // replies end with it where the vocabulary has one, else with "\n"
        SftEncoder encoder = new SftEncoder(template, run.tokenizer()::encode, eos < 0 ? null : eos, block, f.trainOnPrompt());
        Encoded train = encode(encoder, split.train(), "training", block);
        Encoded val = encode(encoder, split.val(), "validation", block);
        String what;
        if (f.lora()) {
            Lora lora = run.attachLora(spec(f));
            long total = ParameterCounter.count(run.modelConfig()).total();
            what = String.format("%s r=%d on %s: %,d trainable parameters (%.2f %% of %,d)", f.qlora() ? "QLoRA" : "LoRA", f.rank(),
                    String.join(", ", f.targets()), lora.trainableParameters(), 100.0 * lora.trainableParameters() / total, total);
            if (f.qlora()) {
                what += "; " + quantize(run, f);
            }
        } else {
            what = String.format("full fine-tuning of %,d parameters", ParameterCounter.count(run.modelConfig()).total());
        }
        ctx.progress(0, String.format("Fine-tuning on %,d examples of %s%s, %s", train.examples().size(), split.name(), train.describe(), what));
        int batch = config.training().batchSize();
        SftBatches trainBatches = new SftBatches(train.examples(), batch, config.training().gradientAccumulation(), config.seed(), f.trainOnPrompt(), 0);
        SftBatches valBatches = new SftBatches(val.examples(), batch, 1, config.seed(), f.trainOnPrompt(), 0);
        return new Session() {
            @Override
            public Trainer apply(Trainer trainer) {
                return trainer.withBatches(trainBatches).withEvalBatches(trainBatches.forEvaluation(), valBatches.forEvaluation())
                        .withSampler(answers(encoder, run, split.val(), config.sampling().length()));
            }

            @Override
            public void ended(PreparedRun prepared, Path runDir) throws Exception {
                if (!f.lora()) {
                    return; // full fine-tuning: the checkpoints are the model
                }
                saveAdapter(prepared, config, runDir, about -> {
                    if (f.qlora()) {
                        about.put("quantization", f.quantization());
                    }
                });
            }
        };
    }

    /**
     * Writes a run's adapters into {@code <run>/adapter/} in PEFT's layout, with playground.json beside them (base,
     * dataset, method, template, and what {@code more} adds).
     */
    public static void saveAdapter(PreparedRun prepared, TrainingConfig config, Path runDir, java.util.function.Consumer<ObjectNode> more)
            throws java.io.IOException {
        TrainingConfig.FineTune f = config.finetune();
        Path dir = runDir.resolve(ADAPTER_DIR);
        PeftAdapters.save((Transformer) prepared.network(), config.training().initFrom(), dir);
        ObjectNode about = JSON.createObjectNode();
        about.put("base", config.training().initFrom());
        about.put("dataset", f.dataset());
        about.put("method", f.method());
        about.put("template", f.template());
        more.accept(about);
        Files.writeString(dir.resolve(ABOUT), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(about));
    }

    /** How many fixed validation instructions a run answers at each sampling step. */
    public static final int SAMPLE_PROMPTS = 3;

    /**
     * The run's progress as answers: the first {@link #SAMPLE_PROMPTS} validation instructions answered greedily (as
     * Compare will), one line each, "instruction → answer", with ✓ where it is exactly the expected reply. The same
     * prompts at every step, so the lines show an answer forming: "→ the shall" at step 0, "→ syas ✓" later.
     */
    public static Trainer.Sampler answers(SftEncoder encoder, PreparedRun run, List<SftExample> val, int maxTokens) {
        List<SftExample> fixed = val.subList(0, Math.min(SAMPLE_PROMPTS, val.size()));
        return (network, ps, manager, step) -> {
            StringBuilder out = new StringBuilder();
            int context = network.config().contextLength();
            for (SftExample e : fixed) {
                int[] ids = run.tokenizer().encode(encoder.prompt(e) + encoder.template().replyStart());
                if (ids.length >= context) {
                    ids = java.util.Arrays.copyOfRange(ids, ids.length - context + 1, ids.length);
                }
                String answer = ExactMatch.greedy(network, ps, manager, ids, encoder, run.tokenizer()::decode,
                        Math.min(maxTokens, context - ids.length)).strip();
                String asked = e.instruction().strip().replace("\n", " ");
                out.append(out.isEmpty() ? "" : "\n").append(asked.length() > 60 ? asked.substring(0, 59) + "…" : asked)
                        .append(" → ").append(answer.replace("\n", " ⏎ ")).append(answer.equals(e.response().strip()) ? " ✓" : "");
            }
            return out.toString();
        };
    }

    /** Holds the run's frozen base quantized (QLoRA) and says what that saved. */
    static String quantize(PreparedRun run, TrainingConfig.FineTune f) {
        Quantized.Scheme scheme = Quantized.Scheme.parse(f.quantization());
        long[] bytes;
        try {
            bytes = ((Transformer) run.network()).quantizeBase(scheme);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        return String.format("base linear weights as %s: %s → %s (%.1f× smaller)", scheme.id(), mb(bytes[0]), mb(bytes[1]),
                (double) bytes[0] / bytes[1]);
    }

    static String mb(long bytes) {
        return bytes >= 10L << 20 ? String.format("%,.0f MB", bytes / 1e6) : String.format("%,.2f MB", bytes / 1e6);
    }

    /** The examples that fit, how many were left out (reply longer than the block) and how many prompts were cut. */
    record Encoded(List<SftEncoder.Encoded> examples, int leftOut, int cut) {
        String describe() {
            if (leftOut == 0 && cut == 0) {
                return "";
            }
            return String.format(" (%,d left out: reply longer than the block; %,d prompts cut from their start)", leftOut, cut);
        }
    }

    /** Every example that fits; refused when none does (the reply alone longer than the block). */
    static Encoded encode(SftEncoder encoder, List<SftExample> examples, String part, int block) {
        List<SftEncoder.Encoded> out = new ArrayList<>();
        int leftOut = 0;
        int cut = 0;
        for (SftExample e : examples) {
            SftEncoder.Encoded enc = encoder.encode(e);
            if (enc == null) {
                leftOut++;
            } else {
                out.add(enc);
                cut += enc.cut() > 0 ? 1 : 0;
            }
        }
        if (out.isEmpty()) {
            throw new BadInputException(String.format("None of the %,d %s examples fits: every reply is longer than the %,d "
                    + "tokens of training.block_size. Raise block_size (up to the model's context) or use shorter examples.",
                    examples.size(), part, block));
        }
        return new Encoded(out, leftOut, cut);
    }
}
