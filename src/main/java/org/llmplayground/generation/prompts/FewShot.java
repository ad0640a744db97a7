package org.llmplayground.generation.prompts;

import org.llmplayground.core.BadInputException;

import java.util.ArrayList;
import java.util.List;

/**
 * Few-shot prompting: show the model a few solved examples in a fixed layout, then the new input in the same layout,
 * and let it continue the pattern. Even a base model that was never fine-tuned to follow instructions picks the task
 * up from the examples:
 * <pre>
 * Classify the sentiment.
 *
 * Input: I loved it
 * Output: positive
 *
 * Input: Never again
 * Output: negative
 *
 * Input: The food was cold
 * Output:
 * </pre>
 */
public final class FewShot {
    private FewShot() {
    }

    /** One solved example. */
    public record Example(String input, String output) {
    }

    /** Examples written one per line as "input => output". */
    public static List<Example> parse(String lines) {
        List<Example> out = new ArrayList<>();
        int n = 0;
        for (String line : lines.split("\n")) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            int arrow = line.indexOf("=>");
            if (arrow < 0) {
                throw new BadInputException("Example line " + n + " needs \"input => output\".");
            }
            out.add(new Example(line.substring(0, arrow).strip(), line.substring(arrow + 2).strip()));
        }
        return out;
    }

    public static String build(String instruction, List<Example> examples, String query, String inputLabel, String outputLabel) {
        if (examples.isEmpty()) {
            throw new BadInputException("Add at least one example.");
        }
        if (query == null || query.isBlank()) {
            throw new BadInputException("Give the new input to answer.");
        }
        StringBuilder b = new StringBuilder();
        if (instruction != null && !instruction.isBlank()) {
            b.append(instruction.strip()).append("\n\n");
        }
        for (Example e : examples) {
            b.append(inputLabel).append(": ").append(e.input()).append('\n').append(outputLabel).append(": ").append(e.output()).append("\n\n");
        }
        return b.append(inputLabel).append(": ").append(query.strip()).append('\n').append(outputLabel).append(':').toString();
    }
}
