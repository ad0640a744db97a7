package org.llmplayground.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.llmplayground.model.nn.CausalLm;
import org.llmplayground.model.nn.NativeArrays;
import org.llmplayground.model.nn.NoGrad;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * log p(continuation | context) as lm-evaluation-harness 0.4 computes it (HFLM._encode_pair and
 * _loglikelihood_tokens): trailing spaces of the context move to the continuation; whole = encode(context +
 * continuation), context = encode(context), the continuation's tokens = whole[len(context):] (so a merge across the
 * boundary counts as the continuation's); an empty context is the end-of-text token. The model reads
 * (context + continuation)[−(max_length + 1):][:−1] — the left end cut when too long, as lm-eval does — and the
 * continuation's log-probabilities are summed from the last len(continuation) positions; "greedy" says whether every
 * continuation token is the argmax there.
 * <p>Example: context "Answer:", continuation " A" → tokens [..., "Answer", ":"] + [" A"]; one forward pass over
 * the context gives log p(" A" | context) at its last position.
 */
public final class LogLikelihood {
    private final CausalLm network;
    private final ParameterStore ps;
    private final NDManager manager;
    private final Function<String, int[]> encode;
    private final int prefixToken;
    private final int maxLength;
    private long passes;
    private long choicePasses;
    private long requests;

    /**
     * @param prefixToken the end-of-text id, read before an empty context and before a rolling window's first token
     * @param maxLength   the model's context length (1024 for GPT-2)
     */
    public LogLikelihood(CausalLm network, ParameterStore ps, NDManager manager, Function<String, int[]> encode, int prefixToken, int maxLength) {
        this.network = network;
        this.ps = ps;
        this.manager = manager;
        this.encode = encode;
        this.prefixToken = prefixToken;
        this.maxLength = maxLength;
    }

    /**
     * Forward passes {@link #scoreChoices} has run so far (a KV-cache prefill and a batched continuation pass count
     * one each), to set against {@link #requests()}.
     */
    public long passes() {
        return choicePasses;
    }

    /** (context, continuation) requests scored so far by {@link #scoreChoices}: what lm-eval runs one pass each for. */
    public long requests() {
        return requests;
    }

    /** One (context, continuation) pair's tokens as lm-eval splits them. */
    public record Encoded(int[] context, int[] continuation) {
    }

    /** The score of one continuation. {@code truncated}: the context's left end did not fit and was cut. */
    public record Result(double loglikelihood, boolean greedy, int[] continuationIds, int contextTokens, boolean truncated,
                         double[] tokenLogprobs) {
    }

    /** lm-eval's _encode_pair. */
    public Encoded encodePair(String context, String continuation) {
        int spaces = context.length() - org.llmplayground.evaluation.metrics.PyStr.rstrip(context).length();
        if (spaces > 0) {
            continuation = context.substring(context.length() - spaces) + continuation;
            context = context.substring(0, context.length() - spaces);
        }
        if (context.isEmpty()) {
            return new Encoded(new int[]{prefixToken}, encode.apply(continuation));
        }
        int[] whole = encode.apply(context + continuation);
        int[] ctx = encode.apply(context);
        return new Encoded(ctx, java.util.Arrays.copyOfRange(whole, Math.min(ctx.length, whole.length), whole.length));
    }

    /**
     * Every choice of one question, in as few forward passes as the choices allow; the numbers are lm-eval's either way
     * (it runs one pass per choice):
     * <ul>
     *   <li>each continuation one token after the same context tokens (MMLU's " A" … " D"): one pass over the
     *   context scores them all;</li>
     *   <li>longer continuations of the same context (HellaSwag's endings, TruthfulQA's answers): the context is read
     *   once into the KV cache, then all continuations run as the rows of one batch that attends to it — two passes
     *   instead of one per choice, and the context (most of the tokens) computed once instead of four times;</li>
     *   <li>otherwise (contexts that differ after tokenisation, or too long to fit without cutting): one per choice.</li>
     * </ul>
     */
    public List<Result> scoreChoices(String context, List<String> continuations) {
        long before = passes;
        List<Result> out = choices(context, continuations);
        choicePasses += passes - before;
        return out;
    }

    private List<Result> choices(String context, List<String> continuations) {
        List<Encoded> encoded = continuations.stream().map(c -> encodePair(context, c)).toList();
        requests += encoded.size();
        boolean sameContext = encoded.size() >= 2 && encoded.stream().allMatch(e -> java.util.Arrays.equals(e.context(), encoded.get(0).context()));
        if (sameContext && encoded.stream().allMatch(e -> e.continuation().length == 1)) {
            return singleTokens(encoded);
        }
        if (sameContext && sharedPrefixFits(encoded)) {
            List<Result> out = sharedPrefix(encoded);
            if (out != null) {
                return out;
            }
        }
        return encoded.stream().map(e -> score(e.context(), e.continuation())).toList();
    }

    /** Every continuation has tokens and none needs the context cut (then each choice would lose a different left end). */
    private boolean sharedPrefixFits(List<Encoded> encoded) {
        return encoded.stream().allMatch(e -> e.continuation().length >= 1 && e.context().length + e.continuation().length - 1 <= maxLength);
    }

