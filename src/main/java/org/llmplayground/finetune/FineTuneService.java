package org.llmplayground.finetune;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Workspace;
import org.llmplayground.generation.chat.ChatTemplate;
import org.llmplayground.model.LoadedModel;
import org.llmplayground.model.ModelService;
import org.llmplayground.model.nn.Transformer;
import org.llmplayground.training.TrainingChecks;
import org.llmplayground.training.TrainingConfig;
import org.llmplayground.training.TrainingConfigs;
import org.llmplayground.training.TrainingQueries;
import org.llmplayground.training.TrainingRun;
import org.llmplayground.training.TrainingService;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Fine-tuning lab's service: starts fine-tuning runs (training runs with a finetune section, so they queue,
 * pause, resume and are listed with the others), lists their adapters, and compares a base model with its fine-tuned
 * version on the same held-out instructions (exact match, greedy answers, side by side).
 */
@Singleton
public class FineTuneService {
    private final TrainingService training;
    private final TrainingChecks checks;
    private final TrainingQueries queries;
    private final SftDatasets datasets;
    private final ModelService models;
    private final Path runs;

    public FineTuneService(TrainingService training, TrainingChecks checks, TrainingQueries queries, SftDatasets datasets,
                           ModelService models, Workspace workspace) {
        this.training = training;
        this.checks = checks;
        this.queries = queries;
        this.datasets = datasets;
        this.models = models;
        this.runs = workspace.dir("runs");
    }

    /** A finished fine-tuning: its run id, base, set and method (the fixed shape other tools read). */
    @Serdeable
    public record Adapter(String id, String base, String dataset, String method, String template, String name,
                          @Nullable Double bestValLoss, boolean files) {
    }

    /** Base vs tuned on one split. */
    @Serdeable
    public record Score(double accuracy, int n) {
    }

    @Serdeable
    public record Example(String prompt, String expected, String base, String tuned, @Nullable String task) {
    }

    @Serdeable
    public record Comparison(String adapter, String dataset, String split, Score base, Score tuned, List<Example> examples) {
    }

    /** A few examples of a set as the model will read them: the prompt (not learned) and the reply (learned). */
    @Serdeable
    public record Rendered(String prompt, String reply, String where) {
    }

    @Serdeable
    public record Preview(String dataset, String layout, int train, int val, int test, long skipped, List<String> problems,
                          List<Rendered> examples) {
    }

    /** Stores an uploaded instruction set in the datasets folder (see {@link SftDatasets#upload}). */
    public SftDatasets.Uploaded upload(String name, java.io.InputStream in) {
        return datasets.upload(name, in);
    }

    public List<SftDatasets.Info> datasets() {
        return datasets.list();
    }

    public Preview preview(String dataset, @Nullable String template, int count) {
        SftDatasets.Split s = datasets.load(dataset, 1337);
        SftEncoder enc = new SftEncoder(ChatTemplate.parse(template == null ? "plain" : template), t -> new int[0], null, 1, false);
        List<Rendered> shown = new ArrayList<>();
        for (SftExample e : s.train().subList(0, Math.min(Math.max(1, Math.min(count, 50)), s.train().size()))) {
            shown.add(new Rendered(enc.prompt(e), enc.reply(e), e.where()));
        }
        return new Preview(dataset, s.layout(), s.train().size(), s.val().size(), s.test().size(), s.skipped(), s.problems(), shown);
    }

    /**
     * Starts a fine-tuning run as the Training lab starts any run: {@code yaml} if given, else the saved config
     * {@code config} (e.g. sft-demo); {@code maxSteps} overrides training.max_steps.
     */
    public TrainingRun start(@Nullable String config, @Nullable String yaml, @Nullable String name, @Nullable Integer maxSteps) {
        TrainingConfig c = resolve(config, yaml, name, maxSteps, "sft-demo");
        if (c.finetune() == null) {
            throw new BadInputException("The config has no finetune section: it would pre-train, not fine-tune. Add one, e.g. "
                    + "finetune: {dataset: sft-demo, method: lora, rank: 8}.");
        }
        return training.start(c);
    }

