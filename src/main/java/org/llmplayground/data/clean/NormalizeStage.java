package org.llmplayground.data.clean;

import org.jsoup.Jsoup;

import java.text.Normalizer;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Text normalisation, each part optional: HTML → text (jsoup, block elements become line breaks), Unicode NFKC
 * (full-width "ＡＢＣ" → "ABC", the ligature "ﬁ" → "fi", "①" → "1"), control characters removed (everything in Cc
 * except tab and newline, plus zero-width and bidi marks), and whitespace normalised (runs of spaces → one, spaces at
 * line ends dropped, three or more newlines → two). A document that is empty afterwards is removed.
 */
public final class NormalizeStage implements Stage {
    private static final Pattern TAG = Pattern.compile("<(?i)(html|body|p|div|br|span|a|script|style|table|li|h[1-6])\\b");
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}&&[^\\t\\n]]|[\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2064\\uFEFF]");
    private static final Pattern SPACES = Pattern.compile("[\\t\\x0B\\f \\u00A0\\u1680\\u2000-\\u200A\\u202F\\u205F\\u3000]+");
    private static final Pattern LINE_EDGES = Pattern.compile("(?m)^ +| +$");
    private static final Pattern NEWLINES = Pattern.compile("\\n{3,}");

    /** Which parts run. */
    public record Options(boolean html, boolean nfkc, boolean control, boolean whitespace) {
        public static final Options ALL = new Options(true, true, true, true);
    }

    private final Options options;

    public NormalizeStage(Options options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "normalize";
    }

    @Override
    public Optional<Document> apply(Document d, StageReport report) {
        String t = d.text();
        if (options.html() && TAG.matcher(t).find()) {
            String text = html(t);
            report.changed(d, text, "html", 1);
            t = text;
        }
        if (options.nfkc() && !Normalizer.isNormalized(t, Normalizer.Form.NFKC)) {
            String text = Normalizer.normalize(t, Normalizer.Form.NFKC);
            report.changed(d, text, "nfkc", 1);
            t = text;
        }
        if (options.control()) {
            // line ends first: a Windows "\r\n" is a newline, not a control character to drop
            String text = CONTROL.matcher(t.replace("\r\n", "\n").replace('\r', '\n')).replaceAll("");
            long removed = CONTROL.matcher(t.replace("\r\n", "\n").replace('\r', '\n')).results().count();
            if (removed > 0) {
                report.changed(d, text, "control characters", removed);
            }
            t = text;
        }
        if (options.whitespace()) {
            String text = NEWLINES.matcher(LINE_EDGES.matcher(SPACES.matcher(t.replace("\r\n", "\n").replace('\r', '\n'))
                    .replaceAll(" ")).replaceAll("")).replaceAll("\n\n").strip();
            if (!text.equals(t)) {
                report.changed(d, text, "whitespace", 1);
                t = text;
            }
        }
        if (t.isEmpty()) {
            report.removed(d, "empty after normalisation");
            return Optional.empty();
        }
        return Optional.of(d.withText(t));
    }

    /** Visible text with line breaks where blocks end; scripts and styles dropped. */
    static String html(String t) {
        var doc = Jsoup.parse(t);
        doc.select("script, style, noscript").remove();
        doc.select("br").after("\\n");
        doc.select("p, div, li, h1, h2, h3, h4, h5, h6, tr, pre, blockquote").after("\\n\\n");
        doc.outputSettings().prettyPrint(false);
        return doc.text().replace("\\n", "\n");
    }
}
