package org.llmplayground.tokenizer.bpe;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves and loads trained tokenizers in minbpe's two files, so they can be read by minbpe itself:
 * <pre>
 *   name.model   "minbpe v1", the split pattern, the special tokens, then one merge per line:
 *                  minbpe v1
 *                  '(?:[sdmt]|ll|ve|re)| ?\p{L}+| ...
 *                  1
 *                  &lt;|endoftext|&gt; 512
 *                  101 32
 *                  ...
 *   name.vocab   for people only: "[e][ ] -> [e ] 256" per merged token, "[a] 97" per byte
 * </pre>
 * Only the .model file is read back; the .vocab is lossy (bytes that are not valid UTF-8 print as U+FFFD).
 */
public final class MinbpeFiles {
    static final String VERSION = "minbpe v1";

    private MinbpeFiles() {
    }

    public static String modelText(BpeTokenizer tokenizer) {
        BpeModel model = tokenizer.model();
        StringBuilder sb = new StringBuilder();
        sb.append(VERSION).append('\n');
        sb.append(tokenizer.preTokenizer().pattern()).append('\n');
        Map<String, Integer> specials = tokenizer.specials().asMap();
        sb.append(specials.size()).append('\n');
        specials.forEach((token, id) -> sb.append(token).append(' ').append(id).append('\n'));
        for (int r = 0; r < model.mergeCount(); r++) {
            int[] pair = model.merge(r);
            sb.append(pair[0]).append(' ').append(pair[1]).append('\n');
        }
        return sb.toString();
    }

    public static String vocabText(BpeTokenizer tokenizer) {
        BpeModel model = tokenizer.model();
        StringBuilder sb = new StringBuilder();
        for (int b = 0; b < 256; b++) {
            sb.append('[').append(render(model.bytesOf(b))).append("] ").append(b).append('\n');
        }
        for (int r = 0; r < model.mergeCount(); r++) {
            int[] pair = model.merge(r);
            int id = model.mergedId(r);
            sb.append('[').append(render(model.bytesOf(pair[0]))).append("][").append(render(model.bytesOf(pair[1])))
                    .append("] -> [").append(render(model.bytesOf(id))).append("] ").append(id).append('\n');
        }
        tokenizer.specials().asMap().forEach((token, id) -> sb.append('[').append(token).append("] ").append(id).append('\n'));
        return sb.toString();
    }

    /** Writes {@code prefix.model} and {@code prefix.vocab}. */
    public static void save(BpeTokenizer tokenizer, Path prefix) throws IOException {
        Files.writeString(prefix.resolveSibling(prefix.getFileName() + ".model"), modelText(tokenizer), StandardCharsets.UTF_8);
        Files.writeString(prefix.resolveSibling(prefix.getFileName() + ".vocab"), vocabText(tokenizer), StandardCharsets.UTF_8);
    }

    public static BpeTokenizer load(Path modelFile) throws IOException {
        try (Reader reader = Files.newBufferedReader(modelFile, StandardCharsets.UTF_8)) {
            return read(reader);
        }
    }

    public static BpeTokenizer parse(String modelText) {
        try {
            return read(new StringReader(modelText));
        } catch (IOException e) {
            throw new IllegalStateException(e); // a StringReader does not fail
        }
    }

    /** Reads a .model file; any malformed line gives an {@link IllegalArgumentException} naming the line. */
    private static BpeTokenizer read(Reader source) throws IOException {
        BufferedReader in = new BufferedReader(source);
        String version = in.readLine();
        if (!VERSION.equals(version)) {
            throw new IllegalArgumentException("Not a minbpe model file: the first line must be '" + VERSION + "'");
        }
        String pattern = in.readLine();
        if (pattern == null) {
            throw new IllegalArgumentException("Model file ends before the split pattern (line 2)");
        }
        int lineNo = 3;
        int specialCount = parseInt(in.readLine(), lineNo, "the number of special tokens");
        Map<String, Integer> specials = new LinkedHashMap<>();
        for (int i = 0; i < specialCount; i++) {
            String line = in.readLine();
            lineNo++;
            int space = line == null ? -1 : line.lastIndexOf(' ');
            if (space <= 0) {
                throw new IllegalArgumentException("Line " + lineNo + ": expected '<special token> <id>'");
            }
            specials.put(line.substring(0, space), parseInt(line.substring(space + 1), lineNo, "a special token id"));
        }
        List<int[]> merges = new ArrayList<>();
        for (String line; (line = in.readLine()) != null; ) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.trim().split(" ");
            if (parts.length != 2) {
                throw new IllegalArgumentException("Line " + lineNo + ": expected a merge '<id> <id>', got '" + line + "'");
            }
            merges.add(new int[]{parseInt(parts[0], lineNo, "a token id"), parseInt(parts[1], lineNo, "a token id")});
        }
        BpeModel model = BpeModel.ofMerges(merges.toArray(int[][]::new));
        return new BpeTokenizer(model, SplitPattern.forRegex(pattern), new SpecialTokens(specials));
    }

    private static int parseInt(String s, int line, String what) {
        try {
            return Integer.parseInt(s == null ? "" : s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Line " + line + ": expected " + what + ", got '" + s + "'");
        }
    }

    /** minbpe's render_token: bytes as UTF-8 (U+FFFD where invalid), control characters escaped as \\uXXXX. */
    static String render(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (Character.getType(cp) == Character.CONTROL || Character.getType(cp) == Character.FORMAT
                    || Character.getType(cp) == Character.PRIVATE_USE || Character.getType(cp) == Character.SURROGATE
                    || Character.getType(cp) == Character.UNASSIGNED) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }
}
