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
}
