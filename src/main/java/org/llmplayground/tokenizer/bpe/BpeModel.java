package org.llmplayground.tokenizer.bpe;

import java.util.Arrays;

/**
 * The learned part of a byte-level BPE tokenizer: an ordered list of merges and the vocabulary they imply.
 * <p>
 * Token ids start as one per byte value; merge number {@code r} (its rank) joins two existing tokens into a new one.
 * Encoding a chunk starts from its bytes and repeatedly applies the lowest-ranked merge present, which replays
 * training in order. Worked example (minbpe's, after training on {@code "aaabdaaabac"} with 3 merges; the pair
 * counts were (a,a) 4, then (aa,a) 2 and (aaa,b) 2, ties going to the pair seen first):
 * <pre>
 *   merge 0: (97 'a', 97 'a')    → 256 "aa"
 *   merge 1: (256 "aa", 97 'a')  → 257 "aaa"
 *   merge 2: (257 "aaa", 98 'b') → 258 "aaab"
 *   "aaabdaaabac" = [97 97 97 98 100 97 97 97 98 97 99]
 *     merge 0 (left to right): [256 97 98 100 256 97 98 97 99]
 *     merge 1:                 [257 98 100 257 98 97 99]
 *     merge 2:                 [258 100 258 97 99]
 * </pre>
 * Models trained here use ids 0..255 for bytes and 256+r for merge r; GPT-2's files use another numbering, so the
 * byte → id mapping and the merge results are explicit.
 */
public final class BpeModel {
    /** Chunks longer than this use the heap-based merge loop (O(n log n)) instead of the simple scan (O(n²)). */
    private static final int SCAN_LIMIT = 48;

    private final int[] byteToId;
    private final int[][] merges;
    private final int[] mergedIds;
    private final byte[][] vocab;
    private final PairMap ranks;

    private BpeModel(int[] byteToId, int[][] merges, int[] mergedIds) {
        this.byteToId = byteToId.clone();
        this.merges = merges;
        this.mergedIds = mergedIds;
        int size = 0;
        for (int id : byteToId) {
            size = Math.max(size, id + 1);
        }
        for (int id : mergedIds) {
            size = Math.max(size, id + 1);
        }
        this.vocab = new byte[size][];
        for (int b = 0; b < 256; b++) {
            vocab[byteToId[b]] = new byte[]{(byte) b};
        }
        this.ranks = new PairMap(merges.length);
        for (int r = 0; r < merges.length; r++) {
            byte[] left = at(vocab, merges[r][0]);
            byte[] right = at(vocab, merges[r][1]);
            if (left == null || right == null) {
                throw new IllegalArgumentException("Merge " + r + " uses token " + (left == null ? merges[r][0] : merges[r][1])
                        + " before it exists");
            }
            if (vocab[mergedIds[r]] != null) {
                throw new IllegalArgumentException("Merge " + r + " produces id " + mergedIds[r] + ", which is already taken");
            }
            byte[] joined = Arrays.copyOf(left, left.length + right.length);
            System.arraycopy(right, 0, joined, left.length, right.length);
            vocab[mergedIds[r]] = joined;
            ranks.put(PairMap.key(merges[r][0], merges[r][1]), r);
        }
    }

    private static byte[] at(byte[][] vocab, int id) {
        return id >= 0 && id < vocab.length ? vocab[id] : null;
    }

    /** A model in minbpe's numbering: bytes are ids 0..255, merge r creates id 256 + r. */
    public static BpeModel ofMerges(int[][] merges) {
        int[] identity = new int[256];
        int[] mergedIds = new int[merges.length];
        for (int b = 0; b < 256; b++) {
            identity[b] = b;
        }
        for (int r = 0; r < merges.length; r++) {
            mergedIds[r] = 256 + r;
        }
        return new BpeModel(identity, merges, mergedIds);
    }

    /** A model with its own numbering (GPT-2's encoder.json): byte b is token byteToId[b], merge r makes mergedIds[r]. */
    public static BpeModel of(int[] byteToId, int[][] merges, int[] mergedIds) {
        if (byteToId.length != 256 || merges.length != mergedIds.length) {
            throw new IllegalArgumentException("Need 256 byte tokens and one id per merge");
        }
        return new BpeModel(byteToId, merges, mergedIds);
    }

