package org.llmplayground.data.clean;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class LanguageFilterTest {
    static final String EN = "The committee met on Tuesday to review the budget for the coming year, and members argued about the library.";
    static final String DE = "Der Ausschuss traf sich am Dienstag, um den Haushalt für das kommende Jahr zu prüfen, und stritt über die Bibliothek.";
    static final String FR = "Le comité s'est réuni mardi pour examiner le budget de l'année prochaine, et les membres ont débattu de la bibliothèque.";
    static final String ES = "El comité se reunió el martes para revisar el presupuesto del próximo año, y los miembros discutieron sobre la biblioteca.";

    @Test
    void detectsLanguagesAndKeepsTheChosenOnes() {
        LanguageFilter f = new LanguageFilter(Set.of("eng"), 0.0);
        assertThat(f.detect(EN)).isEqualTo("eng");
        assertThat(f.detect(DE)).isEqualTo("deu");
        assertThat(f.detect(FR)).isEqualTo("fra");
        assertThat(f.detect(ES)).isEqualTo("spa");
        StageReport r = new StageReport("language");
        assertThat(f.apply(new Document("en", EN), r)).isPresent();
        assertThat(f.apply(new Document("de", DE), r)).isEmpty();
        assertThat(f.apply(new Document("fr", FR), r)).isEmpty();
        assertThat(r.summary().reasons()).containsEntry("lang eng", 1L).containsEntry("lang deu", 1L).containsEntry("lang fra", 1L);
        assertThat(r.summary().removed()).isEqualTo(2);
    }

    /** The fast feature set must be OpenNLP's own: same language and the same probabilities, on many texts. */
    @Test
    void fastContextMatchesOpenNlpsDetector() {
        opennlp.tools.langdetect.LanguageDetectorME reference = new opennlp.tools.langdetect.LanguageDetectorME(LanguageFilter.model());
        opennlp.tools.ml.model.MaxentModel maxent = LanguageFilter.model().getMaxentModel();
        String wiki = org.llmplayground.core.Resources.text("bundled/data/wikitext-2/valid.txt");
        java.util.List<String> texts = new java.util.ArrayList<>(java.util.List.of(EN, DE, FR, ES, "Hi!", "", "Visit https://example.org or mail a@b.cc :-) 12345",
                "ÉCOLE Straße ΑΘΗΝΑ Москва 東京", "soooooo goooood!!!"));
        for (int i = 0; i < 40; i++) {
            int at = i * 25_000;
            texts.add(wiki.substring(at, at + 300 + i * 10));
        }
        for (String t : texts) {
            opennlp.tools.langdetect.Language expected = reference.predictLanguage(t);
            double[] p = maxent.eval(LanguageFilter.context(t));
            int best = 0;
            for (int i = 1; i < p.length; i++) {
                best = p[i] > p[best] ? i : best;
            }
            assertThat(maxent.getOutcome(best)).as(t).isEqualTo(expected.getLang());
            assertThat(p[best]).as(t).isCloseTo(expected.getConfidence(), org.assertj.core.api.Assertions.within(1e-12));
        }
    }

    /**
     * Headings and symbol-heavy lines are not classified: before this, WikiText's "= = Chemistry = =" came out as
     * cmn and "= Homarus gammarus =" as war, and were removed from an English corpus as foreign.
     */
    @Test
    void tooShortOrSymbolHeavyTextsAreNotClassifiedAndAreKept() {
        LanguageFilter f = new LanguageFilter(java.util.Set.of("eng"), 0);
        for (String t : java.util.List.of("= = Chemistry = =", "= Homarus gammarus =", " = = = Early life and career = = = ",
                "| 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16 | 17 | 18 | 19 | 20 | 21 | 22 | 23 | abc |")) {
            assertThat(f.detect(t)).as(t).isEqualTo(LanguageFilter.TOO_SHORT);
            StageReport r = new StageReport("language");
            assertThat(f.apply(new Document("h", t), r)).as(t).isPresent();
            assertThat(r.summary().reasons()).containsEntry("lang too short to tell", 1L);
        }
        // a real sentence is long enough, in any language
        assertThat(f.detect("The lobster is a species of clawed lobster from the eastern Atlantic Ocean.")).isEqualTo("eng");
        assertThat(f.detect("Der Hummer ist eine Art der Hummer aus dem östlichen Atlantik und dem Mittelmeer.")).isEqualTo("deu");
    }
}
