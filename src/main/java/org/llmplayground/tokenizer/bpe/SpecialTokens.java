package org.llmplayground.tokenizer.bpe;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Special tokens: strings such as {@code <|endoftext|>} that map straight to one reserved id and never go through
 * BPE. When they are allowed, the text is first cut at every occurrence:
 * {@code "hi<|endoftext|>yo"} → ordinary "hi", special 50256, ordinary "yo". When they are not allowed, the same
 * characters are encoded as ordinary text (as tiktoken's {@code encode_ordinary}).
 */
public final class SpecialTokens {
    public static final String ENDOFTEXT = "<|endoftext|>";
    public static final SpecialTokens NONE = new SpecialTokens(Map.of());

    private final Map<String, Integer> ids;
    private final Map<Integer, String> byId = new LinkedHashMap<>();
    /** The first character of every special token: only there can a match start. */
    private final String firstChars;

    public SpecialTokens(Map<String, Integer> ids) {
        this.ids = Collections.unmodifiableMap(new LinkedHashMap<>(ids));
        ids.forEach((k, v) -> {
            if (k.isEmpty()) {
                throw new IllegalArgumentException("A special token cannot be empty");
            }
            if (byId.put(v, k) != null) {
                throw new IllegalArgumentException("Two special tokens share the id " + v);
            }
        });
        StringBuilder first = new StringBuilder();
        ids.keySet().forEach(t -> first.append(t.charAt(0)));
        this.firstChars = first.toString();
    }

    public Map<String, Integer> asMap() {
        return ids;
    }

    public boolean isEmpty() {
        return ids.isEmpty();
    }

    public Integer idOf(String token) {
        return ids.get(token);
    }

    public String tokenOf(int id) {
        return byId.get(id);
    }

    /** Receives the pieces of a text: ordinary ranges and special tokens, in order. */
    public interface SegmentSink {
        void ordinary(int start, int end);

        void special(int start, int end, int id);
    }

    /** Cuts {@code text} at special tokens (longest match wins where two start at the same place). */
    public void segment(String text, boolean allowSpecial, SegmentSink sink) {
        if (!allowSpecial || ids.isEmpty()) {
            if (!text.isEmpty()) {
                sink.ordinary(0, text.length());
            }
            return;
        }
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            String match = firstChars.indexOf(text.charAt(i)) >= 0 ? matchAt(text, i) : null;
            if (match == null) {
                i++;
                continue;
            }
            if (i > start) {
                sink.ordinary(start, i);
            }
            sink.special(i, i + match.length(), ids.get(match));
            i += match.length();
            start = i;
        }
        if (start < text.length()) {
            sink.ordinary(start, text.length());
        }
    }

    private String matchAt(String text, int pos) {
        String best = null;
        for (String token : ids.keySet()) {
            if (text.startsWith(token, pos) && (best == null || token.length() > best.length())) {
                best = token;
            }
        }
        return best;
    }
}
