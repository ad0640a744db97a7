package org.llmplayground.generation;

import org.llmplayground.model.nn.KvCache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Beam search: instead of committing to one token per step, keep the W partial texts (beams) with the highest total
 * log-probability. Each step scores every continuation of every beam, score(beam + t) = score(beam) + log p(t | beam),
 * keeps the best W that have not ended, and moves any that ended (end-of-text or a stop sequence) to the finished
 * list. A finished hypothesis is ranked by score / length^length_penalty, so with length_penalty 0 it is the plain
 * sum (short texts win), with 1 the mean per token.
 * <p>
 * Worked example, W = 2, vocabulary {a, b, c}: step 1 from the prompt gives log p = {a: −0.4, b: −1.2, c: −2.3};
 * beams "a" (−0.4) and "b" (−1.2). Step 2 scores 6 continuations, e.g. "aa" −0.4−1.9 = −2.3, "ab" −0.4−0.3 = −0.7,
 * "ba" −1.2−0.1 = −1.3 …; the best two ("ab", "ba") survive even though greedy would never have left "a".
 * <p>
 * With W at least V^(L−1), nothing is ever pruned and beam search is exhaustive search over all V^L texts of length L
 * (the tests check exactly that). The beams are the rows of one batch; after each step the KV cache rows are
 * reordered to follow their parents.
 */
final class BeamSearch {
    private final Generator generator;
    private final GenerationSettings s;
    private final LogitsPipeline pipeline;

    BeamSearch(Generator generator, GenerationSettings s) {
        this.generator = generator;
        this.s = s;
        this.pipeline = LogitsPipeline.of(s);
    }

    /** A live or finished hypothesis: its tokens after the prompt, summed log-probability and tree node. */
    private record Beam(int[] tokens, double logProb, int node) {
        double score(double lengthPenalty) {
            return logProb / Math.pow(Math.max(1, tokens.length), lengthPenalty);
        }
    }

    private record Candidate(int parent, int token, double logProb) {
    }

    GenerationResult run(int[] prompt, Generator.Listener listener, BooleanSupplier cancelled) {
        int v = generator.network().config().vocabSize();
        int context = generator.network().config().contextLength();
        int width = s.beamWidth();
        int eos = generator.codec().endOfText();
        long start = System.nanoTime();
        long firstToken = 0;
        List<GenerationResult.BeamNode> tree = new ArrayList<>();
        List<Beam> finished = new ArrayList<>();
        List<Beam> beams = List.of(new Beam(new int[0], 0, -1));
        int maxNew = Math.min(s.maxNewTokens(), context - prompt.length);
        FinishReason reason = FinishReason.LENGTH;
        try (KvCache cache = generator.newCache(1)) {
            float[] logits = generator.decode(prompt, prompt.length, cache);
            for (int step = 0; step < maxNew; step++) {
                if (cancelled.getAsBoolean()) {
                    reason = FinishReason.CANCELLED;
                    break;
                }
                List<Candidate> candidates = candidates(beams, logits, prompt, v, 2 * width);
                if (step == 0) {
                    firstToken = System.nanoTime();
                }
                List<Beam> next = new ArrayList<>();
                List<Integer> parents = new ArrayList<>();
                for (int rank = 0; rank < candidates.size(); rank++) {
                    Candidate c = candidates.get(rank);
                    Beam parent = beams.get(c.parent());
                    int[] tokens = Arrays.copyOf(parent.tokens(), parent.tokens().length + 1);
                    tokens[tokens.length - 1] = c.token();
                    boolean ends = c.token() == eos || endsWithStop(tokens);
                    boolean kept = next.size() < width && !ends;
                    // as Hugging Face: only candidates ranked within the first W may finish
                    boolean finishes = ends && rank < width;
                    int node = tree.size();
                    tree.add(new GenerationResult.BeamNode(node, parent.node(), step, c.token(), generator.codec().label(c.token()),
                            c.logProb(), finishes ? GenerationResult.Status.FINISHED : kept ? GenerationResult.Status.KEPT
                            : GenerationResult.Status.PRUNED));
                    Beam beam = new Beam(c.token() == eos ? parent.tokens() : tokens, c.logProb(), node);
                    if (finishes) {
                        finished.add(beam);
                    } else if (kept) {
                        next.add(beam);
                        parents.add(c.parent());
                    }
                }
                listener.token(new TokenEvent(0, step, next.isEmpty() ? -1 : last(next.get(0)), next.isEmpty() ? "" : tokenOf(next.get(0)),
                        "", next.isEmpty() ? 0 : Math.exp(next.get(0).logProb()), null));
                if (next.isEmpty() || done(finished, next, width, maxNew, step)) {
                    beams = next;
                    if (!next.isEmpty() || !finished.isEmpty()) {
                        reason = finished.size() >= width || next.isEmpty() ? FinishReason.STOP : FinishReason.LENGTH;
                    }
                    break;
                }
                beams = next;
                if (step + 1 < maxNew) {
                    cache.reorder(parents.stream().mapToInt(Integer::intValue).toArray());
                    int[] ids = beams.stream().mapToInt(BeamSearch::last).toArray();
                    logits = generator.decode(ids, 1, cache);
                }
            }
        }
        List<Beam> all = new ArrayList<>(finished);
        all.addAll(beams);
        all.sort(Comparator.comparingDouble((Beam b) -> b.score(s.lengthPenalty())).reversed());
        List<GenerationResult.Hypothesis> best = all.stream().limit(s.numReturn()).map(b -> new GenerationResult.Hypothesis(
                text(b.tokens()), b.tokens(), b.logProb(), b.score(s.lengthPenalty()))).toList();
        markBest(tree, all.isEmpty() ? -1 : all.get(0).node());
        long end = System.nanoTime();
        int[] ids = best.isEmpty() ? new int[0] : best.get(0).ids();
        double total = (end - start) / 1e6;
        double first = firstToken == 0 ? 0 : (firstToken - start) / 1e6;
        return new GenerationResult(s.label(), best.isEmpty() ? "" : best.get(0).text(), ids, generator.codec().labels(ids),
                Arrays.copyOf(probabilities(tree, all.isEmpty() ? -1 : all.get(0).node()), ids.length), reason, prompt.length, first,
                ids.length > 1 ? (total - first) / (ids.length - 1) : 0, total, ids.length > 0 ? ids.length / (total / 1000) : 0,
                0, 0, List.of(), new GenerationResult.BeamResult(best, tree));
    }

