package org.llmplayground.course;

import io.micronaut.serde.annotation.Serdeable;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a step's check verifies, as written in a tutorial: a kind and arguments.
 * <pre>check: run lab=pre-training metric=best_val_loss below=2.2
 * → kind "run", args {lab=pre-training, metric=best_val_loss, below=2.2}
 * check: answer-tokens tokenizer=gpt2 text="To be, or not to be"
 * → kind "answer-tokens", args {tokenizer=gpt2, text=To be, or not to be}</pre>
 * Kinds starting with {@code answer-} compare what the learner types with what the app computes.
 */
@Serdeable
public record CheckSpec(String kind, Map<String, String> args) {

    public boolean isAnswer() {
        return kind.startsWith("answer-");
    }

    public String arg(String name) {
        String v = args.get(name);
        if (v == null) {
            throw new IllegalArgumentException("check '" + kind + "' needs " + name + "=…");
        }
        return v;
    }

    public String arg(String name, String fallback) {
        return args.getOrDefault(name, fallback);
    }

    /** Parses {@code kind key=value key="a quoted value"}; a malformed spec is a bug in a tutorial file. */
    public static CheckSpec parse(String spec) {
        String s = spec.strip();
        int space = s.indexOf(' ');
        String kind = space < 0 ? s : s.substring(0, space);
        Map<String, String> args = new LinkedHashMap<>();
        int i = space < 0 ? s.length() : space;
        while (i < s.length()) {
            while (i < s.length() && s.charAt(i) == ' ') {
                i++;
            }
            if (i >= s.length()) {
                break;
            }
            int eq = s.indexOf('=', i);
            if (eq < 0) {
                throw new IllegalArgumentException("check '" + spec + "': expected key=value at '" + s.substring(i) + "'");
            }
            String key = s.substring(i, eq);
            int end;
            String value;
            if (eq + 1 < s.length() && s.charAt(eq + 1) == '"') {
                end = s.indexOf('"', eq + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("check '" + spec + "': unclosed quote");
                }
                value = s.substring(eq + 2, end);
                end++;
            } else {
                end = s.indexOf(' ', eq);
                end = end < 0 ? s.length() : end;
                value = s.substring(eq + 1, end);
            }
            args.put(key, value);
            i = end;
        }
        return new CheckSpec(kind, Map.copyOf(args));
    }
}
