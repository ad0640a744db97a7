package org.llmplayground.corpus;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Light cleaning before tokenization, each step optional:
 * <ul>
 *   <li>HTML removal (jsoup): {@code "<p>Hi <b>there</b></p>"} → {@code "Hi there"}; scripts and styles are dropped,
 *       entities decoded ({@code &amp;} → {@code &});</li>
 *   <li>Unicode NFKC: compatibility forms fold into one spelling: {@code "ﬁ"} → {@code "fi"}, {@code "Ｈｉ"} →
 *       {@code "Hi"}, {@code "e\u0301"} → {@code "é"};</li>
 *   <li>whitespace: runs of spaces/tabs become one space, lines are trimmed, three or more newlines become two,
 *       {@code \r\n} becomes {@code \n}.</li>
 * </ul>
 * Order: HTML first (tags hide whitespace), then NFKC (it can create spaces, e.g. from U+00A0), then whitespace.
 */
public final class PreCleaner {

    /** Which steps to run. */
    public record Options(boolean html, boolean nfkc, boolean whitespace) {
        public static final Options ALL = new Options(true, true, true);
        public static final Options NONE = new Options(false, false, false);

        public boolean any() {
            return html || nfkc || whitespace;
        }
    }

    /** The cleaned text, and one line per step that changed something (e.g. "HTML removal: 1,204 → 987 characters"). */
    public record Result(String text, List<String> changes) {
    }

    public Result clean(String text, Options options) {
        List<String> changes = new ArrayList<>();
        String s = text;
        if (options.html()) {
            s = step("HTML removal", s, stripHtml(s), changes);
        }
        if (options.nfkc()) {
            s = step("Unicode NFKC", s, Normalizer.normalize(s, Normalizer.Form.NFKC), changes);
        }
        if (options.whitespace()) {
            s = step("Whitespace normalization", s, normalizeWhitespace(s), changes);
        }
        return new Result(s, List.copyOf(changes));
    }

    /** Visible text of HTML, a line break after each block element; text without markup comes back unchanged. */
    public static String stripHtml(String s) {
        if (s.indexOf('<') < 0 && s.indexOf('&') < 0) {
            return s; // nothing that looks like markup
        }
        Document doc = Jsoup.parseBodyFragment(s);
        doc.select("script, style, noscript, template").remove();
        doc.select("p, div, li, h1, h2, h3, h4, h5, h6, tr, pre, blockquote").after("\n");
        return doc.body().wholeText();
    }

    /**
     * Spaces and tabs collapsed, lines trimmed, at most one blank line in a row, {@code \r\n} → {@code \n}. One pass
     * over the characters (it runs on every document of a corpus): " a \t b \n\n\n\nc " → "a b\n\nc".
     */
    public static String normalizeWhitespace(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean space = false;   // a space is pending: written only if the line goes on
        int newlines = 0;        // newlines pending: at most two are written
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n') {
                if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                    i++;
                }
                newlines++;
                space = false; // trailing spaces of a line are dropped
            } else if (isSpace(c)) {
                space = true;
            } else {
                if (newlines > 0) {
                    if (!b.isEmpty()) {
                        b.append(newlines >= 2 ? "\n\n" : "\n");
                    }
                    newlines = 0;
                    space = false; // leading spaces of a line are dropped
                }
                if (space && !b.isEmpty()) {
                    b.append(' ');
                }
                space = false;
                b.append(c);
            }
        }
        String t = b.length() == s.length() && b.toString().equals(s) ? s : b.toString();
        return t.strip();
    }

    /** The characters SPACE_RUNS collapses: tab, vertical tab, form feed, space and the Unicode spaces. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\u000B' || c == '\f' || c == '\u00A0' || (c >= '\u2000' && c <= '\u200A')
                || c == '\u202F' || c == '\u205F' || c == '\u3000';
    }

    private static String step(String name, String before, String after, List<String> changes) {
        if (!after.equals(before)) {
            changes.add(String.format("%s: %,d → %,d characters", name, before.length(), after.length()));
        }
        return after;
    }
}
