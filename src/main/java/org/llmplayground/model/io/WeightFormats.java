package org.llmplayground.model.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Recognises a weight format by what is there and reads it. */
public final class WeightFormats {
    private WeightFormats() {
    }

    /**
     * A folder with checkpoint.json is one of this app's checkpoints; a folder with config.json (+ safetensors) is Hugging Face; a .bin whose header fits its size is llama2.c; a
     * .json with a minGPT config is minGPT. Anything else: an {@link IllegalArgumentException} saying what was expected.
     */
    public static ImportedWeights read(Path path) throws IOException {
        if (PlaygroundCheckpoint.looksLike(path)) {
            return PlaygroundCheckpoint.read(path);
        }
        if (HfImporter.looksLike(path)) {
            return HfImporter.read(path);
        }
        if (Files.isRegularFile(path)) {
            String name = path.getFileName().toString().toLowerCase();
            if (name.endsWith(".bin")) {
                return Llama2cImporter.read(Files.readAllBytes(path));
            }
            if (name.endsWith(".json")) {
                String json = Files.readString(path, StandardCharsets.UTF_8);
                if (MinGptImporter.looksLike(json)) {
                    return MinGptImporter.read(json);
                }
            }
        }
        throw new IllegalArgumentException("Unknown weight format at " + path.getFileName() + ": expected a checkpoint "
                + "folder of the Training lab, a folder with config.json and model.safetensors (Hugging Face GPT-2 or Llama), a llama2.c .bin checkpoint, or a minGPT .json");
    }
}
