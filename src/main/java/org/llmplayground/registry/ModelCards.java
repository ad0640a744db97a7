package org.llmplayground.registry;

import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Resources;
import org.llmplayground.core.SvgCharts;
import org.llmplayground.core.Workspace;
import org.llmplayground.evaluation.dashboard.Leaderboard;
import org.llmplayground.model.LoadedModel;
import org.llmplayground.model.ModelConfig;
import org.llmplayground.model.ModelService;
import org.llmplayground.model.TokenizerCodec;
import org.llmplayground.model.io.HfExporter;
import org.llmplayground.model.io.Tensor;
import org.llmplayground.model.nn.Transformer;
import org.llmplayground.training.Trainer;
import org.llmplayground.training.TrainingQueries;
import org.llmplayground.training.TrainingRun;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Model cards and exports. A card is Markdown generated from what the app knows about a model — architecture and
 * parameter count, the training run behind it (data and its hash, resolved config, final losses, the loss curve as
 * an SVG next to it, how to reproduce), its evaluation results with 95 % intervals, intended use and limitations —
 * and, once a learner edits it, their text, kept in {@code cards/<id>.md}. An export is a Hugging Face folder
 * ({@link HfExporter}: config.json, model.safetensors) with the tokenizer files, the card as README.md and the curve.
 */
@Singleton
public class ModelCards {
    /** Longest card a learner may save (a card, not a book). */
    public static final int MAX_CARD_CHARS = 100_000;

    private final ModelService models;
    private final ModelRegistry registry;
    private final TrainingQueries training;
    private final Leaderboard leaderboard;
    private final Path cards;
    private final Path exports;

    public ModelCards(ModelService models, ModelRegistry registry, TrainingQueries training, Leaderboard leaderboard, Workspace workspace) {
        this.models = models;
        this.registry = registry;
        this.training = training;
        this.leaderboard = leaderboard;
        this.cards = workspace.dir("cards");
        this.exports = workspace.dir("exports");
    }

    /** A card: its Markdown, whether a learner edited it, and when that was (null for a generated card). */
    @io.micronaut.serde.annotation.Serdeable(naming = io.micronaut.serde.config.naming.SnakeCaseStrategy.class)
    public record Card(String model, String markdown, boolean edited, @io.micronaut.core.annotation.Nullable Instant savedAt) {
    }

