package org.llmplayground.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.micronaut.context.annotation.Value;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Resources;
import org.llmplayground.core.Workspace;
import org.llmplayground.model.io.ImportedWeights;
import org.llmplayground.model.io.Llama2cImporter;
import org.llmplayground.model.io.MinGptImporter;
import org.llmplayground.model.io.PlaygroundCheckpoint;
import org.llmplayground.model.io.WeightFormats;
import org.llmplayground.model.nn.NoGrad;
import org.llmplayground.model.nn.Probe;
import org.llmplayground.tokenizer.TokenizerService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The models in memory and what can be done with them: the bundled demo models, models built from a config (random
 * weights), and models imported from {@code <workspace>/imports/}. Views and the API get records and float arrays;
 * tensors stay here.
 */
@Singleton
public class ModelService {
    private static final Logger LOG = LoggerFactory.getLogger(ModelService.class);
    public static final String SORT_MODEL = "gpt-nano-sort";
    public static final String STORIES_MODEL = "stories260k";
    /** A tiny GPT-2 with GPT-2's tokenizer (models/gpt2-mini): reads any English text, so benchmarks run on it. */
    public static final String GPT2_MINI_MODEL = "gpt2-mini";
    /** The character-level GPT the default training config produces, trained with this app (models/shakespeare-char). */
    public static final String SHAKESPEARE_MODEL = "shakespeare-char";
    private static final List<String> BUNDLED = List.of(SHAKESPEARE_MODEL, SORT_MODEL, STORIES_MODEL, GPT2_MINI_MODEL);
    /** Heatmaps beyond this many tokens are unreadable; the API refuses longer inputs to inspect. */
    public static final int MAX_INSPECT_TOKENS = 256;
    private static final int MAX_BUILT = 2;

    private final MemoryBudget budget;
    private final TokenizerService tokenizers;
    private final Path imports;
    private final Path bundledCopies;
    private final String wantedDevice;
    private Device device;
    private final Map<String, LoadedModel> models = new LinkedHashMap<>();
    private int builtCounter;

    public ModelService(MemoryBudget budget, TokenizerService tokenizers, Workspace workspace,
                        @Value("${playground.device:auto}") String device) {
        this.budget = budget;
        this.tokenizers = tokenizers;
        this.imports = workspace.dir("imports");
        this.bundledCopies = workspace.dir("cache").resolve("bundled-models");
        this.quantizedDir = workspace.dir("models").resolve("quantized");
        this.wantedDevice = device;
    }

    private final Path quantizedDir;

    /**
     * A quantized copy of a loaded model as a model of its own ({@code <id>-int8} or {@code <id>-q4}): weight-only int8
     * (per output channel, absmax) or llama.cpp's Q4_0 (groups of 32 with a scale) for every matrix, saved as
     * safetensors (codes int8/uint8, scales float32; norms, biases, positions float32) under
     * models/quantized/&lt;id&gt;/. {@code format}: int8, q4 (or q4_0).
     */
    public synchronized LoadedModel.ModelInfo quantize(String id, String format) {
        String f = format == null ? "" : format.strip().toLowerCase(Locale.ROOT);
        org.llmplayground.model.nn.Quantized.Scheme scheme = switch (f) {
            case "int8" -> org.llmplayground.model.nn.Quantized.Scheme.INT8;
            case "q4", "q4_0" -> org.llmplayground.model.nn.Quantized.Scheme.Q4_0;
            default -> throw new BadInputException("format is int8 or q4 (got '" + format + "').");
        };
        LoadedModel src = get(id);
        if (src.network() instanceof org.llmplayground.model.nn.Transformer t && t.lora() != null) {
            throw new BadInputException("'" + id + "' carries LoRA adapters, which stay float32 and train on top of the base: merge "
                    + "them first (Fine-tuning lab, \"merge and save\") and quantize the merged model.");
        }
        if (src.network() instanceof org.llmplayground.model.nn.Transformer t && t.quantization() != null) {
            throw new BadInputException("'" + id + "' is already quantized (" + t.quantization().id() + "): quantize its float original.");
        }
        String newId = id + "-" + (scheme == org.llmplayground.model.nn.Quantized.Scheme.INT8 ? "int8" : "q4");
        if (models.containsKey(newId)) {
            throw BadInputException.conflict("'" + newId + "' exists already; delete it first to quantize again.");
        }
        LoadedModel q = ModelFactory.quantized(src, newId, src.info().name() + " (" + scheme.id() + ")",
                "Weight-only " + scheme.id() + " quantization of " + id + ": the matrices (attention, feed-forward, token embedding) "
                        + "held as codes and scales, dequantized for each matmul; norms, biases and positions stay float32.", scheme);
        try {
            Path dir = Files.createDirectories(quantizedDir.resolve(newId));
            saveQuantized(q, dir.resolve("model.safetensors"), id, scheme);
            models.put(newId, q);
            sources.put(newId, dir);
            return q.info();
        } catch (IOException e) {
            q.close();
            throw new UncheckedIOException("Cannot write the quantized model: " + e.getMessage(), e);
        }
    }