    private List<Result> singleTokens(List<Encoded> encoded) {
        int[] ctx = encoded.get(0).context();
        int from = Math.max(0, ctx.length + 1 - (maxLength + 1));
        int[] input = java.util.Arrays.copyOfRange(ctx, from, ctx.length);
        float[] row = lastLogSoftmax(input, 1)[0];
        int arg = org.llmplayground.generation.Distributions.argmax(row);
        List<Result> out = new ArrayList<>();
        for (Encoded e : encoded) {
            int t = e.continuation()[0];
            out.add(new Result(row[t], arg == t, e.continuation(), ctx.length, from > 0, new double[]{row[t]}));
        }
        return out;
    }

    /**
     * The KV-cache path. Shapes for C choices, context n tokens, longest continuation L:
     * <pre>
     *   pass 1: context (1, n) → cache; logits after its last token (V) → log p of every choice's first token
     *   cache rows 1 → C (the same context for each choice)
     *   pass 2: continuations without their last token, (C, L−1), padded at the end → hidden (C, L−1, d), of which
     *           only the K real positions go through the output head → logits (K, V)
     *           log p of token j+1 of choice c = log_softmax(logits[c's row j])[cont_c[j+1]]
     * </pre>
     * Padding after a row's end changes nothing before it (attention is causal), and its positions are not read.
     * Null when the network has no batched decoding (the caller then scores choice by choice).
     */
    private List<Result> sharedPrefix(List<Encoded> encoded) {
        int[] ctx = encoded.get(0).context();
        int c = encoded.size();
        int longest = encoded.stream().mapToInt(e -> e.continuation().length).max().orElse(1);
        return NoGrad.run(() -> {
            try (NDScope scope = new NDScope(); org.llmplayground.model.nn.KvCache cache = network.newCache(manager, 1)) {
                scope.suppressNotUsedWarning();
                float[] first = network.decode(ps, ctx, ctx.length, cache);                 // (V) after the context
                passes++;
                double[] firstLogp = org.llmplayground.generation.Distributions.logSoftmax(first);
                int firstArg = org.llmplayground.generation.Distributions.argmax(first);
                int n = longest - 1;
                float[] picked = new float[0];
                long[] args = new long[0];
                int[] at = new int[c];                                                        // row r's first kept position
                if (n > 0) {
                    cache.reorder(new int[c]);                                                // C rows of the same context
                    int[] ids = new int[c * n];
                    int kept = encoded.stream().mapToInt(e -> e.continuation().length - 1).sum();
                    int[] keep = new int[kept];
                    long[] targets = new long[kept];
                    int k = 0;
                    for (int r = 0; r < c; r++) {
                        int[] cont = encoded.get(r).continuation();
                        at[r] = k;
                        for (int j = 0; j < n; j++) {
                            ids[r * n + j] = j < cont.length - 1 ? cont[j] : cont[cont.length - 1]; // padding: any real id
                            if (j + 1 < cont.length) {
                                keep[k] = r * n + j;
                                targets[k++] = cont[j + 1];
                            }
                        }
                    }
                    if (kept > 0) {
                        NDArray logits = network.decodeLogits(ps, ids, n, cache, keep);          // (K, V): real positions only
                        if (logits == null) {
                            return null;
                        }
                        passes++;
                        NDArray logp = logits.logSoftmax(-1);
                        NDArray t = NativeArrays.longs(manager, targets, new Shape(kept, 1), manager.getDevice());
                        picked = logp.gather(t, 1).toFloatArray();                               // (K, 1)
                        args = logp.argMax(-1).toLongArray();                                     // (K)
                    }
                }
                List<Result> out = new ArrayList<>();
                for (int r = 0; r < c; r++) {
                    int[] cont = encoded.get(r).continuation();
                    double[] lp = new double[cont.length];
                    lp[0] = firstLogp[cont[0]];
                    boolean greedy = firstArg == cont[0];
                    double sum = lp[0];
                    for (int j = 0; j + 1 < cont.length; j++) {
                        lp[j + 1] = picked[at[r] + j];
                        sum += lp[j + 1];
                        greedy &= args[at[r] + j] == cont[j + 1];
                    }
                    out.add(new Result(sum, greedy, cont, ctx.length, false, lp));
                }
                return out;
            }
        });
    }

    /**
     * How many forward passes {@link #scoreChoices} needs for a question: 1 when the choices are single tokens of the
     * same context, 2 for longer continuations of the same context, else one per choice.
     */
    public int passes(String context, List<String> continuations) {
        List<Encoded> encoded = continuations.stream().map(c -> encodePair(context, c)).toList();
        boolean sameContext = encoded.size() >= 2 && encoded.stream().allMatch(e -> java.util.Arrays.equals(e.context(), encoded.get(0).context()));
        if (sameContext && encoded.stream().allMatch(e -> e.continuation().length == 1)) {
            return 1;
        }
        return sameContext && sharedPrefixFits(encoded) && encoded.stream().anyMatch(e -> e.continuation().length > 1) ? 2 : encoded.size();
    }