    /** Number of ids (bytes + merges); special tokens come on top. */
    public int vocabSize() {
        return vocab.length;
    }

    public int mergeCount() {
        return merges.length;
    }

    /** The pair that merge {@code rank} joins. */
    public int[] merge(int rank) {
        return merges[rank].clone();
    }

    public int mergedId(int rank) {
        return mergedIds[rank];
    }

    public int byteToken(int b) {
        return byteToId[b & 0xFF];
    }

    /** The bytes of token {@code id}, or null when the id is not a BPE token of this model. */
    public byte[] bytesOf(int id) {
        return id >= 0 && id < vocab.length ? vocab[id] : null;
    }

    /** Receives token ids. */
    @FunctionalInterface
    public interface IdSink {
        void accept(int id);
    }

    /** Encodes {@code bytes[from, to)}, a single chunk, into tokens. */
    public void encodeChunk(byte[] bytes, int from, int to, IdSink out) {
        int n = to - from;
        if (n == 1) {
            out.accept(byteToId[bytes[from] & 0xFF]);
            return;
        }
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = byteToId[bytes[from + i] & 0xFF];
        }
        int len = n <= SCAN_LIMIT ? mergeByScan(ids) : mergeWithHeap(ids);
        for (int i = 0; i < len; i++) {
            out.accept(ids[i]);
        }
    }

    public int[] encodeChunk(byte[] bytes) {
        int[] buffer = new int[bytes.length];
        int[] count = {0};
        encodeChunk(bytes, 0, bytes.length, id -> buffer[count[0]++] = id);
        return Arrays.copyOf(buffer, count[0]);
    }

    /**
     * Short chunks: find the lowest-ranked adjacent pair, merge it, repeat. Merging the leftmost occurrence first
     * equals minbpe's "merge all occurrences": a merge that involves the new token always ranks later.
     */
    private int mergeByScan(int[] ids) {
        int len = ids.length;
        while (len > 1) {
            int bestRank = Integer.MAX_VALUE;
            int bestPos = -1;
            for (int i = 0; i + 1 < len; i++) {
                int rank = (int) ranks.get(PairMap.key(ids[i], ids[i + 1]), Integer.MAX_VALUE);
                if (rank < bestRank) {
                    bestRank = rank;
                    bestPos = i;
                }
            }
            if (bestPos < 0) {
                break;
            }
            ids[bestPos] = mergedIds[bestRank];
            System.arraycopy(ids, bestPos + 2, ids, bestPos + 1, len - bestPos - 2);
            len--;
        }
        return len;
    }

    /**
     * Long chunks: the same merge order with a linked list of symbols and a min-heap of (rank, position) entries.
     * An entry is stale when the symbols at its position changed since it was pushed; it is skipped when popped.
     */
    private int mergeWithHeap(int[] ids) {
        int n = ids.length;
        int[] next = new int[n];
        int[] prev = new int[n];
        boolean[] dead = new boolean[n];
        LongMinHeap heap = new LongMinHeap(n);
        for (int i = 0; i < n; i++) {
            next[i] = i + 1;
            prev[i] = i - 1;
        }
        for (int i = 0; i + 1 < n; i++) {
            pushPair(heap, ids, i, i + 1);
        }
        while (!heap.isEmpty()) {
            long entry = heap.poll();
            int rank = (int) (entry >>> 32);
            int pos = (int) entry;
            int right = next[pos];
            if (dead[pos] || right >= n || ranks.get(PairMap.key(ids[pos], ids[right]), -1) != rank) {
                continue; // stale
            }
            ids[pos] = mergedIds[rank];
            dead[right] = true;
            next[pos] = next[right];
            if (next[pos] < n) {
                prev[next[pos]] = pos;
                pushPair(heap, ids, pos, next[pos]);
            }
            if (prev[pos] >= 0) {
                pushPair(heap, ids, prev[pos], pos);
            }
        }
        int len = 0;
        for (int i = 0; i < n; i = next[i]) {
            ids[len++] = ids[i];
        }
        return len;
    }

    private void pushPair(LongMinHeap heap, int[] ids, int left, int right) {
        long rank = ranks.get(PairMap.key(ids[left], ids[right]), -1);
        if (rank >= 0) {
            heap.add(rank << 32 | left);
        }
    }
}
