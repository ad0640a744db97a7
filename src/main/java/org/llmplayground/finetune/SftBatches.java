package org.llmplayground.finetune;

import org.llmplayground.training.Trainer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Batches of encoded examples for the training loop. Examples are sorted by length and cut into groups of
 * {@code batchSize}: a batch holds examples of similar lengths, so little of it is padding, and it is only as wide as
 * its longest row. Each epoch visits every group once, in an order shuffled by (seed, epoch): the same seed gives the
 * same batches, which is what makes a resumed run compute what the uninterrupted one did.
 * <p>
 * A row of an example with n ids is x = ids[0..n−2], targets = ids[1..n−1] (−1 on the prompt unless trained on),
 * then padding: x = pad, target −1, padding mask 0. E.g. ids [5 6 7 8] with 2 prompt tokens, width 4:
 * x [5 6 7 pad], targets [−1 7 8 −1], mask [1 1 1 0].
 * <p>
 * Preference pairs ({@link #preferences}) batch the same way, a pair being one item of two rows: a micro-batch of n
 * pairs is 2n rows, the n prompt + chosen rows first, then the n prompt + rejected rows in the same order (what
 * {@link org.llmplayground.preference.DpoLoss} expects).
 */
public final class SftBatches implements Trainer.Batches {
    private final List<List<SftEncoder.Encoded>> sorted; // items (an example, or a pair) by their longest row
    private final int perItem;
    private final int batchSize;
    private final long seed;
    private final boolean trainOnPrompt;
    private final int pad;
    private final int groups;
    private final int accumulation;
    private float[] padding;

    /**
     * @param accumulation micro-batches per optimizer step (each one a group)
     * @param pad          the id written on padding positions (never attended to, never learned)
     */
    public SftBatches(List<SftEncoder.Encoded> examples, int batchSize, int accumulation, long seed, boolean trainOnPrompt, int pad) {
        this(examples.stream().map(List::of).toList(), 1, batchSize, accumulation, seed, trainOnPrompt, pad);
    }

    private SftBatches(List<List<SftEncoder.Encoded>> items, int perItem, int batchSize, int accumulation, long seed, boolean trainOnPrompt,
                       int pad) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("No examples to batch.");
        }
        this.sorted = new ArrayList<>(items);
        this.sorted.sort(Comparator.comparingInt(item -> item.stream().mapToInt(e -> e.ids().length).max().orElse(0)));
        this.perItem = perItem;
        this.batchSize = batchSize;
        this.accumulation = accumulation;
        this.seed = seed;
        this.trainOnPrompt = trainOnPrompt;
        this.pad = pad;
        this.groups = (sorted.size() + batchSize - 1) / batchSize;
    }

    /**
     * Batches of preference pairs, {@code pairsPerBatch} a micro-batch: each pair is {chosen, rejected}, both encoded
     * from the same prompt; the loss is on the answers only.
     */
    public static SftBatches preferences(List<SftEncoder.Encoded[]> pairs, int pairsPerBatch, int accumulation, long seed, int pad) {
        return new SftBatches(pairs.stream().map(List::of).toList(), 2, pairsPerBatch, accumulation, seed, false, pad);
    }

    @Override
    public int rowsPerBatch(int batchSize) {
        return batchSize * perItem;
    }

    /** How many micro-batches one pass over the examples takes. */
    public int groups() {
        return groups;
    }

    /** The group of micro-batch {@code micro} of {@code step} (steps count from 1). */
    int group(int step, int micro) {
        long g = (long) (step - 1) * accumulation + micro;
        int epoch = (int) (g / groups);
        int[] order = new int[groups];
        for (int i = 0; i < groups; i++) {
            order[i] = i;
        }
        Random r = new Random(seed * 0x9E3779B97F4A7C15L + epoch);
        for (int i = groups - 1; i > 0; i--) { // Fisher–Yates
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order[(int) (g % groups)];
    }

    private List<SftEncoder.Encoded> rows(int group) {
        // the last group may be short: it is filled up with the first items, so every batch has batchSize items;
        // an item's rows go side by side: all first rows (an example, or a chosen answer), then all second rows
        List<SftEncoder.Encoded> rows = new ArrayList<>(batchSize * perItem);
        for (int side = 0; side < perItem; side++) {
            for (int i = 0; i < batchSize; i++) {
                rows.add(sorted.get((group * batchSize + i) % sorted.size()).get(side));
            }
        }
        return rows;
    }

    @Override
    public int width(int step, int micro) {
        return widthOf(rows(group(step, micro)));
    }

    @Override
    public void fill(int step, int micro, long[] x, long[] y) {
        fillRows(rows(group(step, micro)), x, y);
    }

    private void fillRows(List<SftEncoder.Encoded> rows, long[] x, long[] y) {
        int width = x.length / rows.size();
        padding = new float[x.length];
        for (int r = 0; r < rows.size(); r++) {
            SftEncoder.Encoded e = rows.get(r);
            int n = e.ids().length - 1;
            for (int i = 0; i < width; i++) {
                int at = r * width + i;
                boolean real = i < n;
                x[at] = real ? e.ids()[i] : pad;
                y[at] = real ? e.target(i, trainOnPrompt) : -1;
                padding[at] = real ? 1 : 0;
            }
        }
    }

    private int widthOf(List<SftEncoder.Encoded> rows) {
        return rows.stream().mapToInt(e -> e.ids().length - 1).max().orElse(1);
    }

    @Override
    public float[] padding() {
        return padding;
    }

    /** Evaluation batches: batch i is group i (modulo the groups), the same at every evaluation. */
    public Trainer.Batches forEvaluation() {
        return new Trainer.Batches() {
            @Override
            public int width(int i, int micro) {
                return widthOf(rows(i % groups));
            }

            @Override
            public void fill(int i, int micro, long[] x, long[] y) {
                fillRows(rows(i % groups), x, y);
            }

            @Override
            public int rowsPerBatch(int batchSize) {
                return batchSize * perItem;
            }

            @Override
            public float[] padding() {
                return padding;
            }
        };
    }
}