    public Result score(String context, String continuation) {
        Encoded e = encodePair(context, continuation);
        return score(e.context(), e.continuation());
    }

    /** _loglikelihood_tokens for one request. */
    public Result score(int[] contextIds, int[] continuationIds) {
        int[] all = new int[contextIds.length + continuationIds.length];
        System.arraycopy(contextIds, 0, all, 0, contextIds.length);
        System.arraycopy(continuationIds, 0, all, contextIds.length, continuationIds.length);
        int from = Math.max(0, all.length - (maxLength + 1));
        int[] input = java.util.Arrays.copyOfRange(all, from, all.length - 1);
        int contLen = continuationIds.length;
        double[] logprobs = new double[contLen];
        boolean greedy = true;
        double sum = 0;
        if (contLen > 0) {
            float[][] rows = lastLogSoftmax(input, contLen);
            for (int k = 0; k < contLen; k++) {
                float[] row = rows[k];
                int target = continuationIds[k];
                logprobs[k] = row[target];
                sum += row[target];
                greedy &= org.llmplayground.generation.Distributions.argmax(row) == target;
            }
        }
        return new Result(sum, greedy, continuationIds, contextIds.length, from > 0, logprobs);
    }

    /** log_softmax over the vocabulary at the last {@code last} positions of one forward pass over {@code input}. */
    private float[][] lastLogSoftmax(int[] input, int last) {
        passes++;
        return NoGrad.run(() -> {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                long[] ids = new long[input.length];
                for (int i = 0; i < input.length; i++) {
                    ids[i] = input[i];
                }
                NDArray x = NativeArrays.longs(manager, ids, new Shape(1, input.length), manager.getDevice());
                NDArray tail = network.lastLogits(ps, x, last).get(new NDIndex("0")).logSoftmax(-1);   // (last, V)
                int v = (int) tail.getShape().get(1);
                float[] flat = tail.toFloatArray();
                float[][] out = new float[last][];
                for (int k = 0; k < last; k++) {
                    out[k] = java.util.Arrays.copyOfRange(flat, k * v, (k + 1) * v);
                }
                return out;
            }
        });
    }

    /** A text's total log-likelihood and token count, lm-eval's loglikelihood_rolling (disjoint windows, end-of-text first). */
    public record Rolling(double loglikelihood, int tokens, double[] tokenLogprobs) {
        public double perplexity() {
            return Math.exp(-loglikelihood / tokens);
        }
    }

    /**
     * loglikelihood_rolling: every token of {@code text} predicted once, the first after the end-of-text token, each
     * window reading up to max_length tokens of left context (lm_eval.utils.get_rolling_token_windows with
     * context_len 1, then make_disjoint_window).
     */
    public Rolling rolling(String text) {
        return rolling(text, maxLength);
    }

    /**
     * The same with a stride (Hugging Face's "perplexity of fixed-length models"): after the first window, each
     * window predicts the next {@code stride} tokens while reading up to max_length tokens before them, so every token
     * but the first window's sees at least max_length − stride tokens of context. stride = max_length is lm-eval's
     * rolling log-likelihood; a smaller stride gives a lower (better-informed) perplexity for max_length / stride
     * times the work. Example, max_length 4, stride 2, tokens t0…t7: the model reads [EOT t0 t1 t2] and scores
     * t0…t3, then reads [t1 t2 t3 t4] and scores t4, t5, then [t3 t4 t5 t6] and scores t6, t7.
     */
    public Rolling rolling(String text, int stride) {
        if (stride < 1 || stride > maxLength) {
            throw new org.llmplayground.core.BadInputException("stride must be between 1 and the model's context, " + maxLength + " (got " + stride + ").");
        }
        int[] tokens = encode.apply(text);
        List<double[]> parts = new ArrayList<>();
        double total = 0;
        int predicted = 0;
        int first = Math.min(maxLength, tokens.length);
        if (first > 0) {
            int[] input = new int[first];
            input[0] = prefixToken;
            System.arraycopy(tokens, 0, input, 1, first - 1);
            Result r = disjoint(input, java.util.Arrays.copyOfRange(tokens, 0, first));
            total += r.loglikelihood();
            parts.add(r.tokenLogprobs());
            predicted += first;
        }
        while (predicted < tokens.length) {
            int windowPred = Math.min(tokens.length - predicted, stride);
            int end = predicted + windowPred;
            int[] input = java.util.Arrays.copyOfRange(tokens, Math.max(0, end - maxLength - 1), end - 1);
            Result r = disjoint(input, java.util.Arrays.copyOfRange(tokens, end - windowPred, end));
            total += r.loglikelihood();
            parts.add(r.tokenLogprobs());
            predicted += windowPred;
        }
        double[] all = parts.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
        return new Rolling(total, tokens.length, all);
    }

    /** make_disjoint_window: the context is the input minus the predicted tokens it already holds. */
    private Result disjoint(int[] input, int[] pred) {
        int[] context = java.util.Arrays.copyOfRange(input, 0, input.length - (pred.length - 1));
        return score(context, pred);
    }
}
