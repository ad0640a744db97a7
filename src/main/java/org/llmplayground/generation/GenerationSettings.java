package org.llmplayground.generation;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import org.llmplayground.core.BadInputException;

import java.util.List;

/**
 * How to pick each next token, one immutable record (as Hugging Face's GenerationConfig). Field names are the API's
 * (snake_case in JSON). The processors that use these fields run in the order of {@link LogitsPipeline}.
 *
 * @param strategy           greedy (always the most likely token), sample (draw from the processed distribution)
 *                           or beam (keep the beam_width best partial sequences)
 * @param maxNewTokens       how many tokens to generate at most (1–4096)
 * @param temperature        logits / T before sampling: below 1 sharpens, above 1 flattens; 0 means greedy
 * @param topK               keep only the k most likely tokens (0 = off)
 * @param topP               nucleus: keep the smallest set of most likely tokens whose probability reaches p (1 = off)
 * @param minP               keep tokens with p ≥ min_p · p(most likely) (0 = off)
 * @param repetitionPenalty  CTRL penalty θ on every token already in the text: logit/θ if positive, logit·θ if not (1 = off)
 * @param presencePenalty    OpenAI: subtract this once from every token generated so far (0 = off)
 * @param frequencyPenalty   OpenAI: subtract this × how often a token was generated so far (0 = off)
 * @param noRepeatNgramSize  forbid any token that would repeat an n-gram of this size (0 = off)
 * @param beamWidth          beams kept by beam search (1–16)
 * @param lengthPenalty      beam score = sum of log-probs / length^length_penalty; above 0 favours longer texts
 * @param earlyStopping      beam search stops as soon as beam_width hypotheses are finished
 * @param numReturn          beam search returns this many best hypotheses (n-best, ≤ beam_width)
 * @param stop               stop when the text contains one of these (not included in the output); at most 4
 * @param seed               seeds the sampling random; null picks one, reported with the result
 * @param traceTopN          record the top-N candidates before and after each processor at every step (0 = off, ≤ 50)
 */
