package org.llmplayground.generation;

import java.util.ArrayList;
import java.util.List;

/**
 * The processors a {@link GenerationSettings} turns on, in the order they run (the same order as Hugging Face's
 * generate, with OpenAI's penalties next to the repetition penalty):
 * <ol>
 *   <li>penalties that look at the text: repetition penalty, presence/frequency penalty, no-repeat n-gram;</li>
 *   <li>temperature (before any cut, so top-p sees the tempered distribution);</li>
 *   <li>cuts: top-k, then top-p, then min-p.</li>
 * </ol>
 * Greedy decoding and beam search use only the first group: the argmax and beam scores do not depend on temperature,
 * and cutting the tail never changes the top.
 */
public final class LogitsPipeline {
    private final List<LogitsProcessor> processors;

    private LogitsPipeline(List<LogitsProcessor> processors) {
        this.processors = List.copyOf(processors);
    }

    public static LogitsPipeline of(GenerationSettings s) {
        List<LogitsProcessor> p = new ArrayList<>();
        if (s.repetitionPenalty() != 1) {
            p.add(new RepetitionPenalty(s.repetitionPenalty()));
        }
        if (s.presencePenalty() != 0 || s.frequencyPenalty() != 0) {
            p.add(new PresenceFrequencyPenalty(s.presencePenalty(), s.frequencyPenalty()));
        }
        if (s.noRepeatNgramSize() > 0) {
            p.add(new NoRepeatNgram(s.noRepeatNgramSize()));
        }
        if (!s.isGreedy() && s.strategy() == GenerationSettings.Strategy.SAMPLE) {
            if (s.temperature() != 1) {
                p.add(new Temperature(s.temperature()));
            }
            if (s.topK() > 0) {
                p.add(new TopK(s.topK()));
            }
            if (s.topP() < 1) {
                p.add(new TopP(s.topP()));
            }
            if (s.minP() > 0) {
                p.add(new MinP(s.minP()));
            }
        }
        return new LogitsPipeline(p);
    }

    public List<LogitsProcessor> processors() {
        return processors;
    }

    /** Runs every processor in place; with a trace, records the top-N probabilities before the first and after each. */
    public void apply(float[] logits, int[] context, int promptLength, StepTrace.Builder trace) {
        if (trace != null) {
            trace.stage("model", logits);
        }
        for (LogitsProcessor p : processors) {
            p.process(logits, context, promptLength);
            if (trace != null) {
                trace.stage(p.name(), logits);
            }
        }
    }
}