    /** The best {@code k} continuations over all beams, best first. */
    private List<Candidate> candidates(List<Beam> beams, float[] logits, int[] prompt, int v, int k) {
        List<Candidate> all = new ArrayList<>();
        for (int b = 0; b < beams.size(); b++) {
            Beam beam = beams.get(b);
            float[] row = Arrays.copyOfRange(logits, b * v, (b + 1) * v);
            int[] context = Arrays.copyOf(prompt, prompt.length + beam.tokens().length);
            System.arraycopy(beam.tokens(), 0, context, prompt.length, beam.tokens().length);
            pipeline.apply(row, context, prompt.length, null);
            double[] logp = Distributions.logSoftmax(row);
            for (int id : Distributions.topIndices(logp, k)) {
                if (logp[id] > Double.NEGATIVE_INFINITY) {
                    all.add(new Candidate(b, id, beam.logProb() + logp[id]));
                }
            }
        }
        all.sort(Comparator.comparingDouble(Candidate::logProb).reversed());
        return all.subList(0, Math.min(k, all.size()));
    }

    /**
     * Stop when W hypotheses are finished and either early stopping is on, or no live beam can still beat the worst
     * of them (its score can only fall as it grows when length_penalty ≤ 0; otherwise we use its current score, as HF).
     */
    private boolean done(List<Beam> finished, List<Beam> live, int width, int maxNew, int step) {
        if (finished.size() < width) {
            return false;
        }
        if (s.earlyStopping()) {
            return true;
        }
        double worst = finished.stream().mapToDouble(b -> b.score(s.lengthPenalty())).sorted()
                .skip(Math.max(0, finished.size() - width)).findFirst().orElse(Double.NEGATIVE_INFINITY);
        double bestLive = live.stream().mapToDouble(b -> b.score(s.lengthPenalty())).max().orElse(Double.NEGATIVE_INFINITY);
        return bestLive <= worst;
    }

    private boolean endsWithStop(int[] tokens) {
        if (s.stop().isEmpty()) {
            return false;
        }
        String text = generator.codec().decode(tokens);
        return s.stop().stream().anyMatch(text::contains);
    }

    private String text(int[] tokens) {
        String t = generator.codec().decode(tokens);
        for (String stop : s.stop()) {
            int i = t.indexOf(stop);
            if (i >= 0) {
                t = t.substring(0, i);
            }
        }
        return t;
    }

    private static int last(Beam b) {
        return b.tokens()[b.tokens().length - 1];
    }

    private String tokenOf(Beam b) {
        return generator.codec().label(last(b));
    }

    /** Marks the winner's path from its leaf to the root as BEST. */
    private static void markBest(List<GenerationResult.BeamNode> tree, int leaf) {
        for (int n = leaf; n >= 0; n = tree.get(n).parent()) {
            GenerationResult.BeamNode node = tree.get(n);
            tree.set(n, new GenerationResult.BeamNode(node.id(), node.parent(), node.step(), node.tokenId(), node.token(),
                    node.logProbability(), GenerationResult.Status.BEST));
        }
    }

    /** p(token | prefix) along the winning path, from the differences of cumulative log-probabilities. */
    private static double[] probabilities(List<GenerationResult.BeamNode> tree, int leaf) {
        List<Double> p = new ArrayList<>();
        for (int n = leaf; n >= 0; n = tree.get(n).parent()) {
            int parent = tree.get(n).parent();
            double before = parent < 0 ? 0 : tree.get(parent).logProbability();
            p.add(0, Math.exp(tree.get(n).logProbability() - before));
        }
        return p.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