@Serdeable(naming = io.micronaut.serde.config.naming.SnakeCaseStrategy.class)
public record GenerationSettings(Strategy strategy, int maxNewTokens, double temperature, int topK, double topP, double minP,
                                 double repetitionPenalty, double presencePenalty, double frequencyPenalty, int noRepeatNgramSize,
                                 int beamWidth, double lengthPenalty, boolean earlyStopping, int numReturn,
                                 @Nullable List<String> stop, @Nullable Long seed, int traceTopN) {

    public static final int MAX_NEW_TOKENS = 4096;
    public static final int MAX_BEAM_WIDTH = 16;
    public static final int MAX_TRACE = 50;

    /** Greedy, beam search or sampling. */
    public enum Strategy { GREEDY, SAMPLE, BEAM }

    public GenerationSettings {
        strategy = strategy == null ? Strategy.SAMPLE : strategy;
        stop = stop == null ? List.of() : List.copyOf(stop);
    }

    /** Sampling at temperature 1 with nothing else on: the model's own distribution. */
    public static GenerationSettings defaults() {
        return new GenerationSettings(Strategy.SAMPLE, 100, 1.0, 0, 1.0, 0, 1.0, 0, 0, 0, 4, 1.0, true, 1, List.of(), null, 0);
    }

    public static GenerationSettings greedy(int maxNewTokens) {
        return defaults().withStrategy(Strategy.GREEDY).withMaxNewTokens(maxNewTokens);
    }

    /** Most stop sequences a generation takes (OpenAI's limit too). */
    public static final int MAX_STOPS = 4;

    /**
     * The one way stop sequences are combined: the user's first, then the extra ones (a chat template's turn markers,
     * e.g. "\nUser:") that are not already there, at most {@value #MAX_STOPS} in all.
     * Example: user ["END"], template ["\nUser:", "END"] → ["END", "\nUser:"].
     */
    public static List<String> mergeStops(List<String> user, List<String> extra) {
        List<String> out = new java.util.ArrayList<>(user);
        for (String s : extra) {
            if (out.size() < MAX_STOPS && !out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    /** Checks every field and names the first bad one, e.g. "top_p must be in (0, 1] (got 1.5)." */
    public GenerationSettings validate() {
        check(maxNewTokens >= 1 && maxNewTokens <= MAX_NEW_TOKENS, "max_new_tokens must be between 1 and " + MAX_NEW_TOKENS + " (got " + maxNewTokens + ").");
        check(temperature >= 0 && Double.isFinite(temperature), "temperature must be ≥ 0 (got " + temperature + ").");
        check(topK >= 0, "top_k must be ≥ 0, 0 turns it off (got " + topK + ").");
        check(topP > 0 && topP <= 1, "top_p must be in (0, 1] (got " + topP + ").");
        check(minP >= 0 && minP < 1, "min_p must be in [0, 1) (got " + minP + ").");
        check(repetitionPenalty > 0 && Double.isFinite(repetitionPenalty), "repetition_penalty must be > 0, 1 turns it off (got " + repetitionPenalty + ").");
        check(Math.abs(presencePenalty) <= 2, "presence_penalty must be between -2 and 2 (got " + presencePenalty + ").");
        check(Math.abs(frequencyPenalty) <= 2, "frequency_penalty must be between -2 and 2 (got " + frequencyPenalty + ").");
        check(noRepeatNgramSize >= 0, "no_repeat_ngram_size must be ≥ 0 (got " + noRepeatNgramSize + ").");
        check(beamWidth >= 1 && beamWidth <= MAX_BEAM_WIDTH, "beam_width must be between 1 and " + MAX_BEAM_WIDTH + " (got " + beamWidth + ").");
        check(Double.isFinite(lengthPenalty), "length_penalty must be a number (got " + lengthPenalty + ").");
        check(numReturn >= 1 && (strategy != Strategy.BEAM || numReturn <= beamWidth),
                "num_return must be between 1 and beam_width (" + beamWidth + ") (got " + numReturn + ").");
        check(stop.size() <= MAX_STOPS, "At most " + MAX_STOPS + " stop sequences (got " + stop.size() + ").");
        check(stop.stream().noneMatch(String::isEmpty), "A stop sequence must not be empty.");
        check(traceTopN >= 0 && traceTopN <= MAX_TRACE, "trace_top_n must be between 0 and " + MAX_TRACE + " (got " + traceTopN + ").");
        return this;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new BadInputException(message);
        }
    }

    /** Greedy when asked for, or when sampling at temperature 0 (the limit of sharpening is the argmax). */
    public boolean isGreedy() {
        return strategy == Strategy.GREEDY || (strategy == Strategy.SAMPLE && temperature == 0);
    }

    /** A short description for lists and comparisons, e.g. "top-k 40, T 0.8" or "beam 4". */
    public String label() {
        if (strategy == Strategy.BEAM) {
            return "beam " + beamWidth;
        }
        if (isGreedy()) {
            return "greedy";
        }
        StringBuilder b = new StringBuilder();
        if (topK > 0) {
            b.append("top-k ").append(topK).append(", ");
        }
        if (topP < 1) {
            b.append("top-p ").append(topP).append(", ");
        }
        if (minP > 0) {
            b.append("min-p ").append(minP).append(", ");
        }
        return b.append("T ").append(temperature).toString();
    }

    public GenerationSettings withStrategy(Strategy v) {
        return new GenerationSettings(v, maxNewTokens, temperature, topK, topP, minP, repetitionPenalty, presencePenalty,
                frequencyPenalty, noRepeatNgramSize, beamWidth, lengthPenalty, earlyStopping, numReturn, stop, seed, traceTopN);
    }

    public GenerationSettings withMaxNewTokens(int v) {
        return new GenerationSettings(strategy, v, temperature, topK, topP, minP, repetitionPenalty, presencePenalty,
                frequencyPenalty, noRepeatNgramSize, beamWidth, lengthPenalty, earlyStopping, numReturn, stop, seed, traceTopN);
    }

    public GenerationSettings withSampling(double temp, int k, double p, double minProb) {
        return new GenerationSettings(strategy, maxNewTokens, temp, k, p, minProb, repetitionPenalty, presencePenalty,
                frequencyPenalty, noRepeatNgramSize, beamWidth, lengthPenalty, earlyStopping, numReturn, stop, seed, traceTopN);
    }

    public GenerationSettings withPenalties(double repetition, double presence, double frequency, int noRepeatNgram) {
        return new GenerationSettings(strategy, maxNewTokens, temperature, topK, topP, minP, repetition, presence,
                frequency, noRepeatNgram, beamWidth, lengthPenalty, earlyStopping, numReturn, stop, seed, traceTopN);
    }

    public GenerationSettings withBeam(int width, double lengthPen, boolean early, int n) {
        return new GenerationSettings(strategy, maxNewTokens, temperature, topK, topP, minP, repetitionPenalty, presencePenalty,
                frequencyPenalty, noRepeatNgramSize, width, lengthPen, early, n, stop, seed, traceTopN);
    }

    public GenerationSettings withStop(List<String> v) {
        return new GenerationSettings(strategy, maxNewTokens, temperature, topK, topP, minP, repetitionPenalty, presencePenalty,
                frequencyPenalty, noRepeatNgramSize, beamWidth, lengthPenalty, earlyStopping, numReturn, v, seed, traceTopN);
    }

    public GenerationSettings withSeed(@Nullable Long v) {
        return new GenerationSettings(strategy, maxNewTokens, temperature, topK, topP, minP, repetitionPenalty, presencePenalty,
                frequencyPenalty, noRepeatNgramSize, beamWidth, lengthPenalty, earlyStopping, numReturn, stop, v, traceTopN);
    }

    public GenerationSettings withTrace(int v) {
        return new GenerationSettings(strategy, maxNewTokens, temperature, topK, topP, minP, repetitionPenalty, presencePenalty,
                frequencyPenalty, noRepeatNgramSize, beamWidth, lengthPenalty, earlyStopping, numReturn, stop, seed, v);
    }
}
