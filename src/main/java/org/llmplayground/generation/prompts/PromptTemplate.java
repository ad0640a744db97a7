package org.llmplayground.generation.prompts;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import org.llmplayground.core.BadInputException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prompt with {{variables}}: "Classify the review: {{review}}" has one variable, review. Rendering replaces each
 * {{name}} with its value; a template is data, so the same instructions can be reused with new inputs and compared.
 *
 * @param version 0 for the bundled library, 1, 2, … for the user's saved versions
 */
@Serdeable
public record PromptTemplate(String name, String category, String description, String text, @Nullable Map<String, String> example,
                             int version) {
    private static final Pattern VARIABLE = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

    /** The variable names in order of first appearance. */
    public List<String> variables() {
        return variables(text);
    }

    public static List<String> variables(String text) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = VARIABLE.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return new ArrayList<>(names);
    }

    /** Replaces every {{name}}; a variable without a value is named in the error. */
    public String render(Map<String, String> values) {
        return render(text, values);
    }

    public static String render(String text, Map<String, String> values) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null || v.isBlank()) {
                throw new BadInputException("Fill in the variable '" + m.group(1) + "'.");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }
}
