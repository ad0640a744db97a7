package org.llmplayground.training;

import org.llmplayground.model.TokenizerSpec;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import org.llmplayground.model.ModelConfig;
import org.llmplayground.model.io.PlaygroundCheckpoint;
import org.llmplayground.model.io.SafetensorsFile;
import org.llmplayground.model.io.SafetensorsWriter;
import org.llmplayground.model.io.Tensor;
import org.llmplayground.model.nn.CausalLm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Checkpoints of one run, each a folder {@code step-0000500/} with
 * <pre>
 *   model.safetensors      the parameters under their model names (float32)
 *   optimizer.safetensors  AdamW's moments m.* and v.*
 *   checkpoint.json        step, optimizer step, the resolved config, tokenizer, losses, seed, data hash
 * </pre>
 * Everything is written to a temporary folder first and renamed into place in one step, so a checkpoint is either
 * complete or absent: a crash or a full disk mid-write leaves the previous checkpoints as they were. The learning
 * rate and the random streams are functions of the step and the seed, so the step restores them too.
 */
public class Checkpoints {
    static final String FORMAT = PlaygroundCheckpoint.FORMAT;
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .findAndRegisterModules();

    /** What checkpoint.json holds. */
    @Serdeable
    public record Meta(String format, String runId, int step, int optimizerStep, String configYaml, ModelConfig model,
                       TokenizerSpec tokenizer, @Nullable Double valLoss, @Nullable Double trainLoss, long seed,
                       String dataHash, String createdAt) {
        /** A run's first meta: step 0, no losses yet, created now. */
        static Meta start(String runId, String configYaml, ModelConfig model, TokenizerSpec tokenizer, long seed, String dataHash) {
            return new Meta(FORMAT, runId, 0, 0, configYaml, model, tokenizer, null, null, seed, dataHash, Instant.now().toString());
        }

        /** This run's meta at a later step: where the model and optimizer are, the latest losses, written now. */
        Meta at(int newStep, int newOptimizerStep, @Nullable Double newValLoss, @Nullable Double newTrainLoss) {
            return new Meta(format, runId, newStep, newOptimizerStep, configYaml, model, tokenizer, newValLoss, newTrainLoss, seed,
                    dataHash, Instant.now().toString());
        }
    }

    /** A checkpoint on disk. */
    @Serdeable
    public record Saved(int step, String path, @Nullable Double valLoss) {
    }

    private final Path dir;

    public Checkpoints(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Saved save(Meta meta, CausalLm network, AdamW optimizer) throws IOException {
        return save(meta, network, optimizer, new ai.djl.util.PairList<>());
    }

    /** As above, with {@code extra} weights trained outside the network (a reward head) saved next to its own. */
    public Saved save(Meta meta, CausalLm network, AdamW optimizer, ai.djl.util.PairList<String, Parameter> extra) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(String.format("step-%07d", meta.step()));
        Path tmp = dir.resolve(".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectory(tmp);
            writeFiles(tmp, meta, network, optimizer, extra);
            if (Files.exists(target)) { // a re-run of the same step (resume): replace it as a whole
                deleteTree(target);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return new Saved(meta.step(), target.toString(), meta.valLoss());
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
    }

    /** Writes the three files into {@code tmp}; overridden in tests to simulate a full disk. */
    protected void writeFiles(Path tmp, Meta meta, CausalLm network, AdamW optimizer, ai.djl.util.PairList<String, Parameter> extra)
            throws IOException {
        Map<String, Tensor> params = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : network.getParameters()) { // a quantized (QLoRA) base weight: dequantized
            params.put(p.getKey(), new Tensor(network.values(p.getValue()), p.getValue().getShape().getShape(), p.getKey()));
        }
        for (Pair<String, Parameter> p : network.trainableParameters()) { // LoRA adapters, next to the (frozen) base
            params.putIfAbsent(p.getKey(), new Tensor(p.getValue().getArray().toFloatArray(), p.getValue().getArray().getShape().getShape(), p.getKey()));
        }
        for (Pair<String, Parameter> p : extra) {
            params.putIfAbsent(p.getKey(), new Tensor(p.getValue().getArray().toFloatArray(), p.getValue().getArray().getShape().getShape(), p.getKey()));
        }
        SafetensorsWriter.write(params, tmp.resolve("model.safetensors"));
        if (optimizer != null) {
            Map<String, Tensor> state = new LinkedHashMap<>();
            optimizer.state().forEach((k, v) -> state.put(k, new Tensor(v, new long[]{v.length}, k)));
            SafetensorsWriter.write(state, tmp.resolve("optimizer.safetensors"));
        }
        JSON.writeValue(tmp.resolve("checkpoint.json").toFile(), meta);
    }

    /** Checkpoints of this run, oldest first. */
    public List<Saved> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            List<Saved> out = new ArrayList<>();
            for (Path p : entries.filter(p -> p.getFileName().toString().startsWith("step-")).sorted().toList()) {
                Meta m = readMeta(p);
                out.add(new Saved(m.step(), p.toString(), m.valLoss()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keeps the latest checkpoint and the {@code keepBest} with the lowest val loss; deletes the rest. */
    public List<Saved> prune(int keepBest) throws IOException {
        List<Saved> all = list();
        if (all.isEmpty()) {
            return all;
        }
        Saved latest = all.get(all.size() - 1);
        List<Saved> best = all.stream().filter(s -> s.valLoss() != null).sorted(Comparator.comparingDouble(Saved::valLoss))
                .limit(keepBest).toList();
        List<Saved> kept = new ArrayList<>();
        for (Saved s : all) {
            if (s == latest || best.contains(s)) {
                kept.add(s);
            } else {
                deleteTree(Path.of(s.path()));
            }
        }
        return kept;
    }

    public static Meta readMeta(Path checkpoint) throws IOException {
        Path json = checkpoint.resolve("checkpoint.json");
        if (!Files.isRegularFile(json)) {
            throw new IllegalArgumentException(checkpoint.getFileName() + " is not a checkpoint (no checkpoint.json)");
        }
        Meta m = JSON.readValue(json.toFile(), Meta.class);
        if (!FORMAT.equals(m.format())) {
            throw new IllegalArgumentException(checkpoint.getFileName() + " has format '" + m.format() + "', expected " + FORMAT);
        }
        return m;
    }

    /** The parameters of a checkpoint, by name. */
    /**
     * The weights a run starts from (training.init_from): a checkpoint folder, or any format the model import reads
     * (a Hugging Face folder, a llama2.c .bin, a minGPT .json), by our parameter names.
     */
    public static Map<String, Tensor> readWeights(Path source) throws IOException {
        if (Files.isRegularFile(source.resolve("checkpoint.json"))) {
            return readModel(source);
        }
        return org.llmplayground.model.io.WeightFormats.read(source).tensors();
    }

    public static Map<String, Tensor> readModel(Path checkpoint) throws IOException {
        return readAll(checkpoint.resolve("model.safetensors"));
    }

    /** The optimizer moments, or an empty map when the checkpoint has none (e.g. the bundled model). */
    public static Map<String, float[]> readOptimizer(Path checkpoint) throws IOException {
        Path f = checkpoint.resolve("optimizer.safetensors");
        Map<String, float[]> out = new LinkedHashMap<>();
        if (Files.isRegularFile(f)) {
            readAll(f).forEach((k, v) -> out.put(k, v.data()));
        }
        return out;
    }

    private static Map<String, Tensor> readAll(Path file) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            for (String name : st.entries().keySet()) {
                out.put(name, st.tensor(name));
            }
        }
        return out;
    }

    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> files = Files.walk(p)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
