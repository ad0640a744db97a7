package org.llmplayground.model.io;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.llmplayground.model.ModelConfig;
import org.llmplayground.model.TokenizerSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This app's own checkpoint folder, as the Training lab writes it: {@code checkpoint.json} (format, the network's
 * config, its tokenizer, and training details read by the trainer) next to {@code model.safetensors} with the
 * parameters under our names. The bundled shakespeare-char model is one.
 */
public final class PlaygroundCheckpoint {
    public static final String FORMAT = "llm-playground-checkpoint/1";
    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The part of checkpoint.json a model needs. */
    record Header(String format, ModelConfig model, TokenizerSpec tokenizer) {
    }

    private PlaygroundCheckpoint() {
    }

    public static boolean looksLike(Path path) {
        return Files.isRegularFile(path.resolve("checkpoint.json")) && Files.isRegularFile(path.resolve("model.safetensors"));
    }

    public static ImportedWeights read(Path dir) throws IOException {
        Header h = header(dir);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (SafetensorsFile st = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            for (String name : st.entries().keySet()) {
                tensors.put(name, st.tensor(name));
            }
        }
        return new ImportedWeights("llm-playground checkpoint", h.model(), tensors, List.of());
    }

    /** How the checkpoint's model reads text. */
    public static TokenizerSpec tokenizer(Path dir) throws IOException {
        return header(dir).tokenizer();
    }

    private static Header header(Path dir) throws IOException {
        Header h = JSON.readValue(dir.resolve("checkpoint.json").toFile(), Header.class);
        if (!FORMAT.equals(h.format())) {
            throw new IllegalArgumentException(dir.getFileName() + " has checkpoint format '" + h.format() + "', expected " + FORMAT);
        }
        if (h.model() == null || h.tokenizer() == null) {
            throw new IllegalArgumentException(dir.getFileName() + "/checkpoint.json lacks the model config or the tokenizer");
        }
        return h;
    }
}
