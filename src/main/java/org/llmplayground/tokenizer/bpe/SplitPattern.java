package org.llmplayground.tokenizer.bpe;

import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The split patterns a trainer can use (from tiktoken's openai_public.py, as in minbpe).
 * <ul>
 *   <li>GPT-2: contractions, optional space + letters, optional space + digits, optional space + punctuation,
 *       whitespace. {@code "I'm  42!"} → {@code ["I", "'m", " ", " 42", "!"]}.</li>
 *   <li>GPT-4 (cl100k): case-insensitive contractions, digits in groups of at most 3, newlines kept apart.
 *       {@code "12345"} → {@code ["123", "45"]}.</li>
 *   <li>NONE: no split; BPE sees the whole text as one sequence (minbpe's BasicTokenizer).</li>
 * </ul>
 */
public enum SplitPattern {
    GPT2("GPT-2", "'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"),
    GPT4("GPT-4 (cl100k)", "'(?i:[sdmt]|ll|ve|re)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+"),
    NONE("None (basic byte-level BPE)", "");

    private final String label;
    private final String regex;

    SplitPattern(String label, String regex) {
        this.label = label;
        this.regex = regex;
    }

    public String label() {
        return label;
    }

    public String regex() {
        return regex;
    }

    /** The splitter for this pattern; GPT-2's is the fast hand-written scanner (same chunks as the regex). */
    public PreTokenizer preTokenizer() {
        return switch (this) {
            case GPT2 -> new Gpt2PreTokenizer();
            case GPT4 -> new RegexPreTokenizer(regex);
            case NONE -> new WholeTextPreTokenizer();
        };
    }

    /** The pattern stored in a saved tokenizer, back to a splitter; unknown patterns are compiled as regexes. */
    public static PreTokenizer forRegex(String regex) {
        return byRegex(regex).map(SplitPattern::preTokenizer).orElseGet(() -> new RegexPreTokenizer(regex));
    }

    public static Optional<SplitPattern> byRegex(String regex) {
        return Arrays.stream(values()).filter(p -> p.regex.equals(regex)).findFirst();
    }

    /** Compiles with full Unicode classes: {@code \s} is Unicode White_Space, as in tiktoken. */
    static Pattern compile(String regex) {
        return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
    }
}
