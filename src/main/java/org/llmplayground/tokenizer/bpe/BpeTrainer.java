package org.llmplayground.tokenizer.bpe;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Learns BPE merges from text, exactly as minbpe does, but fast enough for a whole corpus.
 * <p>
 * The algorithm (minbpe's {@code train}): split the text into chunks, turn each chunk into its UTF-8 bytes, then
 * {@code vocabSize - 256} times: count every adjacent pair of tokens over all chunks, take the most frequent pair
 * (ties: the pair that occurs first in the text), give it the next id, and replace it everywhere.
 * Example, "aaabdaaabac" with 3 merges: (a,a) 4× → 256 "aa"; then (256,a) and (a,b) are both seen 2×, and
 * (256,a) comes first in the text → 257 "aaa"; then (257,b) 2× → 258 "aaab". The text is now [258 100 258 97 99].
 * <p>
 * What makes it fast, without changing the result:
 * <ul>
 *   <li>identical chunks are counted once with a weight ({@code " the"} appears thousands of times in Shakespeare
 *       but is stored once), keeping their first-occurrence order so ties break as in minbpe;</li>
 *   <li>pair counts are updated around each merge site instead of recounted, and each pair remembers which chunks
 *       contain it, so a merge touches only those chunks;</li>
 *   <li>the most frequent pair comes from a max-heap whose outdated entries are skipped when popped.</li>
 * </ul>
 */
public final class BpeTrainer {

    /** Hears about training as it happens; all methods optional. */
    public interface Listener {
        /** Called once the text is split: chunks in total and distinct chunks. */
        default void started(long chunks, int distinctChunks) {
        }

        /** Called after merge {@code rank} joined {@code (left, right)} into {@code newId}, seen {@code count} times. */
        default void merged(int rank, int left, int right, int newId, long count) {
        }

        default boolean isCancelled() {
            return false;
        }
    }

    /** Thrown when the listener reports a cancel; no model is produced. */
    public static final class CancelledException extends RuntimeException {
        CancelledException() {
            super("Training cancelled", null, false, false);
        }
    }

    private final int[][] words;      // each distinct chunk as token ids; rewritten in place by merges
    private final int[] lengths;      // current length of each word
    private final long[] weights;     // how many times each distinct chunk occurs in the text
    private final PairMap counts;     // pair -> weighted count over all words
    private final PairMap whereIndex; // pair -> index into where
    private final List<IntList> where = new ArrayList<>(); // words that contain (or contained) the pair
    private final PriorityQueue<long[]> heap = new PriorityQueue<>((x, y) -> Long.compare(y[0], x[0])); // {count, pair}
    private final int[] seen;
    private int stamp;

    private BpeTrainer(List<byte[]> chunks, long[] weights) {
        int n = chunks.size();
        this.words = new int[n][];
        this.lengths = new int[n];
        this.weights = weights;
        this.seen = new int[n];
        for (int w = 0; w < n; w++) {
            byte[] bytes = chunks.get(w);
            words[w] = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                words[w][i] = bytes[i] & 0xFF;
            }
            lengths[w] = bytes.length;
        }
        this.counts = new PairMap(1 << 16);
        this.whereIndex = new PairMap(1 << 16);
        for (int w = 0; w < n; w++) {
            for (int i = 0; i + 1 < lengths[w]; i++) {
                long pair = PairMap.key(words[w][i], words[w][i + 1]);
                counts.add(pair, weights[w]);
                addWhere(pair, w);
            }
        }
        counts.forEach((pair, count) -> heap.add(new long[]{count, pair}));
    }

    /**
     * Trains a tokenizer of {@code vocabSize} tokens (256 bytes + merges) on {@code text} split by {@code split}.
     * Stops early, with fewer merges, when no pair is left to merge (a tiny text).
     */
    public static BpeModel train(String text, PreTokenizer split, int vocabSize, Listener listener) {
        if (vocabSize < 256) {
            throw new IllegalArgumentException("vocabSize must be at least 256, got " + vocabSize);
        }
        Map<String, Integer> index = new HashMap<>();
        List<byte[]> chunks = new ArrayList<>();
        List<long[]> weightList = new ArrayList<>();
        long[] total = {0};
        split.split(text, 0, text.length(), (start, end) -> {
            String chunk = text.substring(start, end);
            Integer w = index.get(chunk);
            if (w == null) {
                index.put(chunk, chunks.size());
                chunks.add(chunk.getBytes(StandardCharsets.UTF_8));
                weightList.add(new long[]{1});
            } else {
                weightList.get(w)[0]++;
            }
            total[0]++;
        });
        long[] weights = weightList.stream().mapToLong(x -> x[0]).toArray();
        listener.started(total[0], chunks.size());
        return new BpeTrainer(chunks, weights).run(vocabSize - 256, listener);
    }

    private BpeModel run(int numMerges, Listener listener) {
        List<int[]> merges = new ArrayList<>();
        for (int rank = 0; rank < numMerges; rank++) {
            if (listener.isCancelled()) {
                throw new CancelledException();
            }
            long[] best = nextPair();
            if (best == null) {
                break; // nothing left to merge
            }
            int left = PairMap.first(best[1]);
            int right = PairMap.second(best[1]);
            int newId = 256 + rank;
            applyMerge(best[1], newId);
            merges.add(new int[]{left, right});
            listener.merged(rank, left, right, newId, best[0]);
        }
        return BpeModel.ofMerges(merges.toArray(int[][]::new));
    }

    /** The most frequent pair as {count, pair}; among equal counts, the one that occurs first in the text. */
    private long[] nextPair() {
        long[] top = pollValid();
        if (top == null) {
            return null;
        }
        List<long[]> ties = new ArrayList<>();
        while (true) {
            long[] peek = peekValid();
            if (peek == null || peek[0] != top[0]) {
                break;
            }
            long[] tie = heap.poll();
            if (tie[1] != top[1] && ties.stream().noneMatch(t -> t[1] == tie[1])) {
                ties.add(tie);
            }
        }
        if (ties.isEmpty()) {
            return top;
        }
        long[] best = top;
        long bestPosition = firstOccurrence(top[1]);
        for (long[] tie : ties) {
            long position = firstOccurrence(tie[1]);
            if (position < bestPosition) {
                heap.add(best);
                best = tie;
                bestPosition = position;
            } else {
                heap.add(tie);
            }
        }
        return best;
    }

    private long[] pollValid() {
        while (!heap.isEmpty()) {
            long[] e = heap.poll();
            if (isCurrent(e)) {
                return e;
            }
        }
        return null;
    }

    private long[] peekValid() {
        while (!heap.isEmpty()) {
            if (isCurrent(heap.peek())) {
                return heap.peek();
            }
            heap.poll();
        }
        return null;
    }

    private boolean isCurrent(long[] entry) {
        return entry[0] > 0 && counts.get(entry[1], 0) == entry[0];
    }

    /** (word index, position) of the first place the pair occurs now, packed so that smaller means earlier. */
    private long firstOccurrence(long pair) {
        int a = PairMap.first(pair);
        int b = PairMap.second(pair);
        IntList list = where.get((int) whereIndex.get(pair, -1));
        long best = Long.MAX_VALUE;
        for (int k = 0; k < list.size(); k++) {
            int w = list.get(k);
            if (((long) w << 32) >= best) {
                continue;
            }
            for (int i = 0; i + 1 < lengths[w]; i++) {
                if (words[w][i] == a && words[w][i + 1] == b) {
                    best = ((long) w << 32) | i;
                    break;
                }
            }
        }
        return best;
    }

    private void applyMerge(long pair, int newId) {
        int listIndex = (int) whereIndex.get(pair, -1);
        IntList list = where.get(listIndex);
        where.set(listIndex, null); // the pair cannot form again: new neighbours always involve the new token
        PairMap changed = new PairMap(64);
        stamp++;
        for (int k = 0; k < list.size(); k++) {
            int w = list.get(k);
            if (seen[w] != stamp) {
                seen[w] = stamp;
                mergeWord(w, PairMap.first(pair), PairMap.second(pair), newId, changed);
            }
        }
        changed.forEach((p, unused) -> heap.add(new long[]{counts.get(p, 0), p}));
    }

    /**
     * Replaces every (a, b) in word w by z, left to right without overlap, and updates the pair counts around each
     * site. For {@code x a b y}: (x,a), (a,b), (b,y) lose w's weight and (x,z), (z,y) gain it. When the next site
     * follows at once ({@code x a b a b y}), the pair between them is handled by the second site, so that
     * {@code (b,a)} loses once and {@code (z,z)} gains once.
     */
    private void mergeWord(int w, int a, int b, int z, PairMap changed) {
        int[] ids = words[w];
        int n = lengths[w];
        long weight = weights[w];
        int j = 0;
        int previousOriginal = -1;
        int i = 0;
        while (i < n) {
            if (i + 1 < n && ids[i] == a && ids[i + 1] == b) {
                bump(PairMap.key(a, b), -weight, w, changed);
                if (j > 0) {
                    bump(PairMap.key(previousOriginal, a), -weight, w, changed);
                    bump(PairMap.key(ids[j - 1], z), weight, w, changed);
                }
                boolean nextIsSite = i + 3 < n && ids[i + 2] == a && ids[i + 3] == b;
                if (i + 2 < n && !nextIsSite) {
                    bump(PairMap.key(b, ids[i + 2]), -weight, w, changed);
                    bump(PairMap.key(z, ids[i + 2]), weight, w, changed);
                }
                ids[j++] = z; // in place: j never passes i
                previousOriginal = b;
                i += 2;
            } else {
                previousOriginal = ids[i];
                ids[j++] = ids[i++];
            }
        }
        lengths[w] = j;
    }

    private void bump(long pair, long delta, int w, PairMap changed) {
        counts.add(pair, delta);
        changed.put(pair, 1);
        if (delta > 0) {
            addWhere(pair, w);
        }
    }

    private void addWhere(long pair, int w) {
        long idx = whereIndex.get(pair, -1);
        IntList list;
        if (idx < 0) {
            list = new IntList(4);
            whereIndex.put(pair, where.size());
            where.add(list);
        } else {
            list = where.get((int) idx);
        }
        if (list.size() == 0 || list.last() != w) {
            list.add(w);
        }
    }
}
