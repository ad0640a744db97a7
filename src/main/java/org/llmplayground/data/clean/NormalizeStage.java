package org.llmplayground.data.clean;

import org.llmplayground.corpus.PreCleaner;

import java.text.Normalizer;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Text normalisation, each part optional: HTML → text, Unicode NFKC (full-width "ＡＢＣ" → "ABC", the ligature "ﬁ" →
 * "fi", "①" → "1"), control characters removed (everything in Cc except tab and newline, plus zero-width and bidi
 * marks), and whitespace normalised. HTML and whitespace are the Tokenizer lab's {@link PreCleaner} steps; this stage
 * adds control characters and reports each part with examples. A document that is empty afterwards is removed.
 */
public final class NormalizeStage implements Stage {
    private static final Pattern TAG = Pattern.compile("<(?i)(html|body|p|div|br|span|a|script|style|table|li|h[1-6])\\b");
    /** Whether the text has a character {@link #CONTROL} would remove (or a \r): a scan, so clean text skips the regex. */
    private static boolean hasControl(String t) {
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F || (c >= 0x80 && c <= 0x9F) || (c >= '\u200B' && c <= '\u200F')
                    || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2060' && c <= '\u2064') || c == '\uFEFF') {
                return true;
            }
        }
        return false;
    }

    private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}&&[^\\t\\n]]|[\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2064\\uFEFF]");

    /** Which parts run. */
    @io.micronaut.serde.annotation.Serdeable
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
        if (options.html() && t.indexOf('<') >= 0 && TAG.matcher(t).find()) {
            String text = PreCleaner.stripHtml(t);
            report.changed(d, text, "html", 1);
            t = text;
        }
        if (options.nfkc() && !Normalizer.isNormalized(t, Normalizer.Form.NFKC)) {
            String text = Normalizer.normalize(t, Normalizer.Form.NFKC);
            report.changed(d, text, "nfkc", 1);
            t = text;
        }
        if (options.control() && hasControl(t)) {
            // line ends first: a Windows "\r\n" is a newline, not a control character to drop
            String text = CONTROL.matcher(t.replace("\r\n", "\n").replace('\r', '\n')).replaceAll("");
            long removed = CONTROL.matcher(t.replace("\r\n", "\n").replace('\r', '\n')).results().count();
            if (removed > 0) {
                report.changed(d, text, "control characters", removed);
            }
            t = text;
        }
        if (options.whitespace()) {
            String text = PreCleaner.normalizeWhitespace(t);
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

}
