package org.llmplayground.generation;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * One finished generation: the text (stop sequence and end-of-text token excluded), its tokens with the probability
 * each had when chosen, why it ended, and timings. {@code firstTokenMillis} includes reading the prompt (prefill);
 * {@code perTokenMillis} is the mean time of each later token; {@code windowShifts} counts how often the text outgrew
 * the model's context and the oldest tokens were dropped. Beam search adds its hypotheses and tree.
 */
@Serdeable(naming = io.micronaut.serde.config.naming.SnakeCaseStrategy.class)
public record GenerationResult(String label, String text, int[] ids, List<String> tokens, double[] probabilities,
                               FinishReason finishReason, int promptTokens, double firstTokenMillis, double perTokenMillis,
                               double totalMillis, double tokensPerSecond, long seed, int windowShifts,
                               List<StepTrace> trace, @Nullable BeamResult beam) {

    /** Beam search's n-best list and the tree of every hypothesis it scored. */
    @Serdeable(naming = io.micronaut.serde.config.naming.SnakeCaseStrategy.class)
    public record BeamResult(List<Hypothesis> hypotheses, List<BeamNode> tree) {
    }

    /** A finished hypothesis: score = sum of log-probabilities / length^length_penalty. */
    @Serdeable(naming = io.micronaut.serde.config.naming.SnakeCaseStrategy.class)
    public record Hypothesis(String text, int[] ids, double logProbability, double score) {
    }

    /**
     * One node of the beam tree: a partial hypothesis that was scored at {@code step}, its parent (−1 = the prompt),
     * the token it adds, its cumulative log-probability, and what became of it.
     */
    @Serdeable(naming = io.micronaut.serde.config.naming.SnakeCaseStrategy.class)
    public record BeamNode(int id, int parent, int step, int tokenId, String token, double logProbability, Status status) {
    }

    /** KEPT: one of the beams; PRUNED: scored but not among the best; FINISHED: ended (stop or end-of-text); BEST: on the winning path. */
    public enum Status { KEPT, PRUNED, FINISHED, BEST }
}