    public Card card(String id) {
        registry.get(id); // 404 for an unknown model
        Path saved = cardFile(id);
        if (Files.isRegularFile(saved)) {
            try {
                return new Card(id, Files.readString(saved), true, Files.getLastModifiedTime(saved).toInstant());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Card(id, generate(id), false, null);
    }

    /** Saves an edited card; blank text goes back to the generated card. */
    public Card save(String id, String markdown) {
        registry.get(id);
        if (markdown != null && markdown.length() > MAX_CARD_CHARS) {
            throw BadInputException.tooLarge(String.format("The card has %,d characters; at most %,d are kept.", markdown.length(), MAX_CARD_CHARS));
        }
        try {
            if (markdown == null || markdown.isBlank()) {
                Files.deleteIfExists(cardFile(id));
                return card(id);
            }
            Path tmp = cardFile(id).resolveSibling(cardFile(id).getFileName() + ".tmp");
            Files.writeString(tmp, markdown);
            Files.move(tmp, cardFile(id), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return card(id);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot save the card of '" + id + "': " + e.getMessage(), e);
        }
    }

    private Path cardFile(String id) {
        return Workspace.resolveInside(cards, id.replaceAll("[^A-Za-z0-9._-]", "_") + ".md");
    }

    /** The training run behind a "run-<8 hex>-<step>" model, if it still exists. */
    Optional<TrainingRun> run(String id) {
        if (!id.matches("run-[0-9a-f]{8}-\\d+")) {
            return Optional.empty();
        }
        String prefix = id.substring(4, 12);
        return training.runs().stream().filter(r -> r.id().startsWith(prefix)).findFirst();
    }

    /** The loss curve of the run behind a model (train loss by step, val loss at each evaluation), or empty. */
    public Optional<String> lossCurveSvg(String id) {
        return run(id).map(r -> {
            TrainingQueries.History h = training.history(r.id(), 400);
            Map<String, double[][]> series = new LinkedHashMap<>();
            series.put("train loss", h.steps().stream().map(s -> new double[]{s.step(), s.loss()}).toArray(double[][]::new));
            if (!h.evals().isEmpty()) {
                series.put("val loss", h.evals().stream().map(e -> new double[]{e.step(), e.valLoss()}).toArray(double[][]::new));
            }
            return SvgCharts.lines("Loss of '" + r.name() + "'", "step", series);
        });
    }

    /** The generated card. */
    String generate(String id) {
        ModelRegistry.Entry e = registry.get(id);
        LoadedModel m = models.get(id);
        ModelConfig c = m.config();
        StringBuilder md = new StringBuilder();
        md.append("# ").append(e.name()).append("\n\n").append(e.description()).append("\n\n");
        md.append("| | |\n|---|---|\n");
        row(md, "Model id", "`" + id + "`");
        row(md, "Kind", e.kind());
        row(md, "Architecture", e.architecture() + " (" + c.layers() + " layers, " + c.heads() + " heads, d=" + c.embeddingSize()
                + ", context " + c.contextLength() + ", vocabulary " + c.vocabSize() + ")");
        row(md, "Parameters", String.format(Locale.ROOT, "%,d", e.parameters()));
        row(md, "Size", String.format(Locale.ROOT, "%,d bytes on disk, %,d in memory", e.sizeBytes(), e.memoryBytes()));
        if (e.quantization() != null) {
            row(md, "Quantization", e.quantization() + " weight-only (dequantized per matmul)");
        }
        row(md, "Reads", e.reads());
        if (e.parent() != null) {
            row(md, "Parent", e.parent());
        }
        row(md, "Source", e.source());
        row(md, "Weights sha256", "`" + m.weightsHash() + "`");
        Optional<TrainingRun> run = run(id);
        run.ifPresent(r -> {
            md.append("\n## Training\n\n");
            md.append("| | |\n|---|---|\n");
            row(md, "Run", r.name() + " (`" + r.id() + "`)");
            row(md, "Data", "corpus `" + r.corpus() + "`, tokenizer `" + r.tokenizer() + "`" + (r.dataHash() == null ? "" : ", data sha256 `"
                    + r.dataHash() + "`"));
            row(md, "Seed", String.valueOf(r.seed()));
            row(md, "Steps", r.step() + " of " + r.maxSteps() + " (" + r.state().name().toLowerCase(Locale.ROOT) + ")");
            TrainingQueries.History h = training.history(r.id(), 400);
            if (!h.steps().isEmpty()) {
                row(md, "Final train loss", String.format(Locale.ROOT, "%.4f", h.steps().get(h.steps().size() - 1).loss()));
            }
            if (!h.evals().isEmpty()) {
                Trainer.EvalMetrics last = h.evals().get(h.evals().size() - 1);
                row(md, "Final val loss", String.format(Locale.ROOT, "%.4f (perplexity %.2f) at step %d", last.valLoss(), last.valPerplexity(), last.step()));
            }
            if (r.bestValLoss() != null) {
                row(md, "Best val loss", String.format(Locale.ROOT, "%.4f", r.bestValLoss()));
            }
            md.append("\n![Loss curve](loss-curve.svg)\n\n### Config\n\n```yaml\n").append(r.configYaml().strip()).append("\n```\n");
            md.append("\n### How to reproduce\n\nOn the Experiments page, open run `").append(r.id()).append("` and press **Run again**, or "
                    + "`POST /api/v1/runs/").append(r.id()).append("/reproduce`: the same config and seed on CPU give the same loss curve.\n");
        });
        md.append("\n## Evaluation\n\n");
        List<String> results = new ArrayList<>();
        for (Leaderboard.Row r : leaderboard.board("all", null, null).rows()) {
            if (r.model().equals(id)) {
                r.scores().forEach((column, cell) -> {
                    if (results.stream().noneMatch(s -> s.startsWith("| " + column + " |"))) {
                        results.add(String.format(Locale.ROOT, "| %s | %.4f | %s | %d |", column, cell.value(), cell.ci95() == null ? "—"
                                : String.format(Locale.ROOT, "[%.4f, %.4f]", cell.ci95()[0], cell.ci95()[1]), cell.n()));
                    }
                });
            }
        }
        if (results.isEmpty()) {
            md.append("Not evaluated yet: run a benchmark in the Evaluation lab and this table fills in.\n");
        } else {
            md.append("| Metric | Score | 95 % interval | n |\n|---|---|---|---|\n").append(String.join("\n", results)).append("\n");
        }
        md.append("\n## Intended use\n\nLearning how language models work: inspecting, sampling and evaluating a small model on a laptop. "
                + "It is not meant to answer questions, give advice or produce text anyone relies on.\n");
        md.append("\n## Limitations\n\nA model of ").append(String.format(Locale.ROOT, "%,d", e.parameters())).append(" parameters trained "
                + "on little data: it repeats its training text's style, makes up facts, and has seen no safety tuning. Scores on "
                + "benchmarks are close to chance unless the table above says otherwise.\n");
        bundledCard(id).ifPresent(b -> md.append("\n## The bundled card\n\n").append(b.replaceFirst("^# .*\\n", "").strip()).append("\n"));
        return md.toString();
    }

    private static Optional<String> bundledCard(String id) {
        try {
            return Optional.of(Resources.text("bundled/models/" + (id.equals(ModelService.STORIES_MODEL) ? "stories260K" : id) + "/MODEL_CARD.md"));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void row(StringBuilder md, String k, String v) {
        md.append("| ").append(k).append(" | ").append(v.replace("|", "\\|").replace("\n", " ")).append(" |\n");
    }

    /**
     * Exports a model as a Hugging Face folder {@code exports/<id>/}: config.json, model.safetensors, the tokenizer
     * (GPT-2's vocab.json and merges.txt, or the folder's own tokenizer.json), README.md (the card) and loss-curve.svg.
     * Quantized models are refused: transformers reads float weights, so the file would be the original's size with
     * the rounding error added; their original exports instead.
     */
    public Map<String, Object> export(String id) {
        ModelRegistry.Entry e = registry.get(id);
        if (e.quantization() != null) {
            throw BadInputException.conflict("'" + id + "' is quantized (" + e.quantization() + "); transformers loads float weights, so "
                    + "export its original '" + e.parent() + "' instead.");
        }
        LoadedModel m = models.get(id);
        if (m.network() instanceof Transformer t && t.lora() != null) {
            throw BadInputException.conflict("'" + id + "' carries LoRA adapters; merge them first (Fine-tune lab) and export the merged model.");
        }
        try {
            HfExporter.family(m.config());
        } catch (IllegalArgumentException ex) {
            throw new BadInputException("'" + id + "' cannot be exported as a Hugging Face model: " + ex.getMessage());
        }
        String folder = id.replaceAll("[^A-Za-z0-9._-]", "_");
        Path dir = Workspace.resolveInside(exports, folder);
        Path tmp = Workspace.resolveInside(exports, folder + Workspace.UNFINISHED);
        try {
            org.llmplayground.training.Checkpoints.deleteTree(tmp);
            Files.createDirectories(tmp);
            Map<String, ai.djl.nn.Parameter> params = new LinkedHashMap<>();
            m.network().getParameters().forEach(p -> params.put(p.getKey(), p.getValue()));
            synchronized (m.lock()) {
                HfExporter.write(m.config(), name -> {
                    ai.djl.nn.Parameter p = params.get(name);
                    if (p == null) {
                        throw new IllegalStateException("The model has no parameter '" + name + "'");
                    }
                    return new Tensor(m.network().values(p), p.getArray().getShape().getShape(), name);
                }, Map.of("playground_model_id", id), tmp);
            }
            List<String> notes = new ArrayList<>();
            writeTokenizer(id, m, tmp, notes);
            String card = card(id).markdown();
            Files.writeString(tmp.resolve("README.md"), card + (notes.isEmpty() ? "" : "\n## Export notes\n\n" + String.join("\n", notes) + "\n"));
            Optional<String> curve = lossCurveSvg(id);
            if (curve.isPresent()) {
                Files.writeString(tmp.resolve("loss-curve.svg"), curve.get());
            }
            org.llmplayground.training.Checkpoints.deleteTree(dir);
            Files.move(tmp, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ex) {
            throw new UncheckedIOException("Export of '" + id + "' failed: " + ex.getMessage(), ex);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", id);
        out.put("path", dir.toString());
        out.put("family", HfExporter.family(m.config()));
        Map<String, Long> files = new LinkedHashMap<>();
        try (Stream<Path> all = Files.list(dir)) {
            all.sorted().forEach(f -> files.put(f.getFileName().toString(), f.toFile().length()));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        out.put("files", files);
        return out;
    }

    /** The exported folder of a model as a zip (export it first). */
    public void zip(String id, OutputStream sink) throws IOException {
        Path dir = Workspace.resolveInside(exports, id.replaceAll("[^A-Za-z0-9._-]", "_"));
        if (!Files.isDirectory(dir)) {
            throw BadInputException.notFound("'" + id + "' has not been exported yet: POST /api/v1/models/" + id + "/export first.");
        }
        try (ZipOutputStream zip = new ZipOutputStream(sink); Stream<Path> all = Files.list(dir)) {
            for (Path f : all.sorted().toList()) {
                zip.putNextEntry(new ZipEntry(dir.getFileName() + "/" + f.getFileName()));
                Files.copy(f, zip);
                zip.closeEntry();
            }
        }
    }

    /** GPT-2's own vocab.json + merges.txt for models on its tokenizer; an imported folder's tokenizer files; else a note. */
    private void writeTokenizer(String id, LoadedModel m, Path dir, List<String> notes) throws IOException {
        Optional<Path> source = models.weightsPath(id).filter(Files::isDirectory);
        boolean copied = false;
        if (source.isPresent()) {
            for (String f : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.json", "merges.txt")) {
                if (Files.isRegularFile(source.get().resolve(f))) {
                    Files.copy(source.get().resolve(f), dir.resolve(f));
                    copied = true;
                }
            }
        }
        if (!copied && m.codec() instanceof TokenizerCodec t && t.tokenizerId().startsWith("gpt2")) {
            // encoder.json and vocab.bpe are GPT-2's vocab.json and merges.txt under their original OpenAI names
            Files.write(dir.resolve("vocab.json"), Resources.bytes("bundled/data/gpt2-tokenizer/encoder.json"));
            Files.write(dir.resolve("merges.txt"), Resources.bytes("bundled/data/gpt2-tokenizer/vocab.bpe"));
            Files.writeString(dir.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"GPT2Tokenizer\", \"model_max_length\": "
                    + m.config().contextLength() + "}\n", StandardCharsets.UTF_8);
            copied = true;
        }
        if (!copied) {
            notes.add("- No tokenizer files: this model reads " + m.info().input() + ", which has no Hugging Face tokenizer format. "
                    + "Feed it token ids directly.");
        }
    }
}
