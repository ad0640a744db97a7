package org.llmplayground.generation;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import org.llmplayground.core.SingleThreadTorch;
import org.llmplayground.model.TokenCodec;
import org.llmplayground.model.nn.CausalLm;
import org.llmplayground.model.nn.KvCache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * The decoding loop, with a KV cache:
 * <pre>
 *   logits = model(prompt)                       prefill: the whole prompt at once, cache filled
 *   repeat:
 *       logits → processors → pick a token       greedy: argmax;  sample: draw from softmax
 *       stream its text; stop at max_new_tokens, a stop sequence or end-of-text
 *       logits = model(token)                    one new position, attending to the cache
 * </pre>
 * Several sampling settings run as rows of one batch (one forward pass per step for all of them). When the text
 * outgrows the model's context, the oldest quarter is dropped and the rest re-read (as nanoGPT crops its input).
 * Beam search is {@link BeamSearch}. Forward passes take the model's lock one step at a time, so two generations on
 * one model take turns instead of waiting for each other to finish.
 */
public final class Generator {
    /** Receives tokens as they are chosen. */
    public interface Listener {
        void token(TokenEvent event);

        Listener NONE = e -> {
        };
    }

    private final CausalLm network;
    private final ParameterStore ps;
    private final NDManager manager;
    private final Object lock;
    private final TokenCodec codec;

    public Generator(CausalLm network, ParameterStore ps, NDManager manager, Object lock, TokenCodec codec) {
        this.network = network;
        this.ps = ps;
        this.manager = manager;
        this.lock = lock;
        this.codec = codec;
    }

    CausalLm network() {
        return network;
    }

    TokenCodec codec() {
        return codec;
    }

    /** Runs one forward step under the model's lock. */
    float[] decode(int[] ids, int newTokens, KvCache cache) {
        synchronized (lock) {
            return network.decode(ps, ids, newTokens, cache);
        }
    }

    KvCache newCache(int batch) {
        return network.newCache(manager, batch);
    }

    /**
     * Whether this model decodes on one core: a small model's step is ~80 tiny ops, and handing pieces of them to a
     * second core costs more than it saves (a wake-up each with OMP_WAIT_POLICY=PASSIVE or on a busy machine). Measured
     * on 2 cores: shakespeare-char (d = 128) 1.5 → 0.4 ms a token on one core; GPT-2 small (d = 768), whose step is
     * matrix products, is faster on both (docs/benchmarks.md, "Generation"). CPU only.
     */
    boolean oneCore() {
        return network.config().embeddingSize() <= ONE_CORE_MAX_WIDTH && !manager.getDevice().isGpu() && !SingleThreadTorch.onPoolThread();
    }

    /** Widest model (d_model) that decodes on one core. */
    static final int ONE_CORE_MAX_WIDTH = 256;

    /** One generation with {@code s}; beam search when asked for. */
    public GenerationResult generate(int[] prompt, GenerationSettings s, Listener listener, BooleanSupplier cancelled) {
        if (oneCore()) {
            return SingleThreadTorch.call(() -> generate(prompt, s, listener, cancelled));
        }
        if (s.strategy() == GenerationSettings.Strategy.BEAM) {
            return new BeamSearch(this, s).run(prompt, listener, cancelled);
        }
        return generateRows(prompt, List.of(s), listener, cancelled).get(0);
    }

    /** Greedy or sampling settings, each as one row of a batch, all continuing the same prompt. */
    public List<GenerationResult> generateRows(int[] prompt, List<GenerationSettings> settings, Listener listener, BooleanSupplier cancelled) {
        if (oneCore()) {
            return SingleThreadTorch.call(() -> generateRows(prompt, settings, listener, cancelled));
        }
        int b = settings.size();
        int v = network.config().vocabSize();
        int context = network.config().contextLength();
        long start = System.nanoTime();
        List<Row> rows = new ArrayList<>();
        for (GenerationSettings s : settings) {
            rows.add(new Row(s, prompt));
        }
        int steps = settings.stream().mapToInt(GenerationSettings::maxNewTokens).max().orElse(0);
        int windowShifts = 0;
        int[] input = repeat(prompt, b);
        int fresh = prompt.length;
        KvCache cache = newCache(b);
        try {
            for (int step = 0; step < steps && !cancelled.getAsBoolean(); step++) {
                float[] logits = decode(input, fresh, cache);
                int[] next = new int[b];
                for (int r = 0; r < b; r++) {
                    Row row = rows.get(r);
                    next[r] = row.finish == null ? row.choose(Arrays.copyOfRange(logits, r * v, (r + 1) * v), step, start, r, listener)
                            : row.fed[row.fed.length - 1];
                    row.feed(next[r]);
                }
                if (rows.stream().allMatch(row -> row.finish != null)) {
                    break;
                }
                if (cache.length() + 1 > context) { // slide: keep the newest three quarters, re-read them
                    int keep = Math.max(1, context * 3 / 4);
                    cache.close();
                    cache = newCache(b);
                    input = new int[b * keep];
                    for (int r = 0; r < b; r++) {
                        System.arraycopy(rows.get(r).fed, rows.get(r).fed.length - keep, input, r * keep, keep);
                    }
                    fresh = keep;
                    windowShifts++;
                } else {
                    input = next;
                    fresh = 1;
                }
            }
        } finally {
            cache.close();
        }
        long end = System.nanoTime();
        List<GenerationResult> out = new ArrayList<>();
        for (Row row : rows) {
            out.add(row.result(cancelled.getAsBoolean() ? FinishReason.CANCELLED : FinishReason.LENGTH, prompt.length, start, end, windowShifts));
        }
        return out;
    }