    /**
     * The config a start request names: {@code yaml} if given, else the saved config {@code config}; {@code maxSteps}
     * overrides training.max_steps (warm-up shortened to fit). {@code example} names a config for the message.
     */
    public TrainingConfig resolve(@Nullable String config, @Nullable String yaml, @Nullable String name, @Nullable Integer maxSteps,
                                  String example) {
        if ((yaml == null || yaml.isBlank()) && (config == null || config.isBlank())) {
            throw new BadInputException("Give 'config' (a saved config, e.g. " + example + ") or 'yaml' (a whole config).");
        }
        TrainingConfig c = checks.resolve(yaml == null || yaml.isBlank() ? config : null, yaml, name);
        if (maxSteps != null) {
            TrainingConfig.Training t = c.withDefaults().training();
            c = c.with(t.toBuilder().maxSteps(maxSteps).warmupSteps(Math.min(t.warmupSteps(), maxSteps)).build());
        }
        return c;
    }

    /** Starts a fine-tuning run from a config the lab built (with a finetune section). */
    public TrainingRun start(TrainingConfig config) {
        if (config.finetune() == null) {
            throw new BadInputException("The config has no finetune section: it would pre-train, not fine-tune.");
        }
        return training.start(config.withName(checks.freeName(config.name())));
    }

    /** A model the lab can fine-tune: a loaded transformer that reads text, read from files (bundled, trained, imported). */
    @Serdeable
    public record Base(String id, String name, long parameters, org.llmplayground.model.ModelConfig config) {
    }

    public List<Base> bases() {
        return models.models().stream()
                .filter(m -> m.readsText() && m.config().architecture() == org.llmplayground.model.Architecture.TRANSFORMER
                        && models.weightsPath(m.id()).isPresent())
                .map(m -> new Base(m.id(), m.name(), m.parameters(), m.config())).toList();
    }

