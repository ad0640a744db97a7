package org.llmplayground.tokenizer.bpe;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A complete byte-level BPE tokenizer: special tokens are cut out first, the rest is split into chunks
 * ({@link PreTokenizer}), each chunk's UTF-8 bytes are merged by the {@link BpeModel}.
 * <pre>
 *   "Hello world!<|endoftext|>"
 *     special split → "Hello world!" | &lt;|endoftext|&gt;
 *     pre-tokenize  → "Hello" " world" "!"
 *     BPE (GPT-2)   → [15496] [995] [0] [50256]
 * </pre>
 * Decoding concatenates the tokens' bytes and reads them as UTF-8, so {@code decode(encode(s)) == s} for any valid
 * string. The same chunk encodes the same way every time, so results are cached per chunk: natural text repeats its
 * words, and most chunks never reach the merge loop.
 */
public final class BpeTokenizer {
    private static final int CACHE_LIMIT = 200_000;
    private static final int CACHEABLE_CHUNK = 32;

    private final BpeModel model;
    private final PreTokenizer split;
    private final SpecialTokens specials;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    public BpeTokenizer(BpeModel model, PreTokenizer split, SpecialTokens specials) {
        this.model = model;
        this.split = split;
        this.specials = specials;
        for (int id : specials.asMap().values()) {
            if (id < model.vocabSize()) {
                throw new IllegalArgumentException("Special token id " + id + " collides with a BPE token (ids below "
                        + model.vocabSize() + " are taken)");
            }
        }
    }

    public BpeModel model() {
        return model;
    }

    public PreTokenizer preTokenizer() {
        return split;
    }

    public SpecialTokens specials() {
        return specials;
    }

    /** BPE tokens plus special tokens (the largest id + 1). */
    public int vocabSize() {
        int size = model.vocabSize();
        for (int id : specials.asMap().values()) {
            size = Math.max(size, id + 1);
        }
        return size;
    }

    /** Token ids of {@code text}; with {@code allowSpecial}, special-token strings become their ids. */
    public int[] encode(String text, boolean allowSpecial) {
        IdBuffer out = new IdBuffer(Math.max(16, text.length() / 3));
        specials.segment(text, allowSpecial, new SpecialTokens.SegmentSink() {
            @Override
            public void ordinary(int start, int end) {
                split.split(text, start, end, (cs, ce) -> encodeChunk(text, cs, ce, out));
            }

            @Override
            public void special(int start, int end, int id) {
                out.accept(id);
            }
        });
        return out.toArray();
    }

    private void encodeChunk(String text, int start, int end, IdBuffer out) {
        if (end - start > CACHEABLE_CHUNK) {
            byte[] bytes = text.substring(start, end).getBytes(StandardCharsets.UTF_8);
            model.encodeChunk(bytes, 0, bytes.length, out);
            return;
        }
        String chunk = text.substring(start, end);
        int[] ids = cache.get(chunk);
        if (ids == null) {
            ids = model.encodeChunk(chunk.getBytes(StandardCharsets.UTF_8));
            if (cache.size() >= CACHE_LIMIT) {
                cache.clear(); // crude but bounded; refills with the frequent chunks at once
            }
            cache.put(chunk, ids);
        }
        out.addAll(ids);
    }

    /** Forgets cached chunk encodings (for cold-start benchmarks; the cache refills as text is encoded). */
    public void clearCache() {
        cache.clear();
    }

    /** Receives each token with where it came from in the text. */
    @FunctionalInterface
    public interface TokenSink {
        /**
         * @param start, end  UTF-16 char range of the text the token covers; a token holding part of a multi-byte
         *                    character covers that whole character (so two tokens can share one emoji)
         * @param chunk       index of the pre-tokenizer chunk (special tokens get their own)
         */
        void token(int id, int start, int end, int chunk, boolean special);
    }

    /** Encodes with positions: for the inspector's chips and the API's offsets. */
    public void encodeDetailed(String text, boolean allowSpecial, TokenSink sink) {
        int[] chunkIndex = {0};
        specials.segment(text, allowSpecial, new SpecialTokens.SegmentSink() {
            @Override
            public void ordinary(int start, int end) {
                split.split(text, start, end, (cs, ce) -> emitChunk(text, cs, ce, chunkIndex[0]++, sink));
            }

            @Override
            public void special(int start, int end, int id) {
                sink.token(id, start, end, chunkIndex[0]++, true);
            }
        });
    }

    private void emitChunk(String text, int start, int end, int chunk, TokenSink sink) {
        Utf8Offsets offsets = new Utf8Offsets(text, start, end);
        byte[] bytes = offsets.bytes();
        int[] pos = {0};
        model.encodeChunk(bytes, 0, bytes.length, id -> {
            int len = model.bytesOf(id).length;
            sink.token(id, offsets.charStart(pos[0]), offsets.charEnd(pos[0] + len - 1), chunk, false);
            pos[0] += len;
        });
    }

    /** The bytes of one token (special tokens: their UTF-8 text). */
    public byte[] tokenBytes(int id) {
        String special = specials.tokenOf(id);
        if (special != null) {
            return special.getBytes(StandardCharsets.UTF_8);
        }
        byte[] bytes = model.bytesOf(id);
        if (bytes == null) {
            throw new IllegalArgumentException("Token id " + id + " is not in the vocabulary (0.." + (vocabSize() - 1) + ")");
        }
        return bytes;
    }

    public byte[] decodeBytes(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            out.writeBytes(tokenBytes(id));
        }
        return out.toByteArray();
    }

    /** Text of {@code ids}; byte sequences that are not valid UTF-8 (a lone half of an emoji) become U+FFFD. */
    public String decode(int[] ids) {
        return new String(decodeBytes(ids), StandardCharsets.UTF_8);
    }

    /** A growable id array that is also an {@link BpeModel.IdSink}. */
    private static final class IdBuffer implements BpeModel.IdSink {
        private int[] ids;
        private int size;

        IdBuffer(int capacity) {
            ids = new int[capacity];
        }

        @Override
        public void accept(int id) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
            }
            ids[size++] = id;
        }

        void addAll(int[] more) {
            if (size + more.length > ids.length) {
                ids = Arrays.copyOf(ids, Math.max(ids.length * 2, size + more.length));
            }
            System.arraycopy(more, 0, ids, size, more.length);
            size += more.length;
        }

        int[] toArray() {
            return Arrays.copyOf(ids, size);
        }
    }
}
