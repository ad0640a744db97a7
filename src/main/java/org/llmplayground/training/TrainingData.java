package org.llmplayground.training;

import org.llmplayground.model.TokenizerSpec;
import org.llmplayground.model.ModelTokenizer;
import org.llmplayground.model.CharVocabulary;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Workspace;
import org.llmplayground.corpus.CorpusStore;
import org.llmplayground.corpus.PreCleaner;
import org.llmplayground.tokenizer.TokenizerService;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Tokenized corpora for training, cached on disk by (SHA-256 of the corpus text, tokenizer): the first run on
 * Shakespeare with the char tokenizer writes {@code <workspace>/cache/datasets/<hash>-char/tokens.u16} (2.2 MB)
 * and every later run maps that file instead of tokenizing again.
 */
@Singleton
public class TrainingData implements org.llmplayground.corpus.TokenFiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final CorpusStore corpora;
    private final TokenizerService tokenizers;
    private final Path cache;

    public TrainingData(CorpusStore corpora, TokenizerService tokenizers, Workspace workspace) {
        this.corpora = corpora;
        this.tokenizers = tokenizers;
        this.cache = workspace.dir("cache").resolve("datasets");
    }

    /** A corpus ready to train on: the token file, how to read it, and the hash of the text it came from. */
    public record Prepared(Path tokens, ModelTokenizer tokenizer, String dataHash, long tokenCount, boolean cached) {
    }

    /** What the cache keeps besides the ids. */
    @Serdeable
    record Meta(String corpus, String tokenizer, String dataHash, int vocabSize, String chars, long tokens) {
    }

    /** Tokenizes {@code corpus} with {@code tokenizer} ("char" or a Tokenizer lab id), or reuses the cached result. */
    public synchronized Prepared prepare(String corpus, String tokenizer) {
        String text = corpora.read(corpus);
        if (text.isEmpty()) {
            throw new BadInputException("The corpus '" + corpus + "' is empty.");
        }
        String hash = sha256(text);
        Path dir = Workspace.resolveInside(cache, hash.substring(0, 16) + "-" + tokenizer.replaceAll("[^A-Za-z0-9_.-]", "_"));
        try {
            Path metaFile = dir.resolve("meta.json");
            if (Files.isRegularFile(metaFile)) {
                Meta meta = JSON.readValue(metaFile.toFile(), Meta.class);
                Path tokens = dir.resolve(meta.vocabSize() > 65_536 ? "tokens.i32" : "tokens.u16");
                if (meta.dataHash().equals(hash) && Files.isRegularFile(tokens)) {
                    return new Prepared(tokens, tokenizerFor(tokenizer, meta.chars()), hash, meta.tokens(), true);
                }
            }
            Files.createDirectories(dir);
            ModelTokenizer t = "char".equals(tokenizer) ? CharVocabulary.of(text) : tokenizerFor(tokenizer, null);
            int[] ids = t.encode(text);
            Path tokens = TokenDataset.write(ids, t.vocabSize(), dir);
            String chars = t instanceof CharVocabulary c ? c.spec().chars() : null;
            JSON.writeValue(metaFile.toFile(), new Meta(corpus, tokenizer, hash, t.vocabSize(), chars, ids.length));
            return new Prepared(tokens, t, hash, ids.length, false);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the training data: " + e.getMessage(), e);
        }
    }

    /** The tokenizer a spec describes: the stored characters, or a Tokenizer lab tokenizer by id. */
    public ModelTokenizer tokenizerFor(TokenizerSpec spec) {
        return tokenizerFor("char".equals(spec.type()) ? "char" : spec.id(), spec.chars());
    }

    private ModelTokenizer tokenizerFor(String id, String chars) {
        if ("char".equals(id)) {
            return new CharVocabulary(chars);
        }
        int vocab = tokenizers.tokenizer(id).vocabSize(); // unknown ids fail here with the list of known ones
        org.llmplayground.model.TokenizerCodec codec = new org.llmplayground.model.TokenizerCodec(tokenizers, id);
        return new ModelTokenizer() {
            @Override
            public int endOfText() {
                return codec.endOfText();
            }

            @Override
            public TokenizerSpec spec() {
                return TokenizerSpec.lab(id);
            }

            @Override
            public int vocabSize() {
                return vocab;
            }

            @Override
            public int[] encode(String text) {
                return tokenizers.encode(text, id, false, PreCleaner.Options.NONE, 0).ids();
            }

            @Override
            public String decode(int[] ids) {
                return tokenizers.decode(java.util.Arrays.stream(ids).boxed().toList(), id).text();
            }
        };
    }

    @Override
    public List<String> tokenizers() {
        return tokenizerChoices();
    }

    /** Characters (code points) for "char"; otherwise the Tokenizer lab's encoding, without special tokens. */
    @Override
    public long countTokens(String text, String tokenizer) {
        if ("char".equals(tokenizer)) {
            return text.codePointCount(0, text.length());
        }
        return tokenizers.encode(text, tokenizer, false, PreCleaner.Options.NONE, 0).ids().length;
    }

    @Override
    public long tokenize(String corpus, String tokenizer) {
        return prepare(corpus, tokenizer).tokenCount();
    }

    public List<String> tokenizerChoices() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of("char"),
                tokenizers.tokenizers().stream().map(t -> t.id())).toList();
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
