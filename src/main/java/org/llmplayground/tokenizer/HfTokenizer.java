package org.llmplayground.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.llmplayground.tokenizer.bpe.ByteLevel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Any local {@code tokenizer.json} run by Hugging Face's Rust {@code tokenizers} library through DJL's JNI binding.
 * Built with truncation and padding off (DJL would otherwise cut at 512 tokens) and without adding BOS/EOS, so the
 * ids are the text's and nothing else. Holds native memory: {@link #close()} when removed.
 */
final class HfTokenizer implements TextTokenizer, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String id;
    private final HuggingFaceTokenizer tokenizer;
    private final String[] tokens;       // id -> token string as written in tokenizer.json
    private final Set<Integer> specialIds = new HashSet<>();
    private final boolean byteLevel;

    /** Loads and checks the file; any problem is an {@link IllegalArgumentException} with the reason. */
    HfTokenizer(String id, Path tokenizerJson) throws IOException {
        this.id = id;
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(tokenizerJson, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("Not a valid tokenizer.json: it is not JSON (" + firstLine(e.getMessage()) + ")");
        }
        if (root == null || !root.isObject() || !root.path("model").isObject()) {
            throw new IllegalArgumentException("Not a valid tokenizer.json: it has no \"model\" object");
        }
        this.tokens = vocabulary(root);
        this.byteLevel = root.toString().contains("\"ByteLevel\"");
        try {
            this.tokenizer = HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerJson).optAddSpecialTokens(false)
                    .optTruncation(false).optPadding(false).build();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Not a valid tokenizer.json: the Hugging Face library refused it ("
                    + firstLine(e.getMessage()) + ")");
        }
    }

    private String[] vocabulary(JsonNode root) {
        JsonNode vocab = root.path("model").path("vocab");
        List<String> byId = new ArrayList<>();
        if (vocab.isObject()) { // BPE, WordPiece, WordLevel: {"token": id}
            vocab.fields().forEachRemaining(e -> put(byId, e.getValue().asInt(), e.getKey()));
        } else if (vocab.isArray()) { // Unigram: [["piece", score], ...]
            for (int i = 0; i < vocab.size(); i++) {
                put(byId, i, vocab.get(i).path(0).asText());
            }
        } else {
            throw new IllegalArgumentException("Not a valid tokenizer.json: model.vocab is missing");
        }
        for (JsonNode added : root.path("added_tokens")) {
            put(byId, added.path("id").asInt(), added.path("content").asText());
            if (added.path("special").asBoolean()) {
                specialIds.add(added.path("id").asInt());
            }
        }
        if (byId.isEmpty()) {
            throw new IllegalArgumentException("Not a valid tokenizer.json: its vocabulary is empty");
        }
        return byId.toArray(String[]::new);
    }

    private static void put(List<String> byId, int index, String token) {
        if (index < 0) {
            throw new IllegalArgumentException("Not a valid tokenizer.json: negative token id " + index);
        }
        while (byId.size() <= index) {
            byId.add(null);
        }
        byId.set(index, token);
    }

    private static String firstLine(String s) {
        return s == null ? "unknown error" : s.lines().findFirst().orElse(s);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String kind() {
        return "Hugging Face tokenizers (Rust, via DJL)";
    }

    @Override
    public int vocabSize() {
        return tokens.length;
    }

    @Override
    public int[] encode(String text, boolean allowSpecial) {
        // the library always matches its added tokens; allowSpecial cannot switch that off
        return Arrays.stream(tokenizer.encode(text).getIds()).mapToInt(l -> (int) l).toArray();
    }

    @Override
    public List<Token> tokenize(String text, boolean allowSpecial) {
        Encoding encoding = tokenizer.encode(text);
        long[] ids = encoding.getIds();
        long[] words = encoding.getWordIds();
        CharSpan[] spans = encoding.getCharTokenSpans();
        List<Token> out = new ArrayList<>(ids.length);
        int chunk = -1;
        long lastWord = Long.MIN_VALUE;
        for (int i = 0; i < ids.length; i++) {
            boolean special = specialIds.contains((int) ids[i]);
            if (special || words[i] != lastWord || words[i] < 0) {
                chunk++;
                lastWord = words[i];
            }
            CharSpan span = spans[i];
            int start = span == null ? 0 : span.getStart();
            int end = span == null ? 0 : span.getEnd();
            out.add(new Token((int) ids[i], start, end, chunk, special));
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        for (int tokenId : ids) {
            checkId(tokenId);
        }
        return tokenizer.decode(Arrays.stream(ids).asLongStream().toArray(), false);
    }

    @Override
    public byte[] tokenBytes(int tokenId) {
        String token = tokens[checkId(tokenId)];
        if (byteLevel && !specialIds.contains(tokenId) && ByteLevel.isByteLevel(token)) {
            return ByteLevel.decode(token);
        }
        return tokenizer.decode(new long[]{tokenId}, false).getBytes(StandardCharsets.UTF_8);
    }

    private int checkId(int tokenId) {
        if (tokenId < 0 || tokenId >= tokens.length || tokens[tokenId] == null) {
            throw new IllegalArgumentException("Token id " + tokenId + " is not in the vocabulary of " + id
                    + " (0.." + (tokens.length - 1) + ")");
        }
        return tokenId;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
