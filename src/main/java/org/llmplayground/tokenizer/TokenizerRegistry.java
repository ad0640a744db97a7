package org.llmplayground.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Resources;
import org.llmplayground.core.Workspace;
import org.llmplayground.tokenizer.bpe.BpeTokenizer;
import org.llmplayground.tokenizer.bpe.Gpt2Files;
import org.llmplayground.tokenizer.bpe.HfTokenizerJson;
import org.llmplayground.tokenizer.bpe.MinbpeFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Every tokenizer the lab knows: the built-in ones (loaded on first use) and the ones the user trained or imported
 * (files in {@code <workspace>/tokenizers/<id>/}, a row in H2). Saving never overwrites: a taken name is refused.
 */
@Singleton
class TokenizerRegistry {
    static final String GPT2 = "gpt2";
    static final String HF_GPT2 = "hf-gpt2";
    private static final String BPE = "BPE";
    private static final String HF = "HF";

    private final TokenizerRepository repository;
    private final Path dir;
    private final Path cacheDir;
    private final EncodingRegistry tiktoken = Encodings.newLazyEncodingRegistry();
    private final Map<String, Builtin> builtins = new LinkedHashMap<>();
    private final Map<String, TextTokenizer> loaded = new ConcurrentHashMap<>();

    TokenizerRegistry(TokenizerRepository repository, Workspace workspace) {
        this.repository = repository;
        this.dir = workspace.dir("tokenizers");
        this.cacheDir = workspace.dir("cache");
        builtin(GPT2, "GPT-2 (our BPE)", 50257,
                "GPT-2's encoder.json and vocab.bpe run by this lab's own byte-level BPE implementation.",
                () -> new BpeTextTokenizer(GPT2, "byte-level BPE (ours)", loadGpt2()));
        builtin("r50k_base", "GPT-2 / GPT-3 (r50k_base)", 50257, "tiktoken's GPT-2 encoding, the reference for ours.",
                () -> new TiktokenTokenizer(tiktoken, EncodingType.R50K_BASE));
        builtin("p50k_base", "Codex (p50k_base)", 50281, "r50k plus tokens for runs of spaces, for code.",
                () -> new TiktokenTokenizer(tiktoken, EncodingType.P50K_BASE));
        builtin("cl100k_base", "GPT-3.5 / GPT-4 (cl100k_base)", 100277,
                "100k vocabulary, GPT-4 split pattern: digits in groups of three, case-insensitive contractions.",
                () -> new TiktokenTokenizer(tiktoken, EncodingType.CL100K_BASE));
        builtin("o200k_base", "GPT-4o (o200k_base)", 200019, "200k vocabulary tuned for many languages.",
                () -> new TiktokenTokenizer(tiktoken, EncodingType.O200K_BASE));
        builtin(HF_GPT2, "GPT-2 (Hugging Face tokenizers)", 50257,
                "The same GPT-2 vocabulary as a tokenizer.json, run by Hugging Face's Rust library.", this::loadHfGpt2);
        builtin(CharTokenizer.ID, "Characters", Character.MAX_CODE_POINT + 1,
                "One token per Unicode character; the id is the code point.", CharTokenizer::new);
    }

    private void builtin(String id, String name, int vocabSize, String description, Supplier<TextTokenizer> loader) {
        builtins.put(id, new Builtin(new TokenizerInfo(id, name, kindOf(id), vocabSize, true, description), loader));
    }

    private static String kindOf(String id) {
        return switch (id) {
            case GPT2 -> "byte-level BPE (ours)";
            case HF_GPT2 -> "Hugging Face tokenizers";
            case CharTokenizer.ID -> "characters";
            default -> "tiktoken (jtokkit)";
        };
    }

    List<TokenizerInfo> list() {
        List<TokenizerInfo> all = new ArrayList<>();
        builtins.values().forEach(b -> all.add(b.info));
        repository.findAllOrderByCreatedAt().forEach(r -> all.add(info(r)));
        return all;
    }

    private static TokenizerInfo info(TokenizerRecord r) {
        String kind = BPE.equals(r.kind()) ? "byte-level BPE (trained here)" : "Hugging Face tokenizers (imported)";
        return new TokenizerInfo(r.id(), r.name(), kind, r.vocabSize(), false, r.description());
    }

    TokenizerInfo info(String id) {
        Builtin b = builtins.get(id);
        if (b != null) {
            return b.info;
        }
        return repository.findById(id).map(TokenizerRegistry::info).orElseThrow(() -> unknown(id));
    }

    /** The tokenizer with this id, loading it on first use. */
    TextTokenizer get(String id) {
        if (id == null || id.isBlank()) {
            throw new BadInputException("No tokenizer given. Known: " + knownIds());
        }
        TextTokenizer t = loaded.get(id);
        if (t != null) {
            return t;
        }
        synchronized (this) { // not computeIfAbsent: loading hf-gpt2 first loads gpt2
            t = loaded.get(id);
            if (t == null) {
                t = load(id);
                loaded.put(id, t);
            }
            return t;
        }
    }

