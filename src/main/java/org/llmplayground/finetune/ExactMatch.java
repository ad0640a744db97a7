package org.llmplayground.finetune;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.micronaut.serde.annotation.Serdeable;
import org.llmplayground.model.nn.CausalLm;
import org.llmplayground.model.nn.KvCache;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Exact-match accuracy of a model on instruction examples: each prompt is rendered as in training, the model answers
 * greedily (the most likely token each time, so the score does not depend on a seed) until the reply's end or
 * {@code maxTokens}, and the answer counts when, stripped of surrounding spaces, it equals the expected one.
 * <pre>
 *   prompt "User: Reverse the word: moth\nAssistant:"  →  " htom\n"  →  "htom" = "htom"  ✓
 * </pre>
 */
public final class ExactMatch {
    /** One example: its prompt, the expected answer, the model's, and whether they match. */
    @Serdeable
    public record Answer(String prompt, String expected, String answer, boolean correct, String task) {
    }

    /** Accuracy over n examples and every answer. */
    @Serdeable
    public record Result(double accuracy, int n, List<Answer> answers) {
    }

    private ExactMatch() {
    }

    /**
     * @param decode ids → text of the model's tokenizer
     * @param tasks  the task of each example for per-task breakdowns (null entries allowed)
     */
    public static Result evaluate(CausalLm network, ParameterStore ps, NDManager manager, SftEncoder encoder,
                                  Function<String, int[]> encode, Function<int[], String> decode, List<SftExample> examples,
                                  List<String> tasks, int maxTokens) {
        List<Answer> answers = new ArrayList<>();
        int right = 0;
        int context = network.config().contextLength();
        for (int i = 0; i < examples.size(); i++) {
            SftExample e = examples.get(i);
            String prompt = encoder.prompt(e) + encoder.template().replyStart();
            int[] ids = encode.apply(prompt);
            if (ids.length >= context) { // keep the prompt's end, as training does
                ids = java.util.Arrays.copyOfRange(ids, ids.length - context + 1, ids.length);
            }
            String answer = greedy(network, ps, manager, ids, encoder, decode, Math.min(maxTokens, context - ids.length));
            boolean ok = answer.strip().equals(e.response().strip());
            right += ok ? 1 : 0;
            answers.add(new Answer(prompt, e.response(), answer.strip(), ok, tasks == null ? null : tasks.get(i)));
        }
        return new Result(examples.isEmpty() ? 0 : (double) right / examples.size(), examples.size(), answers);
    }

    /** The greedy continuation of {@code ids}, cut at the reply's end (its marker text or the end-of-text id). */
    static String greedy(CausalLm network, ParameterStore ps, NDManager manager, int[] ids, SftEncoder encoder,
                         Function<int[], String> decode, int maxTokens) {
        String end = encoder.end();
        Integer eot = encoder.endOfText();
        List<Integer> out = new ArrayList<>();
        try (NDManager scope = manager.newSubManager()) {
            KvCache cache = network.newCache(scope, 1);
            float[] logits = network.decode(ps, ids, ids.length, cache);
            for (int step = 0; step < maxTokens; step++) {
                int next = org.llmplayground.generation.Distributions.argmax(logits); // greedy: the generator's own argmax
                if (eot != null && next == eot) {
                    break;
                }
                out.add(next);
                String text = decode.apply(out.stream().mapToInt(Integer::intValue).toArray());
                if (!end.isEmpty() && text.contains(end)) {
                    return text.substring(0, text.indexOf(end));
                }
                if (step + 1 < maxTokens) {
                    logits = network.decode(ps, new int[]{next}, 1, cache);
                }
            }
        }
        return decode.apply(out.stream().mapToInt(Integer::intValue).toArray());
    }
}
