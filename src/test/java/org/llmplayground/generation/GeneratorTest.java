package org.llmplayground.generation;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.model.ModelConfig;
import org.llmplayground.model.TokenCodecs;
import org.llmplayground.model.nn.CausalLm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The decoding loop on small random transformers, against the uncached model and exhaustive search. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GeneratorTest {
    NDManager manager;

    @BeforeAll
    void start() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    void stop() {
        manager.close();
    }

    /** A random transformer whose logits are spread out enough that sampling and beams differ from greedy. */
    CausalLm model(int vocab, int context, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        ModelConfig c = ModelConfig.gpt2Style().vocabSize(vocab).contextLength(context).layers(2).heads(2).embeddingSize(16)
                .ffnHiddenSize(32).build();
        CausalLm lm = CausalLm.of(c);
        lm.initialize(manager, DataType.FLOAT32, new Shape(1, 4));
        // sharpen: scale the (tied) embedding so the distributions are far from uniform
        lm.getParameters().forEach(p -> {
            if (p.getKey().equals("tok_emb.weight")) {
                org.llmplayground.model.nn.NoGrad.run(() -> p.getValue().getArray().muli(manager.create(25f)));
            }
        });
        return lm;
    }

    Generator generator(CausalLm lm) {
        return new Generator(lm, new ParameterStore(manager, false), manager, new Object(), TokenCodecs.ids(lm.config().vocabSize()));
    }

    /** log p(next | prefix) for every token, from the full uncached forward pass. */
    double[] logProbs(CausalLm lm, int[] prefix) {
        NDArray x = manager.create(Arrays.stream(prefix).asLongStream().toArray(), new Shape(1, prefix.length));
        NDArray logits = lm.logits(new ParameterStore(manager, false), x, null, false, null);
        float[] all = logits.toFloatArray();
        int v = lm.config().vocabSize();
        logits.close();
        x.close();
        return Distributions.logSoftmax(Arrays.copyOfRange(all, (prefix.length - 1) * v, prefix.length * v));
    }

    @Test
    void greedyIsTheArgmaxOfTheUncachedModelAtEveryStep() {
        CausalLm lm = model(50, 32, 1);
        int[] prompt = {3, 1, 4};
        GenerationResult r = generator(lm).generate(prompt, GenerationSettings.greedy(12), Generator.Listener.NONE, () -> false);
        int[] seq = prompt.clone();
        for (int i = 0; i < 12; i++) {
            double[] lp = logProbs(lm, seq);
            int best = Distributions.topIndices(lp, 1)[0];
            assertThat(r.ids()[i]).as("step %d", i).isEqualTo(best);
            assertThat(r.probabilities()[i]).isCloseTo(Math.exp(lp[best]), within(1e-5));
            seq = Arrays.copyOf(seq, seq.length + 1);
            seq[seq.length - 1] = best;
        }
        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(r.text()).isEqualTo(TokenCodecs.ids(50).decode(r.ids()));
    }

    @Test
    void sameSeedSameTextAndBatchedRowsEqualSingleRuns() {
        CausalLm lm = model(50, 32, 2);
        Generator g = generator(lm);
        int[] prompt = {7, 7, 2};
        GenerationSettings topK = GenerationSettings.defaults().withSampling(1.0, 10, 1, 0).withMaxNewTokens(15).withSeed(11L);
        GenerationSettings topP = GenerationSettings.defaults().withSampling(0.8, 0, 0.9, 0).withMaxNewTokens(15).withSeed(12L);
        GenerationResult a = g.generate(prompt, topK, Generator.Listener.NONE, () -> false);
        GenerationResult b = g.generate(prompt, topK, Generator.Listener.NONE, () -> false);
        assertThat(a.ids()).isEqualTo(b.ids());
        assertThat(a.seed()).isEqualTo(11L);
        GenerationResult other = g.generate(prompt, topK.withSeed(99L), Generator.Listener.NONE, () -> false);
        assertThat(other.ids()).isNotEqualTo(a.ids());
        List<GenerationResult> rows = g.generateRows(prompt, List.of(topK, topP, GenerationSettings.greedy(5)), Generator.Listener.NONE, () -> false);
        assertThat(rows.get(0).ids()).isEqualTo(a.ids());
        assertThat(rows.get(1).ids()).isEqualTo(g.generate(prompt, topP, Generator.Listener.NONE, () -> false).ids());
        assertThat(rows.get(2).ids()).isEqualTo(g.generate(prompt, GenerationSettings.greedy(5), Generator.Listener.NONE, () -> false).ids());
        assertThat(rows.get(2).ids()).hasSize(5);
    }

    @Test
    void sampledTokensAlwaysComeFromTheKeptSet() {
        CausalLm lm = model(50, 64, 3);
        GenerationSettings k3 = GenerationSettings.defaults().withSampling(1.5, 3, 1, 0).withMaxNewTokens(40).withSeed(5L).withTrace(5);
        GenerationResult r = generator(lm).generate(new int[]{1}, k3, Generator.Listener.NONE, () -> false);
        assertThat(r.trace()).hasSize(40);
        for (StepTrace t : r.trace()) {
            StepTrace.Stage last = t.stages().get(t.stages().size() - 1);
            assertThat(last.name()).isEqualTo("top-k 3");
            assertThat(last.kept()).isEqualTo(3);
            assertThat(last.top().subList(0, 3)).extracting(StepTrace.Candidate::id).contains(t.chosen());
            assertThat(t.stages().get(0).name()).isEqualTo("model");
        }
    }

    @Test
    void beamSearchWithEnoughBeamsIsExhaustiveSearch() {
        int v = 3;
        int length = 3;
        CausalLm lm = model(v, 16, 4);
        int[] prompt = {0, 2};
        // every one of the 27 continuations, scored with the uncached model
        List<double[]> scored = new ArrayList<>(); // {score, t1, t2, t3}
        for (int a = 0; a < v; a++) {
            for (int b = 0; b < v; b++) {
                for (int c = 0; c < v; c++) {
                    int[] t = {a, b, c};
                    double score = 0;
                    int[] seq = prompt.clone();
                    for (int tok : t) {
                        score += logProbs(lm, seq)[tok];
                        seq = Arrays.copyOf(seq, seq.length + 1);
                        seq[seq.length - 1] = tok;
                    }
                    scored.add(new double[]{score, a, b, c});
                }
            }
        }
        scored.sort(Comparator.comparingDouble((double[] s) -> s[0]).reversed());
        GenerationSettings beam = GenerationSettings.defaults().withStrategy(GenerationSettings.Strategy.BEAM)
                .withBeam(9, 0, true, 5).withMaxNewTokens(length);
        GenerationResult r = generator(lm).generate(prompt, beam, Generator.Listener.NONE, () -> false);
        List<GenerationResult.Hypothesis> best = r.beam().hypotheses();
        assertThat(best).hasSize(5);
        for (int i = 0; i < 5; i++) {
            double[] e = scored.get(i);
            assertThat(best.get(i).ids()).as("hypothesis %d", i).containsExactly((int) e[1], (int) e[2], (int) e[3]);
            assertThat(best.get(i).score()).isCloseTo(e[0], within(1e-4));
        }
        assertThat(r.ids()).isEqualTo(best.get(0).ids());
        // the tree: 3 candidates at step 1, 9 at step 2, 18 (2W) of 27 at step 3; the winner's path is marked
        assertThat(r.beam().tree().stream().filter(n -> n.step() == 0)).hasSize(3);
        assertThat(r.beam().tree().stream().filter(n -> n.status() == GenerationResult.Status.BEST)).hasSize(3);
        // a narrow beam scores no better than exhaustive search
        GenerationResult narrow = generator(lm).generate(prompt, beam.withBeam(1, 0, true, 1), Generator.Listener.NONE, () -> false);
        assertThat(narrow.beam().hypotheses().get(0).score()).isLessThanOrEqualTo(scored.get(0)[0] + 1e-6);
        // width 1 is greedy
        assertThat(narrow.ids()).isEqualTo(generator(lm).generate(prompt, GenerationSettings.greedy(length), Generator.Listener.NONE, () -> false).ids());
    }

    @Test
    void textLongerThanTheContextSlidesTheWindow() {
        CausalLm lm = model(20, 8, 5);
        GenerationResult r = generator(lm).generate(new int[]{1, 2, 3}, GenerationSettings.greedy(30), Generator.Listener.NONE, () -> false);
        assertThat(r.ids()).hasSize(30);
        assertThat(r.windowShifts()).isGreaterThan(0);
        // the token after a shift is what the uncached model predicts from the last 6 tokens (3/4 of 8)
        int[] all = new int[33];
        System.arraycopy(new int[]{1, 2, 3}, 0, all, 0, 3);
        System.arraycopy(r.ids(), 0, all, 3, 30);
        int firstShiftToken = 8 - 3; // the 6th generated token is chosen after the first shift (sequence length 8)
        int[] window = Arrays.copyOfRange(all, 8 - 6, 8);
        assertThat(r.ids()[firstShiftToken]).isEqualTo(Distributions.topIndices(logProbs(lm, window), 1)[0]);
    }

    @Test
    void streamingAndCancelling() {
        CausalLm lm = model(50, 64, 6);
        AtomicInteger seen = new AtomicInteger();
        StringBuilder streamed = new StringBuilder();
        GenerationResult r = generator(lm).generate(new int[]{1}, GenerationSettings.defaults().withMaxNewTokens(50).withSeed(1L),
                e -> {
                    seen.incrementAndGet();
                    streamed.append(e.text());
                }, () -> seen.get() >= 10);
        assertThat(r.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(r.ids()).hasSize(10);
        assertThat(streamed.toString()).isEqualTo(r.text());
    }
}
