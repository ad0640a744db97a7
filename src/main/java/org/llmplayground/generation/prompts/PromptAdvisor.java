package org.llmplayground.generation.prompts;

import io.micronaut.serde.annotation.Serdeable;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Simple, rule-based advice on a prompt: checks that catch the mistakes that most often make answers worse. Each rule
 * is a pattern, not a judgment by a model, so its reason is always stated.
 */
public final class PromptAdvisor {
    private static final Pattern INSTRUCTION = Pattern.compile("\\b(summari[sz]e|classify|translate|answer|list|write|extract|explain|"
            + "rewrite|describe|tell|give|find|correct|generate|label|choose|decide|solve)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern FORMAT = Pattern.compile("\\b(format|json|list|bullet|one word|answer with|reply with|respond with|return|"
            + "table|sentences?|words|lines?|yes or no|csv|markdown|only the)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern DELIMITER = Pattern.compile("(\"\"\"|```|###|<\\w+>|^\\s*[A-Z][A-Za-z ]{1,20}:\\s*$|\\b(Text|Article|Review|"
            + "Email|Document|Context|Input|Message):)", Pattern.MULTILINE);
    private static final Pattern VAGUE = Pattern.compile("\\b(something|stuff|things|etc\\.?|somehow|whatever)\\b", Pattern.CASE_INSENSITIVE);
    private static final int LONG = 300;

    private PromptAdvisor() {
    }

    /** One piece of advice: which rule fired and what to do. */
    @Serdeable
    public record Suggestion(String rule, String message) {
    }

    public static List<Suggestion> check(String prompt) {
        List<Suggestion> out = new ArrayList<>();
        String p = prompt == null ? "" : prompt.strip();
        if (p.length() < 15) {
            out.add(new Suggestion("too-short", "The prompt is very short: say what you want, about what, and in what form."));
            return out;
        }
        if (!PromptTemplate.variables(p).isEmpty()) {
            out.add(new Suggestion("unfilled-variable", "Fill in " + PromptTemplate.variables(p).stream().map(v -> "{{" + v + "}}")
                    .reduce((a, b) -> a + ", " + b).orElse("") + " before sending."));
        }
        String lower = p.toLowerCase(Locale.ROOT);
        boolean fewShot = lower.contains("output:") || lower.contains("a:") && lower.contains("q:");
        if (!FORMAT.matcher(p).find() && !fewShot) {
            out.add(new Suggestion("no-output-format", "Say what the answer should look like: one word, a list, JSON, at most N sentences."));
        }
        if (p.length() > LONG) {
            int cut = p.length() / 5;
            boolean early = INSTRUCTION.matcher(p.substring(0, cut)).find();
            boolean late = INSTRUCTION.matcher(p.substring(p.length() - cut)).find();
            if (!early && late) {
                out.add(new Suggestion("instruction-after-data", "The instruction comes after the data. Put it first: the model reads "
                        + "the data knowing what to do with it, and will not take the instruction for part of the data."));
            }
            if (!DELIMITER.matcher(p).find()) {
                out.add(new Suggestion("no-delimiters", "Mark where the data starts and ends (\"\"\"…\"\"\", ``` or a label such as Text:), "
                        + "so instructions and data cannot be confused."));
            }
        }
        if ((lower.contains("classify") || lower.contains("categor")) && !lower.contains("one of") && !lower.contains(" or ")) {
            out.add(new Suggestion("no-labels", "List the allowed labels (\"one of: positive, negative, neutral\"), or the model invents its own."));
        }
        var vague = VAGUE.matcher(p);
        if (vague.find()) {
            out.add(new Suggestion("vague", "Vague words such as \"" + vague.group() + "\" leave the model guessing; be specific."));
        }
        if (INSTRUCTION.matcher(p).find() && !lower.contains("example") && !lower.contains("=>") && !lower.contains("input:")
                && p.length() > 60 && !p.contains("\n\n")) {
            out.add(new Suggestion("no-examples", "Consider one or two examples of the answer you want (few-shot); it helps base models most."));
        }
        return out;
    }
}
