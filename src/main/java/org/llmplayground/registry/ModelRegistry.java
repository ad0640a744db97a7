package org.llmplayground.registry;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.evaluation.EvaluationService;
import org.llmplayground.evaluation.dashboard.Leaderboard;
import org.llmplayground.generation.GenerationService;
import org.llmplayground.generation.GenerationSettings;
import org.llmplayground.generation.Generator;
import org.llmplayground.model.LoadedModel;
import org.llmplayground.model.ModelService;
import org.llmplayground.model.nn.Quantized;
import org.llmplayground.model.nn.Transformer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One list of every model the app knows, whatever made it: bundled, trained here (a training run's checkpoint),
 * fine-tuned, imported, built at random in the Architecture lab, quantized. Each with its kind, architecture,
 * parameters, size (on disk when it has files, else its float32 weights), what it reads, its parent and its latest
 * scores from the Evaluation lab. Quantization makes a model of its own and a report compares it with its original.
 */
@Singleton
public class ModelRegistry {
    /** A fixed English text for the quantization report's perplexity (the opening of WikiText-2's style of prose). */
    static final String REPORT_TEXT = "The game began development in 2010, carrying over a large portion of the work done on the previous "
            + "game. The music was composed by the same team, and the story was written to be accessible to players new to the series. "
            + "It was released in January 2011 in Japan and received praise for its gameplay and its soundtrack.";
    static final String CHAR_TEXT = "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n";

    private final ModelService models;
    private final Leaderboard leaderboard;
    private final EvaluationService evaluation;
    private final GenerationService generation;

    public ModelRegistry(ModelService models, Leaderboard leaderboard, EvaluationService evaluation, GenerationService generation) {
        this.models = models;
        this.leaderboard = leaderboard;
        this.evaluation = evaluation;
        this.generation = generation;
    }

    /** A model as the registry lists it. */
    @Serdeable
    public record Entry(String id, String kind, String architecture, long parameters, long sizeBytes, long memoryBytes, String name,
                        String description, String source, String reads, @Nullable String parent, Instant createdAt,
                        @Nullable String quantization, Map<String, Double> scores) {
    }

    /** Every model, filtered by {@code kind} and a search in id, name and description (both optional). */
    public List<Entry> list(@Nullable String kind, @Nullable String query) {
        Map<String, Map<String, Double>> scores = scores();
        String q = query == null ? "" : query.strip().toLowerCase(Locale.ROOT);
        List<Entry> out = new ArrayList<>();
        for (LoadedModel.ModelInfo info : models.models()) {
            Entry e = entry(info, scores);
            if ((kind == null || kind.isBlank() || e.kind().equalsIgnoreCase(kind.strip())) && (q.isEmpty()
                    || (e.id() + " " + e.name() + " " + e.description()).toLowerCase(Locale.ROOT).contains(q))) {
                out.add(e);
            }
        }
        return out;
    }

    public Entry get(String id) {
        return entry(models.get(id).info(), scores());
    }

    /** The latest score of each model on each leaderboard column ("mmlu/acc" → 0.25), by model id. */
    private Map<String, Map<String, Double>> scores() {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (Leaderboard.Row r : leaderboard.board("all", null, null).rows()) {
            Map<String, Double> s = out.computeIfAbsent(r.model(), k -> new LinkedHashMap<>());
            r.scores().forEach((c, cell) -> s.putIfAbsent(c, cell.value()));
        }
        return out;
    }

    private Entry entry(LoadedModel.ModelInfo info, Map<String, Map<String, Double>> scores) {
        LoadedModel m = models.get(info.id());
        Quantized.Scheme scheme = m.network() instanceof Transformer t ? t.quantization() : null;
        String parent = null;
        String kind;
        String id = info.id();
        if (scheme != null) {
            kind = "quantized";
            parent = info.source().replaceFirst("^quantized \\([a-z0-9_]+\\) from ", "");
        } else if (List.of(ModelService.SHAKESPEARE_MODEL, ModelService.SORT_MODEL, ModelService.STORIES_MODEL, ModelService.GPT2_MINI_MODEL)
                .contains(id)) {
            kind = "bundled";
        } else if (id.matches("run-[0-9a-f]{8}-\\d+")) {
            kind = "trained";
            parent = "training run " + id.substring(4, 12) + "…, step " + id.substring(13);
        } else if (id.startsWith("built-")) {
            kind = "built";
        } else if (id.equals("import-" + org.llmplayground.preference.PreferenceCollector.SFT_DEMO_MODEL)) {
            kind = "fine-tuned";
            parent = ModelService.SHAKESPEARE_MODEL;
        } else if (id.startsWith("import-hub-")) {
            kind = "downloaded";
            parent = models.weightsPath(id).map(p -> "huggingface.co/" + p.getFileName().toString().substring(4).replace("--", "/"))
                    .orElse(null);
        } else {
            kind = "imported";
            Path folder = models.weightsPath(id).orElse(null);
            if (folder != null && org.llmplayground.model.io.PlaygroundCheckpoint.looksLike(folder)) {
                try { // a promoted checkpoint: its meta names the run it came from
                    var meta = org.llmplayground.training.Checkpoints.readMeta(folder);
                    kind = "trained";
                    parent = "training run " + meta.runId().substring(0, Math.min(8, meta.runId().length())) + "…, step " + meta.step();
                } catch (IOException e) {
                    // not readable as a run's checkpoint: an import like any other
                }
            }
        }
        long memory = memoryBytes(m);
        long size = models.weightsPath(id).map(ModelRegistry::bytesOnDisk).filter(b -> b > 0).orElse(info.parameters() * 4);
        return new Entry(id, kind, architecture(info.config()), info.parameters(), size, memory, info.name(),
                info.description(), info.source(), info.input(), parent, info.loadedAt(), scheme == null ? null : scheme.id(),
                scores.getOrDefault(id, Map.of()));
    }

    /** The family a config belongs to, as Hugging Face names it: llama (rotary positions), gpt2 (learned or sinusoidal), bigram. */
    static String architecture(org.llmplayground.model.ModelConfig c) {
        if (c.architecture() != org.llmplayground.model.Architecture.TRANSFORMER) {
            return c.architecture().name().toLowerCase(Locale.ROOT);
        }
        return c.positionEncoding() == org.llmplayground.model.PositionEncoding.ROPE ? "llama" : "gpt2";
    }

    /** Bytes the weights take in memory: float32 arrays, and for quantized matrices their codes and scales. */
    static long memoryBytes(LoadedModel m) {
        Map<String, Quantized> q = m.network() instanceof Transformer t ? t.quantizedWeights() : Map.of();
        long bytes = 0;
        for (var p : m.network().getParameters()) {
            Quantized qw = q.get(p.getValue().getName());
            bytes += qw != null ? qw.bytes() : p.getValue().getArray().size() * 4;
        }
        return bytes;
    }

    /** Weight files' bytes: a file, or a folder's *.safetensors, *.bin, *.json weight files. */
    static long bytesOnDisk(Path p) {
        try {
            if (Files.isRegularFile(p)) {
                return Files.size(p);
            }
            if (!Files.isDirectory(p)) {
                return 0;
            }
            try (Stream<Path> files = Files.list(p)) {
                return files.filter(f -> f.toString().endsWith(".safetensors") || f.toString().endsWith(".bin")).mapToLong(f -> {
                    try {
                        return Files.size(f);
                    } catch (IOException e) {
                        return 0;
                    }
                }).sum();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Unloads a model; the files of a model the app made (quantized, downloaded from the Hub, promoted from a
     * checkpoint) are deleted too. Returns the bytes freed on disk. Bundled models stay; a model a running job uses
     * is refused (see {@link ModelService#use}).
     */
    public long delete(String id) {
        Entry e = get(id);
        Path files = models.weightsPath(id).orElse(null);
        models.unload(id);
        boolean owned = "quantized".equals(e.kind()) || "downloaded".equals(e.kind())
                || ("trained".equals(e.kind()) && id.startsWith("import-"));
        if (files != null && owned) {
            long freed = org.llmplayground.core.Workspace.bytesUnder(files);
            try {
                org.llmplayground.training.Checkpoints.deleteTree(files);
            } catch (IOException ex) {
                throw new UncheckedIOException("Unloaded '" + id + "', but could not delete its files: " + ex.getMessage(), ex);
            }
            return freed;
        }
        return 0;
    }

    /** Quantizes a model into a model of its own (int8 or q4) and returns its entry. */
    public Entry quantize(String id, String format) {
        return get(models.quantize(id, format).id());
    }

    /**
     * A quantized model against its float original: size on disk and in memory, tokens/s (32 greedy tokens, best of 3),
     * perplexity on a fixed text and its relative change, and every benchmark both were scored on (the latest runs,
     * the relative change of each score).
     */
    public Map<String, Object> quantizationReport(String id) {
        Entry q = get(id);
        if (q.quantization() == null || q.parent() == null) {
            throw new BadInputException("'" + id + "' is not a quantized model: quantize one first (POST /api/v1/models/{id}/quantize).");
        }
        Entry base = get(q.parent());
        String text = models.get(id).info().readsText() && models.get(id).codec() instanceof org.llmplayground.model.TokenizerCodec ? REPORT_TEXT
                : CHAR_TEXT;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", id);
        out.put("original", base.id());
        out.put("format", q.quantization());
        out.put("size_bytes", Map.of("original", base.sizeBytes(), "quantized", q.sizeBytes(), "change", change(base.sizeBytes(), q.sizeBytes())));
        out.put("memory_bytes", Map.of("original", base.memoryBytes(), "quantized", q.memoryBytes(), "change", change(base.memoryBytes(),
                q.memoryBytes())));
        if (models.get(id).info().readsText()) {
            double pb = evaluation.perplexity(base.id(), List.of(text)).total().perplexity();
            double pq = evaluation.perplexity(id, List.of(text)).total().perplexity();
            out.put("perplexity", Map.of("original", pb, "quantized", pq, "change", change(pb, pq), "text_chars", text.length()));
            double tb = tokensPerSecond(base.id(), text);
            double tq = tokensPerSecond(id, text);
            out.put("tokens_per_second", Map.of("original", tb, "quantized", tq, "change", change(tb, tq)));
        }
        Map<String, Object> benchmarks = new LinkedHashMap<>();
        base.scores().forEach((column, v) -> {
            Double w = q.scores().get(column);
            if (w != null) {
                benchmarks.put(column, Map.of("original", v, "quantized", w, "change", change(v, w)));
            }
        });
        out.put("benchmarks", benchmarks);
        return out;
    }

    /**
     * What quantization did to one matrix (layer 0's query projection, else the first quantized one): histograms of
     * its weights before and after on the same 61 bins over [−max|w|, max|w|], how many distinct values each has
     * (float32: nearly one per weight; int8: at most 255 per row; q4: 16 per group of 32), and the largest error.
     */
    public Map<String, Object> weightHistogram(String id) {
        Entry q = get(id);
        if (q.quantization() == null || q.parent() == null) {
            throw new BadInputException("'" + id + "' is not a quantized model: quantize one first.");
        }
        LoadedModel qm = models.get(id);
        LoadedModel base = models.get(q.parent());
        Map<String, Quantized> quantized = ((Transformer) qm.network()).quantizedWeights();
        String name = quantized.containsKey("layers.0.attn.q.weight") ? "layers.0.attn.q.weight" : quantized.keySet().iterator().next();
        float[] before;
        float[] after;
        synchronized (base.lock()) {
            before = base.network().values(base.network().getParameters().get(name));
        }
        synchronized (qm.lock()) {
            after = qm.network().values(qm.network().getParameters().get(name));
        }
        double max = 0;
        double worst = 0;
        for (int i = 0; i < before.length; i++) {
            max = Math.max(max, Math.abs(before[i]));
            worst = Math.max(worst, Math.abs(before[i] - after[i]));
        }
        int bins = 61;
        long[] hb = new long[bins];
        long[] ha = new long[bins];
        List<String> centers = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            centers.add(String.format(Locale.ROOT, "%.3f", -max + (b + 0.5) * 2 * max / bins));
        }
        for (int i = 0; i < before.length; i++) {
            hb[bin(before[i], max, bins)]++;
            ha[bin(after[i], max, bins)]++;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", id);
        out.put("original", q.parent());
        out.put("tensor", name);
        out.put("bins", centers);
        out.put("before", hb);
        out.put("after", ha);
        out.put("distinct_before", java.util.stream.IntStream.range(0, before.length).mapToObj(i -> before[i]).distinct().count());
        out.put("distinct_after", java.util.stream.IntStream.range(0, after.length).mapToObj(i -> after[i]).distinct().count());
        out.put("max_abs_error", worst);
        return out;
    }

    private static int bin(float v, double max, int bins) {
        return max == 0 ? bins / 2 : (int) Math.min(bins - 1, Math.max(0, Math.floor((v + max) / (2 * max) * bins)));
    }

    /** (after − before) / before. */
    static double change(double before, double after) {
        return before == 0 ? 0 : (after - before) / before;
    }

    private double tokensPerSecond(String id, String prompt) {
        double best = 0;
        for (int i = 0; i < 3; i++) {
            var prepared = generation.prepare(id, prompt.substring(0, 60), GenerationSettings.greedy(32));
            var r = generation.generate(prepared, Generator.Listener.NONE, () -> false);
            best = Math.max(best, r.tokensPerSecond());
        }
        return best;
    }
}
