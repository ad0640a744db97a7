package org.llmplayground.tokenizer.bpe;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Splits with a regular expression: every match is a chunk (like {@code re.findall} in minbpe). */
public final class RegexPreTokenizer implements PreTokenizer {
    private final String regex;
    private final Pattern pattern;

    public RegexPreTokenizer(String regex) {
        this.regex = regex;
        try {
            this.pattern = SplitPattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("Invalid split pattern: " + e.getDescription(), e);
        }
    }

    @Override
    public void split(String text, int from, int to, ChunkSink sink) {
        Matcher m = pattern.matcher(text).region(from, to);
        // the GPT patterns match every character somewhere; a custom pattern may skip some, and those are
        // reported as chunks of their own so that encode/decode still round-trip
        int covered = from;
        while (m.find()) {
            if (m.end() == m.start()) {
                continue;
            }
            if (m.start() > covered) {
                sink.chunk(covered, m.start());
            }
            sink.chunk(m.start(), m.end());
            covered = m.end();
        }
        if (covered < to) {
            sink.chunk(covered, to);
        }
    }

    @Override
    public String pattern() {
        return regex;
    }
}