    private TextTokenizer load(String id) {
        Builtin b = builtins.get(id);
        if (b != null) {
            return b.loader.get();
        }
        TokenizerRecord r = repository.findById(id).orElseThrow(() -> unknown(id));
        Path folder = Workspace.resolveInside(dir, r.id());
        try {
            if (BPE.equals(r.kind())) {
                return new BpeTextTokenizer(r.id(), "byte-level BPE (trained here)", MinbpeFiles.load(folder.resolve("tokenizer.model")));
            }
            return new HfTokenizer(r.id(), folder.resolve("tokenizer.json"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read tokenizer " + id + " from " + folder + ": " + e.getMessage(), e);
        }
    }

    private BadInputException unknown(String id) {
        return new BadInputException("Unknown tokenizer '" + id + "'. Known: " + knownIds());
    }

    private String knownIds() {
        return String.join(", ", list().stream().map(TokenizerInfo::id).toList());
    }

    /** Saves a trained tokenizer as minbpe files under a new id derived from {@code name}. */
    synchronized TokenizerInfo saveTrained(String name, BpeTokenizer tokenizer, String description) {
        String id = newId(name);
        writeFolder(id, Map.of("tokenizer.model", MinbpeFiles.modelText(tokenizer), "tokenizer.vocab", MinbpeFiles.vocabText(tokenizer)));
        repository.save(new TokenizerRecord(id, name.strip(), BPE, tokenizer.vocabSize(), description, Instant.now()));
        loaded.put(id, new BpeTextTokenizer(id, "byte-level BPE (trained here)", tokenizer));
        return info(id);
    }

    /** Imports a tokenizer.json after the Hugging Face library has accepted it; a malformed file saves nothing. */
    synchronized TokenizerInfo importHf(String name, byte[] json) {
        String id = newId(name);
        Path staging;
        HfTokenizer tokenizer;
        try {
            staging = Files.createTempDirectory(cacheDir, "import");
            Files.write(staging.resolve("tokenizer.json"), json);
            tokenizer = new HfTokenizer(id, staging.resolve("tokenizer.json"));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path folder = Workspace.resolveInside(dir, id);
        try {
            Files.move(staging, folder, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            tokenizer.close();
            throw new UncheckedIOException("Cannot store the tokenizer: " + e.getMessage(), e);
        }
        repository.save(new TokenizerRecord(id, name.strip(), HF, tokenizer.vocabSize(),
                "Imported tokenizer.json (" + json.length + " bytes).", Instant.now()));
        loaded.put(id, tokenizer);
        return info(id);
    }

    synchronized void delete(String id) {
        if (builtins.containsKey(id)) {
            throw new BadInputException("'" + id + "' is built in and cannot be deleted.");
        }
        TokenizerRecord r = repository.findById(id).orElseThrow(() -> BadInputException.notFound("Unknown tokenizer '" + id + "'."));
        repository.delete(r);
        TextTokenizer t = loaded.remove(id);
        if (t instanceof AutoCloseable c) {
            closeQuietly(c);
        }
        deleteFolder(Workspace.resolveInside(dir, id));
    }

    /** Checks that {@code name} can be saved, without saving; returns the id it would get. */
    String checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new BadInputException("Give the tokenizer a name (letters, digits, spaces, '-' or '_').");
        }
        String id = slug(name);
        if (name.strip().length() > 60 || id.isEmpty()) {
            throw new BadInputException("The name '" + name + "' cannot be used: use 1 to 60 letters, digits, spaces, '-' or '_'.");
        }
        if (builtins.containsKey(id) || repository.existsById(id)) {
            throw BadInputException.conflict("A tokenizer with the id '" + id + "' already exists. Choose another name"
                    + (builtins.containsKey(id) ? "." : " or delete the existing one first."));
        }
        return id;
    }

    private String newId(String name) {
        return checkName(name);
    }

    static String slug(String name) {
        return name.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]+", "-").replaceAll("^-+|-+$", "");
    }

    private void writeFolder(String id, Map<String, String> files) {
        try {
            Path staging = Files.createTempDirectory(cacheDir, "save");
            for (Map.Entry<String, String> f : files.entrySet()) {
                Files.writeString(staging.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
            }
            Files.move(staging, Workspace.resolveInside(dir, id), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot save the tokenizer: " + e.getMessage(), e);
        }
    }

    private static void deleteFolder(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + folder + ": " + e.getMessage(), e);
        }
    }

    private BpeTokenizer loadGpt2() {
        return Gpt2Files.load(Resources.text("bundled/data/gpt2-tokenizer/encoder.json"), Resources.text("bundled/data/gpt2-tokenizer/vocab.bpe"));
    }

    private TextTokenizer loadHfGpt2() {
        BpeTokenizer gpt2 = ((BpeTextTokenizer) get(GPT2)).bpe();
        try {
            Path json = Files.createDirectories(cacheDir.resolve(HF_GPT2)).resolve("tokenizer.json");
            Files.writeString(json, HfTokenizerJson.write(gpt2), StandardCharsets.UTF_8);
            return new HfTokenizer(HF_GPT2, json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // native handle already gone
        }
    }

    @PreDestroy
    void close() {
        loaded.values().forEach(t -> {
            if (t instanceof AutoCloseable c) {
                closeQuietly(c);
            }
        });
    }

    private record Builtin(TokenizerInfo info, Supplier<TextTokenizer> loader) {
    }
}
