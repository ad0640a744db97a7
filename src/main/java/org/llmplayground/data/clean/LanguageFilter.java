package org.llmplayground.data.clean;

import opennlp.tools.langdetect.Language;
import opennlp.tools.langdetect.LanguageDetectorME;
import opennlp.tools.langdetect.LanguageDetectorModel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Set;

/**
 * Language identification with OpenNLP's detector (a character n-gram model of 103 languages, Apache's
 * langdetect-183.bin) and filtering to chosen languages, as ISO 639-3 codes ("eng", "deu", "fra"). The report counts
 * every detected language ("lang eng"), so the distribution is visible even when nothing is filtered; documents whose
 * best guess has a confidence below {@code minConfidence} count as "lang unknown". An empty set keeps every language.
 * The model is read once per JVM (10 MB).
 */
public final class LanguageFilter implements Stage {
    private static volatile LanguageDetectorModel model;
    private final Set<String> keep;
    private final double minConfidence;
    private final LanguageDetectorME detector;

    public LanguageFilter(Set<String> keep, double minConfidence) {
        this.keep = Set.copyOf(keep);
        this.minConfidence = minConfidence;
        this.detector = new LanguageDetectorME(model());
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

    /** The ISO 639-3 code of the text's language, or "unknown" below the confidence threshold. */
    public synchronized String detect(String text) {
        Language best = detector.predictLanguage(text.length() > 5000 ? text.substring(0, 5000) : text);
        return best.getConfidence() < minConfidence ? "unknown" : best.getLang();
    }

    @Override
    public Optional<Document> apply(Document d, StageReport report) {
        String lang = detect(d.text());
        if (!keep.isEmpty() && !keep.contains(lang)) {
            report.removed(d, "lang " + lang);
            return Optional.empty();
        }
        report.changed(d, d.text(), "lang " + lang, 1);
        return Optional.of(d);
    }
}