    private static void saveQuantized(LoadedModel q, Path file, String from, org.llmplayground.model.nn.Quantized.Scheme scheme) throws IOException {
        org.llmplayground.model.nn.Transformer t = (org.llmplayground.model.nn.Transformer) q.network();
        Map<String, org.llmplayground.model.io.SafetensorsWriter.Raw> tensors = new LinkedHashMap<>();
        for (var p : t.getParameters()) {
            org.llmplayground.model.nn.Quantized qw = t.quantizedWeights().get(p.getValue().getName());
            if (qw == null) {
                float[] v = t.values(p.getValue());
                tensors.put(p.getKey(), org.llmplayground.model.io.SafetensorsWriter.Raw.of(new org.llmplayground.model.io.Tensor(v,
                        p.getValue().getArray().getShape().getShape(), p.getKey())));
            } else {
                org.llmplayground.model.nn.Quantized.Codes c = qw.codes();
                long[][] shapes = qw.shapes();
                tensors.put(p.getKey() + ".qcodes", new org.llmplayground.model.io.SafetensorsWriter.Raw(
                        scheme == org.llmplayground.model.nn.Quantized.Scheme.INT8 ? "I8" : "U8", shapes[0], c.codes()));
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(c.scales().length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(c.scales());
                tensors.put(p.getKey() + ".qscales", new org.llmplayground.model.io.SafetensorsWriter.Raw("F32", shapes[1], b.array()));
            }
        }
        org.llmplayground.model.io.SafetensorsWriter.writeRaw(tensors, Map.of("quantization", scheme.id(), "quantized_from", from), file);
    }

    /** "auto": the first GPU when the engine sees one, else the CPU. */
    static Device chooseDevice(String wanted) {
        int gpus = Engine.getInstance().getGpuCount();
        return switch (wanted.toLowerCase(Locale.ROOT)) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (gpus == 0) {
                    throw new IllegalStateException("playground.device=gpu, but the PyTorch engine sees no GPU");
                }
                yield Device.gpu();
            }
            default -> gpus > 0 ? Device.gpu() : Device.cpu();
        };
    }

    /** Chosen on first use, so that starting the app does not load the PyTorch engine. */
    public synchronized Device device() {
        if (device == null) {
            device = chooseDevice(wantedDevice);
        }
        return device;
    }

    public Path importsFolder() {
        return imports;
    }

    /** Where each loaded model's weights came from (a checkpoint folder or an imports entry); absent: built here. */
    private final Map<String, Path> sources = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The weights a loaded model was read from: what a run names as {@code training.init_from} to start from it
     * (fine-tuning a bundled, trained or imported model). Empty for models built at random or bundled in the jar only.
     */
    public synchronized java.util.Optional<Path> weightsPath(String id) {
        loadBundled();
        return java.util.Optional.ofNullable(sources.get(id));
    }

    public synchronized List<LoadedModel.ModelInfo> models() {
        loadBundled();
        if (!restored) {
            restored = true;
            restoreSaved();
        }
        return models.values().stream().map(LoadedModel::info).toList();
    }

    private boolean restored;

    /**
     * Loads again what earlier sessions made and kept on disk, so the registry survives a restart: models downloaded
     * from the Hub and promoted checkpoints (imports/hub-*, checkpoint folders in imports/), and quantized models
     * (models/quantized/&lt;original&gt;-int8|q4, quantized again from their original: absmax rounding is deterministic,
     * so the codes are the saved ones). One that cannot be loaded is skipped with a warning. Returns the ids loaded.
     */
    public synchronized List<String> restoreSaved() {
        loadBundled();
        List<String> out = new ArrayList<>();
        try (Stream<Path> entries = Files.list(imports)) {
            for (Path p : entries.sorted().toList()) {
                String name = p.getFileName().toString();
                String id = "import-" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
                boolean ours = Files.isDirectory(p) && !name.endsWith(Workspace.UNFINISHED)
                        && (name.startsWith("hub-") || PlaygroundCheckpoint.looksLike(p));
                if (ours && !models.containsKey(id)) {
                    try {
                        out.add(importWeights(name).id());
                    } catch (RuntimeException e) {
                        LOG.warn("Could not load imports/{} again: {}", name, e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not list {}: {}", imports, e.getMessage());
        }
        if (Files.isDirectory(quantizedDir)) {
            try (Stream<Path> entries = Files.list(quantizedDir)) {
                for (Path p : entries.sorted().toList()) {
                    String id = p.getFileName().toString();
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(.+)-(int8|q4)").matcher(id);
                    if (!models.containsKey(id) && m.matches() && Files.isRegularFile(p.resolve("model.safetensors"))) {
                        if (!models.containsKey(m.group(1))) {
                            LOG.warn("Quantized model {} not loaded: its original {} is not loaded", id, m.group(1));
                            continue;
                        }
                        try {
                            out.add(quantize(m.group(1), m.group(2)).id());
                        } catch (RuntimeException e) {
                            LOG.warn("Could not load quantized model {} again: {}", id, e.getMessage());
                        }
                    }
                }
            } catch (IOException e) {
                LOG.warn("Could not list {}: {}", quantizedDir, e.getMessage());
            }
        }
        return out;
    }

    public synchronized LoadedModel get(String id) {
        loadBundled();
        LoadedModel m = models.get(id);
        if (m == null) {
            throw BadInputException.notFound("Unknown model '" + id + "'. Loaded: " + String.join(", ", models.keySet()));
        }
        return m;
    }

    private void loadBundled() {
        if (models.keySet().containsAll(BUNDLED)) {
            return;
        }
        Device d = device();
        if (!models.containsKey(SHAKESPEARE_MODEL)) {
            Path dir = bundledCopy(SHAKESPEARE_MODEL, "checkpoint.json", "model.safetensors");
            models.put(SHAKESPEARE_MODEL, fromCheckpoint(dir, SHAKESPEARE_MODEL, "Shakespeare (char GPT, trained here)",
                    "A 4-layer character-level GPT trained with this app's Training lab on Tiny Shakespeare "
                            + "(configs/shakespeare-char.yaml; see models/shakespeare-char/MODEL_CARD.md)."));
        }
        if (!models.containsKey(SORT_MODEL)) {
            ImportedWeights w = MinGptImporter.read(Resources.text("bundled/models/gpt-nano-sort/gpt-nano-sort-model.json"));
            models.put(SORT_MODEL, ModelFactory.fromWeights(SORT_MODEL, "gpt-nano sort (minGPT)",
                    "A 3-layer minGPT trained to sort six digits from 0 to 2 (bundled, from bbycroft/llm-viz).", w, d,
                    TokenCodecs.digits(w.config().vocabSize())));
        }
        if (!models.containsKey(STORIES_MODEL)) {
            ImportedWeights w = Llama2cImporter.read(Resources.bytes("bundled/models/stories260K/stories260K.bin"));
            models.put(STORIES_MODEL, ModelFactory.fromWeights(STORIES_MODEL, "TinyStories 260K (llama2.c)",
                    "A 260K-parameter Llama trained on TinyStories (bundled llama2.c checkpoint). Its 512-token tokenizer "
                            + "is not available, so it reads token ids.", w, d, TokenCodecs.ids(w.config().vocabSize())));
        }
        if (!models.containsKey(GPT2_MINI_MODEL)) {
            Path dir = bundledCopy(GPT2_MINI_MODEL, "config.json", "model.safetensors");
            try {
                ImportedWeights w = WeightFormats.read(dir);
                models.put(GPT2_MINI_MODEL, ModelFactory.fromWeights(GPT2_MINI_MODEL, "GPT-2 mini (WikiText-2)",
                        "A 2-layer GPT-2 with GPT-2's 50,257-token tokenizer, trained briefly on WikiText-2 (bundled; see "
                                + "models/gpt2-mini/MODEL_CARD.md). It reads any English text: benchmarks run on it.", w, d, codecFor(w.config().vocabSize())));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the bundled model " + GPT2_MINI_MODEL + ": " + e.getMessage(), e);
            }
        }
    }

    /** The folder of a bundled checkpoint model (shakespeare-char), unpacked into the workspace cache. */
    public Path bundledCheckpoint(String id) {
        if (!SHAKESPEARE_MODEL.equals(id)) {
            throw BadInputException.notFound("'" + id + "' is not a bundled checkpoint; the bundled one is " + SHAKESPEARE_MODEL + ".");
        }
        return bundledCopy(id, "checkpoint.json", "model.safetensors");
    }

    /** Bundled files copied out of the jar into the workspace cache (safetensors are memory-mapped from a file). */
    private Path bundledCopy(String model, String... files) {
        Path dir = bundledCopies.resolve(model);
        try {
            Files.createDirectories(dir);
            for (String f : files) {
                byte[] bytes = Resources.bytes("bundled/models/" + model + "/" + f);
                Path target = dir.resolve(f);
                if (!Files.isRegularFile(target) || Files.size(target) != bytes.length || !java.util.Arrays.equals(Files.readAllBytes(target), bytes)) {
                    Path tmp = Files.createTempFile(dir, f, Workspace.UNFINISHED);
                    Files.write(tmp, bytes);
                    Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot unpack the bundled model " + model + ": " + e.getMessage(), e);
        }
    }

    private LoadedModel fromCheckpoint(Path dir, String id, String name, String description) {
        sources.put(id, dir);
        try {
            ImportedWeights w = PlaygroundCheckpoint.read(dir);
            return ModelFactory.fromWeights(id, name, description, w, device(), codecFor(PlaygroundCheckpoint.tokenizer(dir)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the checkpoint " + dir.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads a Training lab checkpoint folder as model {@code id} (replacing one of that id), for the generator and
     * the Transformer lab. The memory budget is checked first.
     */
    public synchronized LoadedModel.ModelInfo loadCheckpoint(Path dir, String id, String name, String description) {
        loadBundled();
        if (BUNDLED.contains(id)) {
            throw new BadInputException("'" + id + "' is a bundled model's id.");
        }
        try {
            budget.check(PlaygroundCheckpoint.read(dir).config(), name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LoadedModel m = fromCheckpoint(dir, id, name, description);
        LoadedModel previous = models.put(id, m);
        if (previous != null) {
            previous.close();
        }
        return m.info();
    }

    /** How a checkpoint's model reads text: its own characters, or a Tokenizer lab tokenizer. */
    TokenCodec codecFor(TokenizerSpec spec) {
        return "char".equals(spec.type()) ? new CharVocabulary(spec.chars()) : new TokenizerCodec(tokenizers, spec.id());
    }

    /** Initialises a model from a config with random weights (after the memory check); keeps the last two built. */
    public synchronized LoadedModel.ModelInfo build(ModelConfig config, String name, int seed) {
        loadBundled(); // bundled models first in every listing
        checkBuildable(config, name);
        String id = "built-" + (++builtCounter);
        LoadedModel m = ModelFactory.fresh(id, name, "Built in the Architecture lab from a config; random weights.", config,
                seed, device(), codecFor(config.vocabSize()));
        models.put(id, m);
        List<String> built = models.keySet().stream().filter(k -> k.startsWith("built-")).toList();
        for (int i = 0; i < built.size() - MAX_BUILT; i++) {
            models.remove(built.get(i)).close();
        }
        return m.info();
    }

    /** The checks {@link #build} makes before allocating, for a request to answer at once (400/413) before its job. */
    public void checkBuildable(ModelConfig config, String name) {
        config.validate();
        budget.check(config, name);
    }

    /** GPT-2's vocabulary gets GPT-2's tokenizer; anything else reads token ids. */
    TokenCodec codecFor(int vocab) {
        return vocab == 50257 ? new TokenizerCodec(tokenizers, "gpt2") : TokenCodecs.ids(vocab);
    }

    /** Entries of the imports folder: model folders (config.json), .bin and .json files. */
    public List<String> importable() {
        try (Stream<Path> entries = Files.list(imports)) {
            return entries.filter(p -> Files.isDirectory(p) || p.toString().endsWith(".bin") || p.toString().endsWith(".json"))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Imports weights from {@code <workspace>/imports/<name>} (a Hugging Face folder, a llama2.c .bin or a minGPT
     * .json). The config is checked against the memory budget before any tensor is allocated.
     */
    public synchronized LoadedModel.ModelInfo importWeights(String name) {
        loadBundled();
        Path path = importPath(name);
        ImportedWeights w;
        try {
            w = WeightFormats.read(path);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        } catch (IOException e) {
            throw new BadInputException("Cannot read " + name + ": " + e.getMessage(), e);
        }
        budget.check(w.config(), name);
        String id = "import-" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        TokenCodec codec;
        try {
            Path tokenizerJson = path.resolve("tokenizer.json");
            Path vocab = path.resolve("vocab.json");
            Path merges = path.resolve("merges.txt");
            codec = PlaygroundCheckpoint.looksLike(path) ? codecFor(PlaygroundCheckpoint.tokenizer(path))
                    : Files.isDirectory(path) && Files.isRegularFile(tokenizerJson) ? folderTokenizer(name, Files.readAllBytes(tokenizerJson))
                    : Files.isDirectory(path) && Files.isRegularFile(vocab) && Files.isRegularFile(merges)
                    ? folderTokenizer(name, org.llmplayground.tokenizer.bpe.HfTokenizerJson.fromVocabAndMerges(Files.readString(vocab), Files.readString(merges)))
                    : codecFor(w.config().vocabSize());
        } catch (IllegalArgumentException e) {
            throw new BadInputException("Cannot read the tokenizer of " + name + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new BadInputException("Cannot read " + name + ": " + e.getMessage(), e);
        }
        LoadedModel m = ModelFactory.fromWeights(id, name, "Imported from imports/" + name + " (" + w.format() + ").", w,
                device(), codec);
        sources.put(id, path);
        LoadedModel previous = models.put(id, m);
        if (previous != null) {
            previous.close();
        }
        if (!w.ignored().isEmpty()) {
            LOG.info("Import {}: ignored {} tensors that are not weights ({}…)", name, w.ignored().size(), w.ignored().get(0));
        }
        return m.info();
    }

    /**
     * A Hugging Face folder's own tokenizer (its tokenizer.json, or one made of its vocab.json and merges.txt as GPT-2,
     * RoBERTa and their kin ship them), registered with the Tokenizer lab once as
     * "model-&lt;name&gt;" and reused when the folder is imported again.
     */
    private TokenCodec folderTokenizer(String name, byte[] tokenizerJson) {
        String full = "model " + name.replaceAll("[^A-Za-z0-9 _-]+", "-");
        String label = full.length() > 60 ? full.substring(0, 60) : full;
        String id = label.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]+", "-").replaceAll("^-+|-+$", "");
        if (tokenizers.tokenizers().stream().noneMatch(t -> t.id().equals(id))) {
            tokenizers.importHuggingFace(label, tokenizerJson);
        }
        return new TokenizerCodec(tokenizers, id);
    }

    /** The entry {@code name} of the imports folder: 400 outside it, 404 when absent (checked before an import's job). */
    public Path importPath(String name) {
        Path path = Workspace.resolveInside(imports, name == null ? "" : name);
        if (!Files.exists(path)) {
            throw BadInputException.notFound("Nothing named '" + name + "' in the imports folder (" + imports + ").");
        }
        return path;
    }

    /** Jobs using each model now (an evaluation, a training run started from it): unloading waits for them. */
    private final Map<String, List<String>> users = new java.util.HashMap<>();

    /**
     * Marks {@code id} as used by {@code by} (a job's title) until the returned lease is closed; while any lease is
     * open, {@link #unload} refuses, so deleting a model cannot pull the weights from under a running job.
     */
    public synchronized Lease use(String id, String by) {
        users.computeIfAbsent(id, k -> new ArrayList<>()).add(by);
        return () -> {
            synchronized (ModelService.this) {
                List<String> u = users.get(id);
                if (u != null && u.remove(by) && u.isEmpty()) {
                    users.remove(id);
                }
            }
        };
    }

    /** A model in use until closed. */
    public interface Lease extends AutoCloseable {
        @Override
        void close();
    }

    /** Who uses {@code id} now (empty when nothing does). */
    public synchronized List<String> usedBy(String id) {
        return List.copyOf(users.getOrDefault(id, List.of()));
    }

    public synchronized void unload(String id) {
        if (BUNDLED.contains(id)) {
            throw new BadInputException("'" + id + "' is bundled and stays loaded.");
        }
        List<String> busy = users.getOrDefault(id, List.of());
        if (!busy.isEmpty()) {
            throw BadInputException.conflict("'" + id + "' is in use by a running job (" + String.join("; ", busy) + "); wait for it to "
                    + "finish or cancel it, then delete the model.");
        }
        LoadedModel m = models.remove(id);
        sources.remove(id);
        if (m == null) {
            throw BadInputException.notFound("Unknown model '" + id + "'.");
        }
        m.close();
    }

    /** A forward pass on random ids: proof that the model runs, with its output shape and timings. */
    @Serdeable
    public record ForwardCheck(String model, long parameters, int tokens, long[] outputShape, double firstMillis, double secondMillis) {
    }

    public ForwardCheck forwardCheck(String id, int tokens) {
        LoadedModel m = get(id);
        int t = Math.max(1, Math.min(tokens, m.config().contextLength()));
        long[] ids = new long[t];
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < t; i++) {
            ids[i] = random.nextInt(m.config().vocabSize());
        }
        double[] millis = new double[2];
        long[] shape = null;
        synchronized (m.lock()) {
            for (int run = 0; run < 2; run++) {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    long start = System.nanoTime();
                    NDArray input = m.manager().create(ids, new Shape(1, t));
                    NDArray logits = NoGrad.run(() -> m.network().logits(m.parameterStore(), input, null, false, null));
                    shape = logits.getShape().getShape();
                    logits.get(new NDIndex("0, -1, 0")).getFloat(); // wait for the result
                    millis[run] = (System.nanoTime() - start) / 1e6;
                }
            }
        }
        return new ForwardCheck(id, m.info().parameters(), t, shape, millis[0], millis[1]);
    }

    /** Runs {@code input} through the model and records attention, activations and the next-token distribution. */
    public Inspection inspect(String id, String input, int topNext) {
        LoadedModel m = get(id);
        if (input == null || input.isBlank()) {
            throw new BadInputException("The input is empty: give at least one token to look at.");
        }
        if (topNext < 1) {
            throw new BadInputException("top must be at least 1 (how many next tokens to list); got " + topNext + ".");
        }
        int[] ids = m.codec().encode(input);
        int t = ids.length;
        if (t == 0) {
            throw new BadInputException("The input has no tokens: give at least one token to look at.");
        }
        if (t > m.config().contextLength()) {
            throw new BadInputException("The input has " + t + " tokens; " + m.info().name() + " reads at most "
                    + m.config().contextLength() + ".");
        }
        if (t > MAX_INSPECT_TOKENS) {
            throw new BadInputException("The input has " + t + " tokens; looking inside works on at most " + MAX_INSPECT_TOKENS + ".");
        }
        long start = System.nanoTime();
        CapturingProbe probe = new CapturingProbe(m.config());
        float[] probs;
        synchronized (m.lock()) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray x = m.manager().create(java.util.Arrays.stream(ids).asLongStream().toArray(), new Shape(1, t));
                NDArray logits = NoGrad.run(() -> m.network().logits(m.parameterStore(), x, null, false, probe));
                probs = logits.get(new NDIndex("0, -1")).softmax(-1).toFloatArray();
            }
        }
        List<Inspection.NextToken> next = new ArrayList<>();
        java.util.stream.IntStream.range(0, probs.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> probs[i]).reversed()).limit(Math.max(1, topNext))
                .forEach(i -> next.add(new Inspection.NextToken(i, m.codec().label(i), probs[i])));
        return new Inspection(id, m.codec().labels(ids), ids, probe.attention(), probe.activations(), next,
                (System.nanoTime() - start) / 1e6);
    }

    /** Copies what a forward pass shows into Java arrays while the tensors are alive. */
    private static final class CapturingProbe implements Probe {
        private final float[][][][] attention;
        private final List<Inspection.LayerActivation> activations = new ArrayList<>();

        CapturingProbe(ModelConfig config) {
            attention = new float[config.architecture() == Architecture.TRANSFORMER ? config.layers() : 0][][][];
        }

        @Override
        public void embedded(NDArray x) {
            activations.add(stats(-1, x));
        }

        @Override
        public void attention(int layer, NDArray weights) {
            Shape s = weights.getShape(); // (1, H, T, T)
            int h = (int) s.get(1);
            int t = (int) s.get(2);
            float[] flat = weights.toFloatArray();
            float[][][] heads = new float[h][t][t];
            for (int head = 0; head < h; head++) {
                for (int q = 0; q < t; q++) {
                    System.arraycopy(flat, (head * t + q) * t, heads[head][q], 0, t);
                }
            }
            attention[layer] = heads;
        }

        @Override
        public void blockOutput(int layer, NDArray x) {
            activations.add(stats(layer, x));
        }

        private static Inspection.LayerActivation stats(int layer, NDArray x) {
            long d = x.getShape().get(2);
            float[] v = x.toFloatArray();
            double sum = 0;
            double sumSq = 0;
            double norms = 0;
            int positions = (int) (v.length / d);
            for (int p = 0; p < positions; p++) {
                double sq = 0;
                for (int j = 0; j < d; j++) {
                    double val = v[(int) (p * d + j)];
                    sum += val;
                    sq += val * val;
                }
                sumSq += sq;
                norms += Math.sqrt(sq);
            }
            double mean = sum / v.length;
            return new Inspection.LayerActivation(layer, norms / positions, mean, Math.sqrt(Math.max(0, sumSq / v.length - mean * mean)));
        }

        float[][][][] attention() {
            return attention;
        }

        List<Inspection.LayerActivation> activations() {
            return activations;
        }
    }

    @PreDestroy
    synchronized void close() {
        models.values().forEach(LoadedModel::close);
        models.clear();
    }
}
