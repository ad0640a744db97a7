package org.llmplayground.tokenizer.bpe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads OpenAI's GPT-2 tokenizer files into our {@link BpeTokenizer}:
 * <ul>
 *   <li>{@code encoder.json}: token string → id, tokens written in the {@link ByteLevel} alphabet
 *       ({@code "Ġthe": 262} is the bytes " the");</li>
 *   <li>{@code vocab.bpe}: a version line, then the 50,000 merges in rank order, one {@code "left right"} per line
 *       ({@code "Ġ t"} is merge 0).</li>
 * </ul>
 * Byte b is the token {@code encoder[ByteLevel(b)]} (GPT-2 numbers bytes in its own order: '!' is 0); merge r
 * produces {@code encoder[left + right]}. Entries of encoder.json that are neither bytes nor merge results are the
 * special tokens ({@code <|endoftext|>} = 50256).
 */
public final class Gpt2Files {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Gpt2Files() {
    }

    public static BpeTokenizer load(String encoderJson, String vocabBpe) {
        Map<String, Integer> encoder = parseEncoder(encoderJson);
        int[] byteToId = new int[256];
        Map<String, Boolean> used = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            String token = ByteLevel.encode(new byte[]{(byte) b});
            Integer id = encoder.get(token);
            if (id == null) {
                throw new IllegalArgumentException("encoder.json has no token for byte " + b + " ('" + token + "')");
            }
            byteToId[b] = id;
            used.put(token, true);
        }
        List<int[]> merges = new ArrayList<>();
        List<Integer> mergedIds = new ArrayList<>();
        String[] lines = vocabBpe.split("\n");
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty() || (n == 0 && line.startsWith("#version"))) {
                continue;
            }
            String[] parts = line.split(" ");
            if (parts.length != 2) {
                throw new IllegalArgumentException("vocab.bpe line " + (n + 1) + ": expected 'left right', got '" + line + "'");
            }
            Integer left = encoder.get(parts[0]);
            Integer right = encoder.get(parts[1]);
            Integer merged = encoder.get(parts[0] + parts[1]);
            if (left == null || right == null || merged == null) {
                throw new IllegalArgumentException("vocab.bpe line " + (n + 1) + ": '" + line
                        + "' uses a token that encoder.json does not have");
            }
            merges.add(new int[]{left, right});
            mergedIds.add(merged);
            used.put(parts[0] + parts[1], true);
        }
        Map<String, Integer> specials = new LinkedHashMap<>();
        encoder.forEach((token, id) -> {
            if (!used.containsKey(token)) {
                specials.put(token, id);
            }
        });
        BpeModel model = BpeModel.of(byteToId, merges.toArray(int[][]::new), mergedIds.stream().mapToInt(i -> i).toArray());
        return new BpeTokenizer(model, SplitPattern.GPT2.preTokenizer(), new SpecialTokens(specials));
    }

    private static Map<String, Integer> parseEncoder(String encoderJson) {
        try {
            Map<String, Integer> encoder = JSON.readValue(encoderJson, new TypeReference<LinkedHashMap<String, Integer>>() {
            });
            if (encoder == null || encoder.isEmpty()) {
                throw new IllegalArgumentException("encoder.json is empty");
            }
            return encoder;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("encoder.json is not a JSON object of token → id: "
                    + e.getOriginalMessage(), e);
        }
    }
}
