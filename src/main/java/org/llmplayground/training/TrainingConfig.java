package org.llmplayground.training;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.llmplayground.model.Architecture;
import org.llmplayground.model.FeedForwardActivation;
import org.llmplayground.model.ModelConfig;
import org.llmplayground.model.ModelPresets;
import org.llmplayground.model.NormPlacement;
import org.llmplayground.model.NormType;
import org.llmplayground.model.PositionEncoding;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One experiment, as written in a YAML file of {@code configs/} (keys in snake_case). Every field may be left out:
 * {@link #withDefaults()} fills the gaps, so the order of precedence is defaults &lt; YAML &lt; UI/API overrides.
 * The resolved config (no gaps) is stored with the run, so the run can be repeated from its record alone.
 *
 * @param name        a label for the run
 * @param seed        seeds initialisation, batch sampling, dropout and samples; same seed + same config = same run
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainingConfig(String name, String description, Long seed, Data data, Model model, Training training,
                             Sampling sampling, FineTune finetune, Dpo dpo, Reward reward) {

    /** A config without a preference objective (pre-training, or supervised fine-tuning with a finetune section). */
    public TrainingConfig(String name, String description, Long seed, Data data, Model model, Training training, Sampling sampling,
                          FineTune finetune) {
        this(name, description, seed, data, model, training, sampling, finetune, null, null);
    }

    /** A config without a reward-model section. */
    public TrainingConfig(String name, String description, Long seed, Data data, Model model, Training training, Sampling sampling,
                          FineTune finetune, Dpo dpo) {
        this(name, description, seed, data, model, training, sampling, finetune, dpo, null);
    }

    /**
     * A reward model instead of a language model: with it, the finetune section's dataset is a preference set, the
     * network (with its LoRA adapters, or all its weights) reads prompt + answer and a scalar head on the last real
     * token gives the reward, trained with the Bradley–Terry loss −log σ(r_chosen − r_rejected − margin).
     *
     * @param margin     a margin the chosen reward must clear (0: plain Bradley–Terry)
     * @param sftAdapter a LoRA adapter merged into the base first (as for dpo): "sft-demo-lora" or a fine-tuning run id
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Reward(Double margin, String sftAdapter) {
    }

    /**
     * Preference tuning with Direct Preference Optimization: with it, the finetune section's dataset is a preference
     * set (prompt, chosen, rejected) and its LoRA adapters are the policy; the reference is the same model with them
     * switched off. training.batch_size counts pairs (each is two rows, chosen and rejected).
     *
     * @param beta how far the policy may move from the reference: the implicit reward is β·log π/π_ref (0.1 is usual)
     * @param loss sigmoid (the DPO paper), hinge (SLiC) or ipo
     * @param sftAdapter a LoRA adapter merged into the base first, so policy and reference start as the SFT model:
     *                   "sft-demo-lora" (bundled) or the id of a fine-tuning run; none: the base as it is
     * @param rpoAlpha   weight of an added NLL loss on the chosen answers (TRL's rpo_alpha; 0: plain DPO): keeps the
     *                   chosen answers likely while the margin grows
     * @param reference  adapters-off (the policy's network with its adapters switched off: no second copy) or copy (a
     *                   frozen copy of the starting network: the same numbers, twice the weights' memory)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Dpo(Double beta, String loss, String sftAdapter, Double rpoAlpha, String reference) {
        public Dpo(Double beta, String loss, String sftAdapter, Double rpoAlpha) {
            this(beta, loss, sftAdapter, rpoAlpha, null);
        }
    }

    /** A pre-training config (no fine-tuning section). */
    public TrainingConfig(String name, String description, Long seed, Data data, Model model, Training training, Sampling sampling) {
        this(name, description, seed, data, model, training, sampling, null, null);
    }

    /**
     * Supervised fine-tuning instead of pre-training: the run starts from {@code training.init_from} (the base model)
     * and learns the replies of an instruction set. The model and data sections describe the base (its network and
     * its tokenizer), as for any run that starts from given weights.
     *
     * @param dataset       an instruction set: "sft-demo" or "alpaca" (bundled), or a file of the datasets folder
     * @param template      how an example becomes text: plain, alpaca, chatml or llama2 (the Chat playground's templates)
     * @param method        lora (adapters, base frozen), qlora (adapters on a base held quantized) or full (every weight)
     * @param rank          LoRA's r, the rank of ΔW = (α/r)·B·A
     * @param alpha         LoRA's α
     * @param loraDropout   dropout on the adapters' input while training
     * @param targets       the layers adapted: qkv, q, k, v, o, up, gate, down
     * @param layers        the blocks adapted (empty: all)
     * @param trainOnPrompt learn the prompt tokens too (off: the loss is on the replies only)
     * @param quantization  qlora's base: int8 (per channel) or q4_0 (groups of 32, 4 bits)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FineTune(String dataset, String template, String method, Integer rank, Double alpha, Double loraDropout,
                           List<String> targets, List<Integer> layers, Boolean trainOnPrompt, String quantization) {
        /** Adapters train (lora or qlora), the base is frozen. */
        public boolean lora() {
            return "lora".equals(method) || qlora();
        }

        public boolean qlora() {
            return "qlora".equals(method);
        }
    }

    /**
     * @param corpus        a corpus id (tinyshakespeare or an upload, see the Data API)
     * @param tokenizer     "char" (the corpus' own characters, e.g. 65 for Shakespeare) or a Tokenizer lab id (gpt2, ...)
     * @param valFraction   share of the text held out for validation, chosen in segments with the seed
     * @param valCorpus     validate on this corpus instead (e.g. the val part of a Data lab split); then all of
     *                      {@code corpus} trains and valFraction is unused. Needs a Tokenizer lab tokenizer: a char
     *                      vocabulary comes from the training corpus alone
     * @param valSplit      where the held-out share comes from: "segments" (default: seeded segments from all over
     *                      the text) or "tail" (the last valFraction of the text, as nanoGPT's prepare.py splits
     *                      Shakespeare, so a val loss compares with nanoGPT's published ones)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Data(String corpus, String tokenizer, Double valFraction, String valCorpus, String valSplit) {
        public Data(String corpus, String tokenizer, Double valFraction, String valCorpus) {
            this(corpus, tokenizer, valFraction, valCorpus, null);
        }

        /** Whether validation is the last valFraction of the text (nanoGPT's split). */
        public boolean tailSplit() {
            return "tail".equals(valSplit);
        }
    }

    /**
     * The network. With {@code preset} the preset's config is the starting point and the other keys override it.
     * {@code vocabSize} defaults to the tokenizer's vocabulary and must not be smaller.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Model(String preset, String architecture, Integer numLayers, Integer hiddenSize, Integer numHeads,
                        Integer numKvHeads, Integer contextLength, Integer vocabSize, Double ffnExpansion,
                        String positionEncoding, String activation, String norm, String normPlacement, Boolean bias,
                        Boolean tieEmbeddings, Double dropout) {
    }

    /**
     * The optimisation.
     *
     * @param batchSize             sequences per micro-batch
     * @param blockSize             tokens per sequence (at most the model's context length)
     * @param gradientAccumulation  micro-batches per optimizer step: the effective batch is batchSize × this
     * @param learningRate          peak learning rate, reached after the warm-up
     * @param minLearningRate       where cosine and linear decay end
     * @param schedule              cosine, linear or constant (each after a linear warm-up)
     * @param gradClip              global-norm clipping threshold (0 = off)
     * @param precision             fp32 (fp16 and bf16 need a CUDA GPU)
     * @param evalInterval          evaluate every this many steps, on evalBatches batches of train and of val
     * @param earlyStoppingPatience stop after this many evaluations without a better val loss (0 = never)
     * @param earlyStoppingMinDelta  how much lower a val loss must be to count as better (0 = any decrease)
     * @param saveInterval          checkpoint every this many steps (and at the end)
     * @param keepBest              checkpoints kept besides the latest, the best by val loss
     * @param initFrom              start from these weights instead of random ones: the bundled model shakespeare-char or a
     *                              run's checkpoint as "<run id>/<step>" (a fresh optimizer and step 0)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Training(Integer batchSize, Integer blockSize, Integer gradientAccumulation, Double learningRate,
                           Double minLearningRate, String schedule, Integer warmupSteps, Integer maxSteps,
                           Double weightDecay, Double beta1, Double beta2, Double gradClip, String precision,
                           Integer evalInterval, Integer evalBatches, Integer earlyStoppingPatience, Double earlyStoppingMinDelta,
                           Integer saveInterval,
                           Integer keepBest, String initFrom) {
        /** A builder with every field of this record, to change some by name: {@code t.toBuilder().maxSteps(60).build()}. */
        public Builder toBuilder() {
            Builder b = new Builder();
            b.batchSize = batchSize;
            b.blockSize = blockSize;
            b.gradientAccumulation = gradientAccumulation;
            b.learningRate = learningRate;
            b.minLearningRate = minLearningRate;
            b.schedule = schedule;
            b.warmupSteps = warmupSteps;
            b.maxSteps = maxSteps;
            b.weightDecay = weightDecay;
            b.beta1 = beta1;
            b.beta2 = beta2;
            b.gradClip = gradClip;
            b.precision = precision;
            b.evalInterval = evalInterval;
            b.evalBatches = evalBatches;
            b.earlyStoppingPatience = earlyStoppingPatience;
            b.earlyStoppingMinDelta = earlyStoppingMinDelta;
            b.saveInterval = saveInterval;
            b.keepBest = keepBest;
            b.initFrom = initFrom;
            return b;
        }

        /** A builder with every field unset (null: the default applies). */
        public static Builder builder() {
            return new Builder();
        }

        /** Sets fields by name, so no caller counts twenty positions. */
        public static final class Builder {
            private Integer batchSize;
            private Integer blockSize;
            private Integer gradientAccumulation;
            private Double learningRate;
            private Double minLearningRate;
            private String schedule;
            private Integer warmupSteps;
            private Integer maxSteps;
            private Double weightDecay;
            private Double beta1;
            private Double beta2;
            private Double gradClip;
            private String precision;
            private Integer evalInterval;
            private Integer evalBatches;
            private Integer earlyStoppingPatience;
            private Double earlyStoppingMinDelta;
            private Integer saveInterval;
            private Integer keepBest;
            private String initFrom;

            public Builder batchSize(Integer v) {
                this.batchSize = v;
                return this;
            }

            public Builder blockSize(Integer v) {
                this.blockSize = v;
                return this;
            }

            public Builder gradientAccumulation(Integer v) {
                this.gradientAccumulation = v;
                return this;
            }

            public Builder learningRate(Double v) {
                this.learningRate = v;
                return this;
            }

            public Builder minLearningRate(Double v) {
                this.minLearningRate = v;
                return this;
            }

            public Builder schedule(String v) {
                this.schedule = v;
                return this;
            }

            public Builder warmupSteps(Integer v) {
                this.warmupSteps = v;
                return this;
            }

            public Builder maxSteps(Integer v) {
                this.maxSteps = v;
                return this;
            }

            public Builder weightDecay(Double v) {
                this.weightDecay = v;
                return this;
            }

            public Builder beta1(Double v) {
                this.beta1 = v;
                return this;
            }

            public Builder beta2(Double v) {
                this.beta2 = v;
                return this;
            }

            public Builder gradClip(Double v) {
                this.gradClip = v;
                return this;
            }

            public Builder precision(String v) {
                this.precision = v;
                return this;
            }

            public Builder evalInterval(Integer v) {
                this.evalInterval = v;
                return this;
            }

            public Builder evalBatches(Integer v) {
                this.evalBatches = v;
                return this;
            }

            public Builder earlyStoppingPatience(Integer v) {
                this.earlyStoppingPatience = v;
                return this;
            }

            public Builder earlyStoppingMinDelta(Double v) {
                this.earlyStoppingMinDelta = v;
                return this;
            }

            public Builder saveInterval(Integer v) {
                this.saveInterval = v;
                return this;
            }

            public Builder keepBest(Integer v) {
                this.keepBest = v;
                return this;
            }

            public Builder initFrom(String v) {
                this.initFrom = v;
                return this;
            }

            public Training build() {
                return new Training(batchSize, blockSize, gradientAccumulation, learningRate, minLearningRate, schedule, warmupSteps, maxSteps, weightDecay, beta1, beta2, gradClip, precision, evalInterval, evalBatches, earlyStoppingPatience, earlyStoppingMinDelta, saveInterval, keepBest, initFrom);
            }
        }
    }

    /** A text sample every {@code interval} steps: {@code length} tokens after {@code prompt} at {@code temperature}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Sampling(Integer interval, String prompt, Double temperature, Integer length) {
    }

    /** This config with every missing field set to its default (the defaults of shakespeare-char.yaml). */
    public TrainingConfig withDefaults() {
        Data d = data == null ? new Data(null, null, null, null) : data;
        Model m = model == null ? new Model(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null) : model;
        Training t = training == null ? Training.builder().build() : training;
        Sampling s = sampling == null ? new Sampling(null, null, null, null) : sampling;
        ModelConfig base = m.preset() != null && ModelPresets.find(m.preset()).isPresent()
                ? ModelPresets.get(m.preset()).config()
                : ModelConfig.gpt2Style().vocabSize(0).contextLength(128).layers(4).heads(4).embeddingSize(128).ffnHiddenSize(512)
                        .activation(FeedForwardActivation.GELU).dropout(0.1).build();
        int layers = or(m.numLayers(), base.layers());
        int hidden = or(m.hiddenSize(), base.embeddingSize());
        int heads = or(m.numHeads(), base.heads());
        int context = or(m.contextLength(), base.contextLength());
        Model model2 = new Model(m.preset(), or(m.architecture(), base.architecture().name().toLowerCase(Locale.ROOT)), layers, hidden, heads,
                or(m.numKvHeads(), m.numHeads() != null ? heads : base.kvHeads()), context, m.vocabSize(),
                or(m.ffnExpansion(), base.embeddingSize() == 0 ? 4.0 : (double) base.ffnHiddenSize() / base.embeddingSize()),
                or(m.positionEncoding(), base.positionEncoding().name().toLowerCase(Locale.ROOT)),
                or(m.activation(), base.activation().name().toLowerCase(Locale.ROOT)),
                or(m.norm(), base.norm().name().toLowerCase(Locale.ROOT)),
                or(m.normPlacement(), base.normPlacement().name().toLowerCase(Locale.ROOT)),
                or(m.bias(), base.bias()), or(m.tieEmbeddings(), base.tiedEmbeddings()), or(m.dropout(), base.dropout()));
        Training training2 = t.toBuilder().batchSize(or(t.batchSize(), 16)).blockSize(or(t.blockSize(), context))
                .gradientAccumulation(or(t.gradientAccumulation(), 1)).learningRate(or(t.learningRate(), 1e-3))
                .minLearningRate(or(t.minLearningRate(), 1e-4)).schedule(or(t.schedule(), "cosine"))
                .warmupSteps(or(t.warmupSteps(), Math.max(0, Math.min(100, or(t.maxSteps(), 5000) / 10)))).maxSteps(or(t.maxSteps(), 5000))
                .weightDecay(or(t.weightDecay(), 0.1)).beta1(or(t.beta1(), 0.9)).beta2(or(t.beta2(), 0.99)).gradClip(or(t.gradClip(), 1.0))
                .precision(or(t.precision(), "fp32")).evalInterval(or(t.evalInterval(), 250)).evalBatches(or(t.evalBatches(), 20))
                .earlyStoppingPatience(or(t.earlyStoppingPatience(), 0)).earlyStoppingMinDelta(or(t.earlyStoppingMinDelta(), 0.0))
                .saveInterval(or(t.saveInterval(), 500)).keepBest(or(t.keepBest(), 2)).build();
        Sampling sampling2 = new Sampling(or(s.interval(), 500), or(s.prompt(), "\n"), or(s.temperature(), 0.8), or(s.length(), 200));
        FineTune f = finetune == null ? null : new FineTune(or(finetune.dataset(), "sft-demo"), or(finetune.template(), "plain"),
                or(finetune.method(), "lora"), or(finetune.rank(), 8), or(finetune.alpha(), 16.0), or(finetune.loraDropout(), 0.0),
                or(finetune.targets(), List.of("qkv", "o")), or(finetune.layers(), List.of()), or(finetune.trainOnPrompt(), false),
                or(finetune.quantization(), "qlora".equals(finetune.method()) ? "q4_0" : null));
        return new TrainingConfig(or(name, "run"), description, or(seed, 1337L),
                new Data(or(d.corpus(), "tinyshakespeare"), or(d.tokenizer(), "char"), or(d.valFraction(), 0.1), d.valCorpus(),
                        or(d.valSplit(), "segments")),
                model2, training2, sampling2, f, dpo == null ? null : new Dpo(or(dpo.beta(), 0.1), or(dpo.loss(), "sigmoid"), dpo.sftAdapter(),
                or(dpo.rpoAlpha(), 0.0), or(dpo.reference(), "adapters-off")), reward == null ? null : new Reward(or(reward.margin(), 0.0), reward.sftAdapter()));
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    /**
     * Every problem of a config after {@link #withDefaults()}, each naming its key, e.g.
     * "training.learning_rate must be greater than 0 (got 0.0)".
     */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        Training t = training;
        between(p, "training.batch_size", t.batchSize(), 65_536);
        between(p, "training.block_size", t.blockSize(), ModelConfig.MAX_CONTEXT);
        between(p, "training.gradient_accumulation", t.gradientAccumulation(), 1_024);
        between(p, "training.max_steps", t.maxSteps(), MAX_STEPS);
        between(p, "training.eval_interval", t.evalInterval(), MAX_STEPS);
        between(p, "training.eval_batches", t.evalBatches(), 10_000);
        between(p, "training.save_interval", t.saveInterval(), MAX_STEPS);
        between(p, "sampling.interval", sampling.interval(), MAX_STEPS);
        between(p, "sampling.length", sampling.length(), 4_096);
        if (t.batchSize() != null && t.blockSize() != null && (long) t.batchSize() * t.blockSize() > MAX_BATCH_TOKENS) {
            p.add(String.format("training.batch_size × training.block_size must be at most %,d tokens a micro-batch (got %,d × %,d = %,d); "
                    + "use gradient_accumulation for larger batches.", MAX_BATCH_TOKENS, t.batchSize(), t.blockSize(),
                    (long) t.batchSize() * t.blockSize()));
        }
        if (!(t.learningRate() > 0) || t.learningRate() > 10) {
            p.add("training.learning_rate must be greater than 0 and at most 10 (got " + t.learningRate() + ").");
        }
        if (t.learningRate() > 0 && (!(t.minLearningRate() >= 0) || t.minLearningRate() > t.learningRate())) {
            p.add("training.min_learning_rate must be between 0 and training.learning_rate (got " + t.minLearningRate() + ").");
        }
        if (t.warmupSteps() < 0 || t.warmupSteps() > t.maxSteps()) {
            p.add("training.warmup_steps must be between 0 and training.max_steps (got " + t.warmupSteps() + ").");
        }
        if (!List.of("cosine", "linear", "constant").contains(t.schedule())) {
            p.add("training.schedule must be cosine, linear or constant (got '" + t.schedule() + "').");
        }
        if (!(t.weightDecay() >= 0 && t.weightDecay() < 1)) {
            p.add("training.weight_decay must be at least 0 and below 1 (got " + t.weightDecay() + ").");
        }
        if (!(t.beta1() >= 0 && t.beta1() < 1) || !(t.beta2() >= 0 && t.beta2() < 1)) {
            p.add("training.beta1 and training.beta2 must be at least 0 and below 1.");
        }
        if (!(t.gradClip() >= 0)) {
            p.add("training.grad_clip must be 0 (off) or more (got " + t.gradClip() + ").");
        }
        if (!List.of("fp32", "fp16", "bf16").contains(t.precision())) {
            p.add("training.precision must be fp32, fp16 or bf16 (got '" + t.precision() + "').");
        }
        if (!(t.earlyStoppingMinDelta() >= 0)) {
            p.add("training.early_stopping_min_delta must be 0 or more (got " + t.earlyStoppingMinDelta() + ").");
        }
        if (t.earlyStoppingPatience() < 0 || t.keepBest() < 0 || t.earlyStoppingPatience() > 10_000 || t.keepBest() > 1_000) {
            p.add("training.early_stopping_patience must be between 0 and 10,000 and training.keep_best between 0 and 1,000.");
        }
        if (t.blockSize() != null && model.contextLength() != null && t.blockSize() > model.contextLength()) {
            p.add(String.format("training.block_size (%d) is larger than the model's context (model.context_length = %d).",
                    t.blockSize(), model.contextLength()));
        }
        if (!(data.valFraction() > 0 && data.valFraction() < 0.5)) {
            p.add("data.val_fraction must be above 0 and below 0.5 (got " + data.valFraction() + ").");
        }
        if (data.valSplit() != null && !List.of("segments", "tail").contains(data.valSplit())) {
            p.add("data.val_split must be segments (seeded, from all over the text) or tail (the last val_fraction, as nanoGPT) "
                    + "(got '" + data.valSplit() + "').");
        }
        if (data.valCorpus() != null && "char".equals(data.tokenizer())) {
            p.add("data.val_corpus needs a Tokenizer lab tokenizer such as gpt2: the char tokenizer's vocabulary comes from the "
                    + "training corpus alone, and the validation text may hold other characters.");
        }
        if (data.valCorpus() != null && data.valCorpus().equals(data.corpus())) {
            p.add("data.val_corpus must differ from data.corpus (validating on the training text measures memorisation).");
        }
        if (!(sampling.temperature() > 0 && sampling.temperature() <= 100)) {
            p.add("sampling.temperature must be greater than 0 and at most 100 (got " + sampling.temperature() + ").");
        }
        if (finetune != null) {
            FineTune f = finetune;
            if (!List.of("lora", "qlora", "full").contains(f.method())) {
                p.add("finetune.method must be lora, qlora or full (got '" + f.method() + "').");
            }
            if (f.quantization() != null && !f.qlora()) {
                p.add("finetune.quantization is for method qlora (the base held in fewer bits); this run's method is " + f.method() + ".");
            } else if (f.qlora() && !List.of("int8", "q4_0").contains(f.quantization())) {
                p.add("finetune.quantization must be int8 or q4_0 (got '" + f.quantization() + "').");
            }
            if (!List.of("plain", "alpaca", "chatml", "llama2").contains(f.template())) {
                p.add("finetune.template must be plain, alpaca, chatml or llama2 (got '" + f.template() + "').");
            }
            if (f.lora()) {
                between(p, "finetune.rank", f.rank(), 1024);
                if (!(f.alpha() > 0 && f.alpha() <= 10_000)) {
                    p.add("finetune.alpha must be greater than 0 and at most 10,000 (got " + f.alpha() + ").");
                }
                if (!(f.loraDropout() >= 0 && f.loraDropout() < 1)) {
                    p.add("finetune.lora_dropout must be at least 0 and below 1 (got " + f.loraDropout() + ").");
                }
                if (f.targets().isEmpty()) {
                    p.add("finetune.targets must name at least one layer to adapt (qkv, q, k, v, o, up, gate, down).");
                }
            }
            if (training.initFrom() == null) {
                p.add("finetune needs training.init_from: the base model to fine-tune (e.g. shakespeare-char).");
            }
        }
        if (dpo != null) {
            if (finetune == null) {
                p.add("dpo needs a finetune section: its dataset (a preference set), template and LoRA adapters (the policy).");
            } else if (!"lora".equals(finetune.method())) {
                p.add("dpo trains LoRA adapters: the reference is the same model with them switched off; set finetune.method to lora "
                        + "(got " + finetune.method() + ").");
            }
            if (dpo.beta() == null || !(dpo.beta() > 0 && dpo.beta() <= 100)) {
                p.add("dpo.beta must be above 0 and at most 100 (got " + dpo.beta() + "); 0.1 is usual.");
            }
            if (dpo.rpoAlpha() == null || !(dpo.rpoAlpha() >= 0 && dpo.rpoAlpha() <= 100)) {
                p.add("dpo.rpo_alpha must be between 0 and 100 (got " + dpo.rpoAlpha() + "); 0 is plain DPO.");
            }
            if (!java.util.List.of("sigmoid", "hinge", "ipo").contains(dpo.loss())) {
                p.add("dpo.loss must be sigmoid, hinge or ipo (got '" + dpo.loss() + "').");
            }
            if (!java.util.List.of("adapters-off", "copy").contains(dpo.reference())) {
                p.add("dpo.reference must be adapters-off (the same network, adapters switched off) or copy (a frozen copy) (got '"
                        + dpo.reference() + "').");
            }
        }
        if (reward != null) {
            if (finetune == null) {
                p.add("reward needs a finetune section: its dataset (a preference set), template and method (lora: adapters and the head train).");
            } else if ("qlora".equals(finetune.method())) {
                p.add("reward trains the head with LoRA adapters or all weights; set finetune.method to lora or full (got qlora).");
            }
            if (dpo != null) {
                p.add("A config trains either a reward model (reward) or a policy (dpo), not both: remove one section.");
            }
            if (reward.margin() == null || !(reward.margin() >= 0 && reward.margin() <= 100)) {
                p.add("reward.margin must be between 0 and 100 (got " + reward.margin() + "); 0 is plain Bradley–Terry.");
            }
        }
        try {
            modelConfig(Math.max(1, model.vocabSize() == null ? 1 : model.vocabSize())).problems().forEach(x -> p.add("model: " + x));
        } catch (IllegalArgumentException e) {
            p.add("model: " + e.getMessage());
        }
        return p;
    }

    /** Steps, intervals: far beyond any run on this machine, and far from int overflow in step arithmetic. */
    static final int MAX_STEPS = 100_000_000;
    /** Tokens in one micro-batch (batch_size × block_size): 16 Mi, 128 MB of token ids, before any activation. */
    static final long MAX_BATCH_TOKENS = 1L << 24;

    private static void between(List<String> p, String key, Integer value, int max) {
        if (value == null || value < 1 || value > max) {
            p.add(String.format("%s must be between 1 and %,d (got %s).", key, max, value == null ? "nothing" : String.format("%,d", value)));
        }
    }

    /** The network this config describes, for a tokenizer of {@code vocab} tokens (or model.vocab_size if larger). */
    public ModelConfig modelConfig(int vocab) {
        Model m = model;
        ModelConfig base = m.preset() != null && ModelPresets.find(m.preset()).isPresent() ? ModelPresets.get(m.preset()).config()
                : ModelConfig.gpt2Style().build();
        int hidden = m.hiddenSize();
        return base.toBuilder()
                .architecture(enumOf(Architecture.class, m.architecture(), "model.architecture"))
                .vocabSize(m.vocabSize() != null ? m.vocabSize() : vocab)
                .contextLength(m.contextLength()).layers(m.numLayers()).heads(m.numHeads()).kvHeads(m.numKvHeads())
                .embeddingSize(hidden).ffnHiddenSize((int) Math.round(m.ffnExpansion() * hidden))
                .positionEncoding(enumOf(PositionEncoding.class, m.positionEncoding(), "model.position_encoding"))
                .activation(enumOf(FeedForwardActivation.class, m.activation(), "model.activation"))
                .norm(enumOf(NormType.class, m.norm(), "model.norm"))
                .normPlacement(enumOf(NormPlacement.class, m.normPlacement(), "model.norm_placement"))
                .bias(m.bias()).tiedEmbeddings(m.tieEmbeddings()).dropout(m.dropout()).build();
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String value, String key) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            List<String> names = java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
            throw new IllegalArgumentException(key + " must be one of " + String.join(", ", names) + " (got '" + value + "').");
        }
    }

    /** The same config with other training settings (for UI/API overrides). */
    public TrainingConfig with(Training t) {
        return new TrainingConfig(name, description, seed, data, model, t, sampling, finetune, dpo, reward);
    }

    /** The same config under another run name. */
    public TrainingConfig withName(String newName) {
        return new TrainingConfig(newName, description, seed, data, model, training, sampling, finetune, dpo, reward);
    }
}