    static int[] repeat(int[] prompt, int times) {
        int[] out = new int[prompt.length * times];
        for (int r = 0; r < times; r++) {
            System.arraycopy(prompt, 0, out, r * prompt.length, prompt.length);
        }
        return out;
    }

    /** The state of one row: its settings, random, generated tokens and text. */
    private final class Row {
        final GenerationSettings s;
        final LogitsPipeline pipeline;
        final long seed;
        final Random random;
        final TextStream text;
        final int promptLength;
        int[] fed;                 // prompt + every token fed so far (after finishing: repeats of the last one)
        final IntArrayList generated = new IntArrayList();
        final List<Double> probabilities = new ArrayList<>();
        final List<StepTrace> trace = new ArrayList<>();
        FinishReason finish;
        long firstToken;
        long lastToken;

        Row(GenerationSettings s, int[] prompt) {
            this.s = s;
            this.pipeline = LogitsPipeline.of(s);
            this.seed = s.seed() != null ? s.seed() : ThreadLocalRandom.current().nextLong(1L << 48);
            this.random = new Random(seed);
            this.text = new TextStream(codec::decode, s.stop());
            this.promptLength = prompt.length;
            this.fed = prompt.clone();
        }

        int choose(float[] logits, int step, long start, int rowIndex, Listener listener) {
            StepTrace.Builder t = s.traceTopN() > 0 ? new StepTrace.Builder(step, s.traceTopN(), codec::label) : null;
            pipeline.apply(logits, fed, promptLength, t);
            double[] p = Distributions.softmax(logits);
            int id = s.isGreedy() ? Distributions.argmax(logits) : Distributions.draw(p, random);
            lastToken = System.nanoTime();
            if (generated.size() == 0) {
                firstToken = lastToken;
            }
            StepTrace chosen = t == null ? null : t.chosen(id, p[id]);
            if (chosen != null) {
                trace.add(chosen);
            }
            if (id == codec.endOfText()) {
                finish = FinishReason.STOP;
                listener.token(new TokenEvent(rowIndex, generated.size(), id, codec.label(id), "", p[id], chosen));
                return id;
            }
            generated.add(id);
            probabilities.add(p[id]);
            String delta = text.push(generated.toArray());
            listener.token(new TokenEvent(rowIndex, generated.size() - 1, id, codec.label(id), delta, p[id], chosen));
            if (text.stopped()) {
                finish = FinishReason.STOP;
            } else if (generated.size() >= s.maxNewTokens()) {
                finish = FinishReason.LENGTH;
            }
            return id;
        }

        void feed(int id) {
            fed = Arrays.copyOf(fed, fed.length + 1);
            fed[fed.length - 1] = id;
        }

        GenerationResult result(FinishReason unfinished, int promptTokens, long start, long end, int windowShifts) {
            FinishReason reason = finish != null ? finish : unfinished;
            int n = generated.size();
            long stop = n > 0 ? lastToken : end;
            double total = (stop - start) / 1e6;
            double first = n > 0 ? (firstToken - start) / 1e6 : 0;
            double perToken = n > 1 ? (lastToken - firstToken) / 1e6 / (n - 1) : 0;
            int[] ids = generated.toArray();
            text.finish(ids);
            return new GenerationResult(s.label(), text.text(), ids, codec.labels(ids),
                    probabilities.stream().mapToDouble(Double::doubleValue).toArray(), reason, promptTokens, first, perToken,
                    total, n > 0 ? n / (total / 1000) : 0, seed, windowShifts, List.copyOf(trace), null);
        }
    }

    /** A growable int array. */
    static final class IntArrayList {
        private int[] data = new int[16];
        private int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        int size() {
            return size;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
