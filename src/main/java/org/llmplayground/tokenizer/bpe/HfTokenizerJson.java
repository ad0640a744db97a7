package org.llmplayground.tokenizer.bpe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link BpeTokenizer} as a Hugging Face {@code tokenizer.json}, the format of the {@code tokenizers}
 * library, so that the same vocabulary can be run by HF's Rust implementation (our reference in tests and the
 * "hf-gpt2" tokenizer in the app). Tokens are written in the {@link ByteLevel} alphabet; the split pattern becomes
 * HF's ByteLevel pre-tokenizer (GPT-2's regex is built into it) or a Split pre-tokenizer with our regex.
 */
public final class HfTokenizerJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HfTokenizerJson() {
    }

    public static String write(BpeTokenizer tokenizer) {
        BpeModel model = tokenizer.model();
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int id = 0; id < model.vocabSize(); id++) {
            byte[] bytes = model.bytesOf(id);
            if (bytes != null && vocab.putIfAbsent(ByteLevel.encode(bytes), id) != null) {
                throw new IllegalArgumentException("Token " + id + " has the same bytes as token " + vocab.get(ByteLevel.encode(bytes))
                        + "; the tokenizer.json format cannot hold two ids for one string");
            }
        }
        List<String> merges = new ArrayList<>();
        for (int r = 0; r < model.mergeCount(); r++) {
            int[] pair = model.merge(r);
            merges.add(ByteLevel.encode(model.bytesOf(pair[0])) + " " + ByteLevel.encode(model.bytesOf(pair[1])));
        }
        List<Map<String, Object>> added = new ArrayList<>();
        tokenizer.specials().asMap().forEach((token, id) -> added.add(ordered(
                "id", id, "content", token, "single_word", false, "lstrip", false, "rstrip", false,
                "normalized", false, "special", true)));

        Map<String, Object> bpe = ordered("type", "BPE", "dropout", null, "unk_token", null,
                "continuing_subword_prefix", "", "end_of_word_suffix", "", "fuse_unk", false, "byte_fallback", false,
                "vocab", vocab, "merges", merges);
        Map<String, Object> json = ordered("version", "1.0", "truncation", null, "padding", null,
                "added_tokens", added, "normalizer", null, "pre_tokenizer", preTokenizer(tokenizer.preTokenizer().pattern()),
                "post_processor", byteLevel(false), "decoder", byteLevel(false), "model", bpe);
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The tokenizer.json of a byte-level BPE shipped as vocab.json + merges.txt (GPT-2, RoBERTa and their kin): the
     * vocabulary and merges as they are (already in the byte-level alphabet; merges.txt's "#version" line skipped),
     * GPT-2's ByteLevel pre-tokenizer, "&lt;|endoftext|&gt;" a special token when the vocabulary has it.
     */
    public static byte[] fromVocabAndMerges(String vocabJson, String mergesTxt) {
        try {
            Map<String, Integer> vocab = JSON.readValue(vocabJson, new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Integer>>() {
            });
            List<String> merges = new ArrayList<>();
            for (String line : mergesTxt.split("\n")) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("#version")) {
                    if (l.split(" ").length != 2) {
                        throw new IllegalArgumentException("merges.txt: '" + l + "' is not two tokens separated by a space");
                    }
                    merges.add(l);
                }
            }
            List<Map<String, Object>> added = new ArrayList<>();
            if (vocab.containsKey("<|endoftext|>")) {
                added.add(ordered("id", vocab.get("<|endoftext|>"), "content", "<|endoftext|>", "single_word", false, "lstrip", false,
                        "rstrip", false, "normalized", false, "special", true));
            }
            Map<String, Object> bpe = ordered("type", "BPE", "dropout", null, "unk_token", null, "continuing_subword_prefix", "",
                    "end_of_word_suffix", "", "fuse_unk", false, "byte_fallback", false, "vocab", vocab, "merges", merges);
            return JSON.writeValueAsBytes(ordered("version", "1.0", "truncation", null, "padding", null, "added_tokens", added,
                    "normalizer", null, "pre_tokenizer", byteLevel(true), "post_processor", byteLevel(false), "decoder", byteLevel(false),
                    "model", bpe));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("vocab.json is not a JSON object of token → id: " + e.getOriginalMessage());
        }
    }

    private static Object preTokenizer(String pattern) {
        if (SplitPattern.GPT2.regex().equals(pattern)) {
            return byteLevel(true);
        }
        if (pattern.isEmpty()) {
            return byteLevel(false);
        }
        Map<String, Object> split = ordered("type", "Split", "pattern", Map.of("Regex", pattern),
                "behavior", "Isolated", "invert", false);
        return ordered("type", "Sequence", "pretokenizers", List.of(split, byteLevel(false)));
    }

    private static Map<String, Object> byteLevel(boolean useRegex) {
        return ordered("type", "ByteLevel", "add_prefix_space", false, "trim_offsets", false, "use_regex", useRegex);
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
