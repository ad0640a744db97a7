package org.llmplayground.model.io;

import org.llmplayground.model.ModelConfig;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * llama2.c checkpoints (the legacy "version 0" .bin of Karpathy's llama2.c): seven little-endian int32s
 * {@code dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len} (a negative vocab_size means the head
 * is not shared with the embedding), then float32 arrays, each for all layers in turn: token embeddings, attention
 * norms, wq, wk, wv, wo, ffn norms, w1, w2, w3, the final norm, the RoPE cos/sin tables, and the head if unshared.
 * <p>
 * Meta's layout rotates adjacent pairs (x0, x1), (x2, x3), ... for RoPE; we rotate the two halves of each head.
 * Permuting the rows of wq and wk inside each head (pair p, element r → row r·hs/2 + p) turns one into the other,
 * which is what Hugging Face's conversion script does. w1 is the SwiGLU gate, w3 the up projection, w2 down.
 */
public final class Llama2cImporter {
    private static final int HEADER = 7 * 4;

    private Llama2cImporter() {
    }

    /** True when the header's numbers are plausible and the file has exactly the bytes they imply. */
    public static boolean looksLike(byte[] file) {
        try {
            read(file);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public static ImportedWeights read(byte[] file) {
        if (file.length < HEADER) {
            throw new IllegalArgumentException("Not a llama2.c checkpoint: shorter than its 28-byte header");
        }
        ByteBuffer buf = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int dim = buf.getInt();
        int hidden = buf.getInt();
        int layers = buf.getInt();
        int heads = buf.getInt();
        int kvHeads = buf.getInt();
        int vocabField = buf.getInt();
        int seqLen = buf.getInt();
        boolean shared = vocabField > 0;
        int vocab = Math.abs(vocabField);
        if (dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocab == 0 || seqLen <= 0
                || dim % heads != 0 || heads % kvHeads != 0 || dim > 1 << 16 || layers > 1 << 10) {
            throw new IllegalArgumentException("Not a llama2.c checkpoint: implausible header " + List.of(dim, hidden, layers,
                    heads, kvHeads, vocabField, seqLen));
        }
        int hs = dim / heads;
        int kv = kvHeads * hs;
        long floats = (long) vocab * dim + layers * ((long) 2 * dim + (long) dim * dim * 2 + (long) kv * dim * 2
                + 3L * dim * hidden) + dim + (long) seqLen * hs + (shared ? 0 : (long) vocab * dim);
        if (HEADER + floats * 4 != file.length) {
            throw new IllegalArgumentException("Not a llama2.c checkpoint: the header implies " + (HEADER + floats * 4)
                    + " bytes but the file has " + file.length);
        }
        ModelConfig config = ModelConfig.llamaStyle().vocabSize(vocab).contextLength(seqLen).layers(layers).heads(heads)
                .kvHeads(kvHeads).embeddingSize(dim).ffnHiddenSize(hidden).tiedEmbeddings(shared).build().validate();
        Reader r = new Reader(buf);
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("tok_emb.weight", r.next("token_embedding_table", vocab, dim));
        r.perLayer(t, layers, "norm1.weight", "rms_att_weight", dim);
        List<Tensor> wq = r.layers("wq", layers, dim, dim);
        List<Tensor> wk = r.layers("wk", layers, kv, dim);
        for (int i = 0; i < layers; i++) {
            t.put("layers." + i + ".attn.q.weight", halvesFromPairs(wq.get(i), heads, hs));
            t.put("layers." + i + ".attn.k.weight", halvesFromPairs(wk.get(i), kvHeads, hs));
        }
        r.perLayer(t, layers, "attn.v.weight", "wv", kv, dim);
        r.perLayer(t, layers, "attn.o.weight", "wo", dim, dim);
        r.perLayer(t, layers, "norm2.weight", "rms_ffn_weight", dim);
        r.perLayer(t, layers, "ffn.gate.weight", "w1", hidden, dim);
        r.perLayer(t, layers, "ffn.down.weight", "w2", dim, hidden);
        r.perLayer(t, layers, "ffn.up.weight", "w3", hidden, dim);
        t.put("final_norm.weight", r.next("rms_final_weight", dim));
        r.skip((long) seqLen * hs); // freq_cis_real and freq_cis_imag, (seq_len, hs/2) each: recomputed (θ = 10,000)
        if (!shared) {
            t.put("head.weight", r.next("wcls", vocab, dim));
        }
        return new ImportedWeights("llama2.c checkpoint (.bin)", config, t, List.of("freq_cis_real", "freq_cis_imag"));
    }

    /** Rows of each head reordered from interleaved pairs to two halves (HF's permute for q and k). */
    static Tensor halvesFromPairs(Tensor w, int heads, int hs) {
        int cols = (int) w.cols();
        float[] out = new float[w.data().length];
        for (int h = 0; h < heads; h++) {
            for (int p = 0; p < hs / 2; p++) {
                for (int r = 0; r < 2; r++) {
                    int from = h * hs + 2 * p + r;
                    int to = h * hs + r * (hs / 2) + p;
                    System.arraycopy(w.data(), from * cols, out, to * cols, cols);
                }
            }
        }
        return new Tensor(out, w.shape(), w.source() + " (pairs → halves)");
    }

    private static final class Reader {
        private final ByteBuffer buf;

        Reader(ByteBuffer buf) {
            this.buf = buf;
        }

        Tensor next(String name, long... shape) {
            long n = SafetensorsFile.count(shape);
            float[] data = new float[(int) n];
            buf.asFloatBuffer().get(data);
            buf.position(buf.position() + (int) n * 4);
            return new Tensor(data, shape, name);
        }

        List<Tensor> layers(String name, int layers, long... shape) {
            List<Tensor> out = new ArrayList<>();
            for (int i = 0; i < layers; i++) {
                out.add(next(name + "[" + i + "]", shape));
            }
            return out;
        }

        void perLayer(Map<String, Tensor> t, int layers, String ours, String theirs, long... shape) {
            List<Tensor> all = layers(theirs, layers, shape);
            for (int i = 0; i < layers; i++) {
                t.put("layers." + i + "." + ours, all.get(i));
            }
        }

        void skip(long floats) {
            buf.position(buf.position() + (int) floats * 4);
        }
    }
}
