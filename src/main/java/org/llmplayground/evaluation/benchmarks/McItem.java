package org.llmplayground.evaluation.benchmarks;

import java.util.List;

/**
 * One multiple-choice question as lm-evaluation-harness scores it: the exact context string (description and
 * few-shot examples included), one continuation per choice (target_delimiter " " + choice), the gold index, and for
 * TruthfulQA MC2 the label of every choice (1 true, 0 false).
 */
public record McItem(int docId, String context, List<String> choices, List<String> continuations, int gold, List<Integer> labels) {
}
