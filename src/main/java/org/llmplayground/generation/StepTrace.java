package org.llmplayground.generation;

import io.micronaut.serde.annotation.Serdeable;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * What one decoding step looked like: the top candidates of the model's distribution and after each processor, and
 * the token that was chosen with its final probability.
 */
@Serdeable(naming = io.micronaut.serde.config.naming.SnakeCaseStrategy.class)
public record StepTrace(int step, List<Stage> stages, int chosen, String chosenToken, double chosenProbability) {

    /** The distribution after one processor ("model" = the raw softmax), as its top-N entries. */
    @Serdeable(naming = io.micronaut.serde.config.naming.SnakeCaseStrategy.class)
    public record Stage(String name, List<Candidate> top, int kept) {
    }

    @Serdeable(naming = io.micronaut.serde.config.naming.SnakeCaseStrategy.class)
    public record Candidate(int id, String token, double probability) {
    }

    /** Collects the stages of one step while the processors run. */
    public static final class Builder {
        private final int step;
        private final int topN;
        private final IntFunction<String> label;
        private final List<Stage> stages = new ArrayList<>();

        public Builder(int step, int topN, IntFunction<String> label) {
            this.step = step;
            this.topN = topN;
            this.label = label;
        }

        void stage(String name, float[] logits) {
            double[] p = Distributions.softmax(logits);
            List<Candidate> top = new ArrayList<>();
            for (int id : Distributions.topIndices(p, topN)) {
                top.add(new Candidate(id, label.apply(id), p[id]));
            }
            int kept = 0;
            for (double q : p) {
                kept += q > 0 ? 1 : 0;
            }
            stages.add(new Stage(name, top, kept));
        }

        StepTrace chosen(int id, double probability) {
            return new StepTrace(step, List.copyOf(stages), id, label.apply(id), probability);
        }
    }
}