    /**
     * A fine-tuning config for the loaded model {@code baseId}: its own network and tokenizer (a checkpoint's data and
     * model sections; an import's shape and tokenizer), {@code f}, and training settings for it: the demo's recipe on
     * the bundled shakespeare-char, a gentler one (batch 8, lr 5e-4 for adapters, 5e-5 for all weights) elsewhere.
     */
    public TrainingConfig configFor(String baseId, TrainingConfig.FineTune f, int maxSteps) {
        LoadedModel base = baseModel(baseId);
        Path weights = models.weightsPath(baseId).orElseThrow(() -> new BadInputException("'" + base.info().name()
                + "' was built at random in this session, not read from files: train it (or import it) to fine-tune it."));
        TrainingConfig demo = demoConfig();
        org.llmplayground.model.ModelConfig m = base.config();
        if (m.architecture() != org.llmplayground.model.Architecture.TRANSFORMER || !base.info().readsText()) {
            throw new BadInputException("'" + base.info().name() + "' reads " + base.info().input() + ": fine-tuning on instructions "
                    + "needs a transformer that reads text through its tokenizer.");
        }
        TrainingConfig.Data data;
        TrainingConfig.Model model;
        if (Files.isRegularFile(weights.resolve("checkpoint.json"))) {
            try {
                TrainingConfig trained = TrainingConfigs.parse(org.llmplayground.training.Checkpoints.readMeta(weights).configYaml()).withDefaults();
                data = trained.data();
                model = trained.model();
            } catch (IOException e) {
                throw new BadInputException("Cannot read the checkpoint of '" + base.info().name() + "': " + e.getMessage(), e);
            }
        } else {
            if (!(base.codec() instanceof org.llmplayground.model.TokenizerCodec tc)) {
                throw new BadInputException("'" + base.info().name() + "' has no tokenizer here.");
            }
            data = new TrainingConfig.Data("tinyshakespeare", tc.tokenizer(), 0.1, null);
            model = new TrainingConfig.Model(null, "transformer", m.layers(), m.embeddingSize(), m.heads(), m.kvHeads(), m.contextLength(),
                    m.vocabSize(), (double) m.ffnHiddenSize() / m.embeddingSize(), lower(m.positionEncoding()), lower(m.activation()),
                    lower(m.norm()), lower(m.normPlacement()), m.bias(), m.tiedEmbeddings(), 0.0);
        }
        boolean demoBase = ModelService.SHAKESPEARE_MODEL.equals(baseId);
        TrainingConfig.Training t = demoBase ? demo.training() : TrainingConfig.Training.builder().batchSize(8)
                .blockSize(Math.min(256, m.contextLength())).learningRate(f.lora() ? 5e-4 : 5e-5).minLearningRate(f.lora() ? 5e-5 : 5e-6)
                .schedule("cosine").weightDecay(0.0).evalInterval(25).evalBatches(4).saveInterval(100).build();
        int steps = Math.max(1, maxSteps);
        t = t.toBuilder().initFrom(baseId).maxSteps(steps).warmupSteps(Math.min(demoBase ? t.warmupSteps() : 10, steps))
                .learningRate(!demoBase || f.lora() ? t.learningRate() : 1e-3).build();
        TrainingConfig.Sampling sampling = demoBase ? demo.sampling() : new TrainingConfig.Sampling(Math.max(25, steps / 4),
                ChatTemplate.parse(f.template()).render(null, List.of(new org.llmplayground.generation.chat.ChatMessage("user",
                        "Give three tips for staying healthy.")), ""), 0.1, 48);
        TrainingConfig c = new TrainingConfig("fine-tune " + base.info().name() + " on " + f.dataset(), "Fine-tuning " + base.info().name()
                + " (" + f.method() + ") on " + f.dataset() + ".", demo.seed(), data, model, t, sampling, f);
        org.llmplayground.model.ModelConfig expressed = c.withDefaults().modelConfig(m.vocabSize());
        if (!expressed.toBuilder().dropout(0).build().equals(m.toBuilder().dropout(0).build())) {
            throw new BadInputException("'" + base.info().name() + "' has settings a training config cannot write yet (norm ε "
                    + m.normEps() + ", RoPE θ " + m.ropeTheta() + ", scaled embeddings " + m.scaleEmbeddings()
                    + "): fine-tuning it here would change its network.");
        }
        return c;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The bundled demo config, the lab's starting point. */
    public TrainingConfig demoConfig() {
        return checks.resolve("sft-demo", null, null);
    }

    /** A loaded model's config (the base of the demo: shakespeare-char), for counting what LoRA would train. */
    public org.llmplayground.model.ModelConfig baseConfig(String base) {
        return baseModel(base).config();
    }

    /** The runs with a finetune section, newest first. */
    public List<TrainingRun> runs() {
        return queries.runs().stream().filter(r -> TrainingConfigs.parse(r.configYaml()).finetune() != null).toList();
    }

    /** Every finished fine-tuning run, as an adapter (LoRA: its PEFT files; full: its checkpoints are the model). */
    public List<Adapter> adapters() {
        List<Adapter> out = new ArrayList<>();
        for (TrainingRun r : runs()) {
            if (r.state() != TrainingRun.State.FINISHED) {
                continue;
            }
            TrainingConfig c = TrainingConfigs.parse(r.configYaml()).withDefaults();
            TrainingConfig.FineTune f = c.finetune();
            boolean files = Files.isRegularFile(adapterDir(r.id()).resolve(PeftAdapters.CONFIG));
            out.add(new Adapter(r.id(), c.training().initFrom(), f.dataset(), f.method(), f.template(), r.name(), r.bestValLoss(), files));
        }
        return out;
    }

    public Adapter adapter(String id) {
        return adapters().stream().filter(a -> a.id().equals(id)).findFirst()
                .orElseThrow(() -> BadInputException.notFound("No finished fine-tuning run '" + id + "'."));
    }

    Path adapterDir(String runId) {
        return Workspace.resolveInside(runs, runId).resolve(FineTuneRuns.ADAPTER_DIR);
    }

    /** Deletes an adapter's files (the run and its checkpoints stay, so it can be written again by resuming). */
    public void deleteAdapter(String id) {
        Adapter a = adapter(id);
        if (!a.files()) {
            throw BadInputException.notFound("'" + id + "' has no adapter files (" + a.method() + " fine-tuning keeps its checkpoints).");
        }
        try (var files = Files.list(adapterDir(id))) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
            Files.delete(adapterDir(id));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Base vs fine-tuned on {@code split} (test by default) of the adapter's own set, or of {@code dataset}: greedy
     * answers of both, exact match, side by side. At most {@code limit} examples (all by default, up to 500).
     */
    public Comparison compare(String adapterId, @Nullable String split, @Nullable String dataset, @Nullable Integer limit) {
        return compare(adapterId, split, dataset, limit, null);
    }

    /** As {@link #compare(String, String, String, Integer)}, refused when {@code onBase} is not the adapter's base. */
    public Comparison compare(String adapterId, @Nullable String split, @Nullable String dataset, @Nullable Integer limit,
                              @Nullable String onBase) {
        Adapter a = adapter(adapterId);
        if ("full".equals(a.method())) {
            throw new BadInputException("Comparing is offered for LoRA and QLoRA adapters; '" + a.name() + "' is full fine-tuning.");
        }
        if (onBase != null && !onBase.isBlank() && !onBase.equals(a.base())) {
            throw new BadInputException(String.format("The adapter '%s' was trained on the base '%s'; it cannot be applied to '%s' "
                    + "(an adapter is a change to one model's weights).", a.name(), a.base(), onBase));
        }
        if (!a.files()) {
            throw BadInputException.notFound("The adapter files of '" + a.name() + "' were deleted; resume the run to write them again.");
        }
        TrainingRun run = queries.run(adapterId);
        TrainingConfig c = TrainingConfigs.parse(run.configYaml()).withDefaults();
        String set = dataset == null || dataset.isBlank() ? a.dataset() : dataset;
        SftDatasets.Split s = datasets.load(set, c.seed());
        String part = split == null || split.isBlank() ? "test" : split;
        List<SftExample> examples = switch (part) {
            case "test" -> s.test();
            case "val", "validation" -> s.val();
            case "train" -> s.train();
            default -> throw new BadInputException("Unknown split '" + part + "': use test, val or train.");
        };
        int n = Math.min(examples.size(), limit == null ? 500 : Math.max(1, Math.min(limit, 500)));
        examples = examples.subList(0, n);
        List<String> tasks = s.tasks() == null || !part.equals("test") ? null : s.tasks().subList(0, n);
        LoadedModel base = baseModel(a.base());
        if (!(base.network() instanceof Transformer network)) {
            throw new BadInputException("The base '" + a.base() + "' is not a transformer.");
        }
        SftEncoder enc = new SftEncoder(ChatTemplate.parse(a.template()), base.codec()::encode, null, c.training().blockSize(), false);
        ExactMatch.Result before;
        ExactMatch.Result after;
        String quantization = c.finetune().quantization();
        synchronized (base.lock()) { // the adapters go on the shared base network for the tuned answers, then off again
            before = ExactMatch.evaluate(network, base.parameterStore(), base.manager(), enc, base.codec()::encode, base.codec()::decode,
                    examples, tasks, 32);
            if (quantization == null) {
                try {
                    PeftAdapters.load(adapterDir(adapterId), network);
                    after = ExactMatch.evaluate(network, base.parameterStore(), base.manager(), enc, base.codec()::encode, base.codec()::decode,
                            examples, tasks, 32);
                } catch (IOException e) {
                    throw new BadInputException("Cannot read the adapter of '" + a.name() + "': " + e.getMessage(), e);
                } finally {
                    network.detachLora();
                }
            } else { // QLoRA: the adapters learned on the quantized base, so they are judged on a quantized copy of it
                try (ai.djl.ndarray.NDManager manager = base.manager().newSubManager()) {
                    Transformer copy = new Transformer(network.config());
                    copy.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 1));
                    for (var p : copy.getParameters()) {
                        p.getValue().getArray().set(network.getParameters().get(p.getKey()).getArray().toFloatArray());
                    }
                    PeftAdapters.load(adapterDir(adapterId), copy);
                    copy.quantizeBase(org.llmplayground.model.nn.Quantized.Scheme.parse(quantization));
                    after = ExactMatch.evaluate(copy, new ai.djl.training.ParameterStore(manager, false), manager, enc,
                            base.codec()::encode, base.codec()::decode, examples, tasks, 32);
                } catch (IOException e) {
                    throw new BadInputException("Cannot read the adapter of '" + a.name() + "': " + e.getMessage(), e);
                }
            }
        }
        List<Example> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ExactMatch.Answer b = before.answers().get(i);
            rows.add(new Example(b.prompt(), b.expected(), b.answer(), after.answers().get(i).answer(), b.task()));
        }
        return new Comparison(adapterId, set, part, new Score(before.accuracy(), n), new Score(after.accuracy(), n), rows);
    }

    /**
     * Folds a LoRA run's adapters into its base weights (W + (α/r)·B·A, the network's own merge) and saves the result
     * as a standalone model in the imports folder, loaded at once: usable in Generation and Chat like any model, at
     * the base model's speed. The run's last checkpoint is the source (base weights and adapters together).
     */
    public LoadedModel.ModelInfo merge(String adapterId, String name) {
        Adapter a = adapter(adapterId);
        if ("full".equals(a.method())) {
            throw new BadInputException("'" + a.name() + "' fine-tuned every weight: its checkpoints are already a whole model.");
        }
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,59}")) {
            throw new BadInputException("Name the merged model with 1 to 60 letters, digits, '.', '_' or '-' (got '" + name + "').");
        }
        Path target = Workspace.resolveInside(models.importsFolder(), name);
        if (Files.exists(target)) {
            throw BadInputException.conflict("The imports folder has '" + name + "' already; choose another name.");
        }
        List<org.llmplayground.training.Checkpoints.Saved> saved = queries.checkpoints(adapterId);
        if (saved.isEmpty()) {
            throw BadInputException.notFound("'" + a.name() + "' has no checkpoint to merge (its files were deleted).");
        }
        Path last = Path.of(saved.get(saved.size() - 1).path());
        TrainingConfig c = TrainingConfigs.parse(queries.run(adapterId).configYaml()).withDefaults();
        try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Transformer network = AdapterCheckpoint.read(last, c, manager, a.name()).network();
            network.mergeLora();
            writeModel(network, last, target);
        } catch (IOException e) {
            throw new BadInputException("Cannot write the merged model: " + e.getMessage(), e);
        }
        return models.importWeights(name);
    }

    /**
     * Writes a network as a model folder of the imports folder ({@code target}): its weights as model.safetensors and
     * the checkpoint.json of {@code checkpoint} (the network's config and tokenizer), all at once (a crash leaves an
     * .unfinished folder, never half a model).
     */
    public static void writeModel(Transformer network, Path checkpoint, Path target) throws IOException {
        java.util.Map<String, org.llmplayground.model.io.Tensor> weights = new java.util.LinkedHashMap<>();
        for (var p : network.getParameters()) {
            weights.put(p.getKey(), new org.llmplayground.model.io.Tensor(p.getValue().getArray().toFloatArray(),
                    p.getValue().getArray().getShape().getShape(), p.getKey()));
        }
        Path tmp = Files.createDirectories(target.resolveSibling(target.getFileName() + Workspace.UNFINISHED));
        Files.copy(checkpoint.resolve("checkpoint.json"), tmp.resolve("checkpoint.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        org.llmplayground.model.io.SafetensorsWriter.write(weights, tmp.resolve("model.safetensors"));
        Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The base model of an adapter: a model the app has loaded (bundled ones), refused with the reason otherwise. */
    private LoadedModel baseModel(String base) {
        try {
            return models.get(base);
        } catch (BadInputException e) {
            throw BadInputException.notFound("The base model '" + base + "' of this adapter is not loaded: comparing needs it "
                    + "(bundled models are; load a run's checkpoint in the Generation lab first).");
        }
    }
}
