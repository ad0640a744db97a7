package org.llmplayground.tokenizer;

import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import org.llmplayground.tokenizer.bpe.PreTokenizer;
import org.llmplayground.tokenizer.bpe.RegexPreTokenizer;
import org.llmplayground.tokenizer.bpe.SpecialTokens;
import org.llmplayground.tokenizer.bpe.SplitPattern;
import org.llmplayground.tokenizer.bpe.Utf8Offsets;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's tiktoken encodings through jtokkit (bundled in its jar, so offline): r50k_base (GPT-2/GPT-3), p50k_base
 * (Codex), cl100k_base (GPT-3.5/GPT-4) and o200k_base (GPT-4o). The ids are jtokkit's; we add the special tokens
 * (jtokkit refuses them inside text) and the chunk of each token, from the encoding's own split pattern.
 */
final class TiktokenTokenizer implements TextTokenizer {
    /** tiktoken's o200k_base split (jtokkit writes it the same way). */
    static final String O200K_PATTERN = "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
            + "|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
            + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private final EncodingType type;
    private final Encoding encoding;
    private final PreTokenizer split;
    private final SpecialTokens specials;
    private final int vocabSize;
    private final byte[][] bytesCache;

    TiktokenTokenizer(EncodingRegistry registry, EncodingType type) {
        this.type = type;
        this.encoding = registry.getEncoding(type);
        switch (type) {
            case R50K_BASE -> {
                split = SplitPattern.GPT2.preTokenizer();
                specials = new SpecialTokens(Map.of(SpecialTokens.ENDOFTEXT, 50256));
                vocabSize = 50257;
            }
            case P50K_BASE -> {
                split = SplitPattern.GPT2.preTokenizer();
                specials = new SpecialTokens(Map.of(SpecialTokens.ENDOFTEXT, 50256));
                vocabSize = 50281;
            }
            case CL100K_BASE -> {
                split = SplitPattern.GPT4.preTokenizer();
                specials = new SpecialTokens(Map.of(SpecialTokens.ENDOFTEXT, 100257, "<|fim_prefix|>", 100258,
                        "<|fim_middle|>", 100259, "<|fim_suffix|>", 100260, "<|endofprompt|>", 100276));
                vocabSize = 100277;
            }
            case O200K_BASE -> {
                split = new RegexPreTokenizer(O200K_PATTERN);
                specials = new SpecialTokens(Map.of(SpecialTokens.ENDOFTEXT, 199999, "<|endofprompt|>", 200018));
                vocabSize = 200019;
            }
            default -> throw new IllegalArgumentException("Unsupported encoding " + type);
        }
        this.bytesCache = new byte[vocabSize][];
    }

    @Override
    public String id() {
        return type.getName();
    }

    @Override
    public String kind() {
        return "tiktoken encoding (jtokkit)";
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public int[] encode(String text, boolean allowSpecial) {
        IntArrayList out = new IntArrayList();
        specials.segment(text, allowSpecial, new SpecialTokens.SegmentSink() {
            @Override
            public void ordinary(int start, int end) {
                IntArrayList ids = encoding.encodeOrdinary(text.substring(start, end));
                for (int i = 0; i < ids.size(); i++) {
                    out.add(ids.get(i));
                }
            }

            @Override
            public void special(int start, int end, int id) {
                out.add(id);
            }
        });
        return out.toArray();
    }

    @Override
    public List<Token> tokenize(String text, boolean allowSpecial) {
        List<Token> tokens = new ArrayList<>(text.length() / 3 + 1);
        int[] chunk = {0};
        specials.segment(text, allowSpecial, new SpecialTokens.SegmentSink() {
            @Override
            public void ordinary(int start, int end) {
                chunk[0] = tokenizeSegment(text, start, end, chunk[0], tokens);
            }

            @Override
            public void special(int start, int end, int id) {
                tokens.add(new Token(id, start, end, chunk[0]++, true));
            }
        });
        return tokens;
    }

    /** jtokkit's ids for one segment, with char ranges from byte lengths and chunks from the split pattern. */
    private int tokenizeSegment(String text, int start, int end, int firstChunk, List<Token> tokens) {
        Utf8Offsets offsets = new Utf8Offsets(text, start, end);
        List<Integer> chunkEnds = new ArrayList<>(); // byte offset where each chunk ends, within the segment
        int[] bytePos = {0};
        split.split(text, start, end, (cs, ce) -> {
            bytePos[0] += new Utf8Offsets(text, cs, ce).bytes().length;
            chunkEnds.add(bytePos[0]);
        });
        IntArrayList ids = encoding.encodeOrdinary(text.substring(start, end));
        int b = 0;
        int c = 0;
        for (int i = 0; i < ids.size(); i++) {
            int id = ids.get(i);
            int len = tokenBytes(id).length;
            while (c < chunkEnds.size() - 1 && b >= chunkEnds.get(c)) {
                c++;
            }
            tokens.add(new Token(id, offsets.charStart(b), offsets.charEnd(b + len - 1), firstChunk + c, false));
            b += len;
        }
        return firstChunk + chunkEnds.size();
    }

    @Override
    public String decode(int[] ids) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int id : ids) {
            out.writeBytes(tokenBytes(id));
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public byte[] tokenBytes(int id) {
        if (id < 0 || id >= vocabSize) {
            throw new IllegalArgumentException("Token id " + id + " is not in the vocabulary of " + id() + " (0.." + (vocabSize - 1) + ")");
        }
        byte[] cached = bytesCache[id];
        if (cached != null) {
            return cached;
        }
        String special = specials.tokenOf(id);
        byte[] bytes;
        if (special != null) {
            bytes = special.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } else {
            IntArrayList one = new IntArrayList(1);
            one.add(id);
            try {
                bytes = encoding.decodeBytes(one);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("Token id " + id + " is not used by " + id() + " (a gap in its vocabulary)");
            }
        }
        bytesCache[id] = bytes;
        return bytes;
    }
}
