package org.llmplayground.data.clean;

import org.llmplayground.core.BadInputException;
import opennlp.tools.langdetect.LanguageDetectorME;
import opennlp.tools.langdetect.LanguageDetectorModel;
import opennlp.tools.ml.model.MaxentModel;
import opennlp.tools.util.normalizer.AggregateCharSequenceNormalizer;
import opennlp.tools.util.normalizer.CharSequenceNormalizer;
import opennlp.tools.util.normalizer.EmojiCharSequenceNormalizer;
import opennlp.tools.util.normalizer.NumberCharSequenceNormalizer;
import opennlp.tools.util.normalizer.ShrinkCharSequenceNormalizer;
import opennlp.tools.util.normalizer.TwitterCharSequenceNormalizer;
import opennlp.tools.util.normalizer.UrlCharSequenceNormalizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.List;
import java.util.Set;

/**
 * Language identification with OpenNLP's detector (a character n-gram model of 103 languages, Apache's
 * langdetect-183.bin) and filtering to chosen languages, as ISO 639-3 codes ("eng", "deu", "fra"). The report counts
 * every detected language ("lang eng"), so the distribution is visible even when nothing is filtered; documents whose
 * best guess has a confidence below {@code minConfidence} count as "lang unknown". An empty set keeps every language.
 * <p>
 * Texts too short or too full of symbols to tell are not classified at all: a character n-gram model guesses wildly
 * on a few letters (WikiText's heading "= = Chemistry = =" came out as Mandarin, "= Homarus gammarus =" as Waray, and
 * 12.8 % of English Wikipedia as "Norwegian"). Such a document is kept as "lang too short to tell", for the quality
 * rules to judge; it needs at least {@value #MIN_LETTERS} letters, and letters must be at least half of its
 * non-space characters.
 * The model is read once per JVM (10 MB).
 */
public final class LanguageFilter implements Stage {
    static final int SAMPLE_CHARS = 600;
    /** Fewer letters than this (a heading, a list item, a number table) and the detector is not asked. */
    static final int MIN_LETTERS = 40;
    public static final String TOO_SHORT = "too short to tell";
    private static volatile LanguageDetectorModel model;
    private final Set<String> keep;
    private final double minConfidence;
    private static final CharSequenceNormalizer NORMALIZER = new AggregateCharSequenceNormalizer(EmojiCharSequenceNormalizer.getInstance(),
            UrlCharSequenceNormalizer.getInstance(), TwitterCharSequenceNormalizer.getInstance(), NumberCharSequenceNormalizer.getInstance(),
            ShrinkCharSequenceNormalizer.getInstance()); // what LanguageDetectorFactory uses
    /** The model's maximum-entropy classifier: thread-safe, it only reads its weights. */
    private final MaxentModel maxent;

    public LanguageFilter(Set<String> keep, double minConfidence) {
        this.maxent = model().getMaxentModel();
        // a code the model cannot answer would silently remove every document: refuse it by name
        Set<String> known = new java.util.TreeSet<>();
        for (int i = 0; i < maxent.getNumOutcomes(); i++) {
            known.add(maxent.getOutcome(i));
        }
        List<String> unknown = keep.stream().filter(k -> !known.contains(k)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new BadInputException("Unknown language code" + (unknown.size() == 1 ? " " : "s ") + String.join(", ", unknown)
                    + ": the language filter knows the " + known.size() + " ISO 639-3 codes of OpenNLP's model, e.g. eng, deu, fra, spa, "
                    + "cmn, jpn, rus.");
        }
        this.keep = Set.copyOf(keep);
        this.minConfidence = minConfidence;
    }

    static LanguageDetectorModel model() {
        if (model == null) {
            synchronized (LanguageFilter.class) {
                if (model == null) {
                    try (InputStream in = LanguageFilter.class.getResourceAsStream("/langdetect-183.bin")) {
                        if (in == null) {
                            throw new IllegalStateException("The language model langdetect-183.bin is not on the classpath");
                        }
                        model = new LanguageDetectorModel(in);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
        return model;
    }

    @Override
    public String name() {
        return "language";
    }

    /**
     * The ISO 639-3 code of the text's language, or "unknown" below the confidence threshold. Only the first
     * {@value #SAMPLE_CHARS} characters are read (cut at a space): the detector's cost grows with the length and a
     * paragraph is plenty to tell languages apart; a 1 GB corpus would otherwise spend most of its time here.
     */
    public String detect(String text) {
        if (!tellable(text)) {
            return TOO_SHORT;
        }
        String sample = text;
        if (text.length() > SAMPLE_CHARS) {
            int cut = text.lastIndexOf(' ', SAMPLE_CHARS);
            sample = text.substring(0, cut > SAMPLE_CHARS / 2 ? cut : SAMPLE_CHARS);
        }
        double[] p = maxent.eval(context(sample));
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return p[best] < minConfidence ? "unknown" : maxent.getOutcome(best);
    }

    /** At least {@value #MIN_LETTERS} letters, and letters at least half of the non-space characters. */
    static boolean tellable(String text) {
        int letters = 0;
        int other = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLetter(cp)) {
                letters++;
            } else if (!Character.isWhitespace(cp)) {
                other++;
            }
            if (letters >= MIN_LETTERS && letters >= other && i > SAMPLE_CHARS) {
                return true; // enough seen: a long text is judged by its start, like the detector
            }
        }
        return letters >= MIN_LETTERS && letters >= other;
    }

    /**
     * The detector's features: every distinct 1-, 2- and 3-character sequence of the lower-cased text after
     * OpenNLP's normalisers (URLs, e-mails, emoji, numbers, repeated letters): "Hi!" → {h, i, !, hi, i!, hi!}. The
     * same set {@link LanguageDetectorME} builds (a test compares both), without its slow n-gram model objects:
     * this made the stage four times faster.
     */
    static String[] context(String text) {
        CharSequence normalized = NORMALIZER.normalize(text);
        char[] c = new char[normalized.length()];
        for (int i = 0; i < c.length; i++) {
            c[i] = Character.toLowerCase(normalized.charAt(i));
        }
        java.util.Set<String> grams = new java.util.HashSet<>();
        for (int i = 0; i < c.length; i++) {
            for (int n = 1; n <= 3 && i + n <= c.length; n++) {
                grams.add(new String(c, i, n));
            }
        }
        return grams.toArray(String[]::new);
    }

    @Override
    public Optional<Document> apply(Document d, StageReport report) {
        String lang = detect(d.text());
        if (!keep.isEmpty() && !keep.contains(lang) && !TOO_SHORT.equals(lang)) {
            report.removed(d, "lang " + lang);
            return Optional.empty();
        }
        report.changed(d, d.text(), "lang " + lang, 1);
        return Optional.of(d);
    }
}
