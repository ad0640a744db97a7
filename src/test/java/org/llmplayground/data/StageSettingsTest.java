package org.llmplayground.data;

import org.junit.jupiter.api.Test;
import org.llmplayground.core.BadInputException;
import org.llmplayground.data.clean.NormalizeStage;
import org.llmplayground.data.clean.QualityFilter;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Enumerated stage settings are checked against what the libraries support before a job starts. */
class StageSettingsTest {
    static DataService.Stages with(Set<String> languages, String region) {
        return new DataService.Stages(NormalizeStage.Options.ALL, languages, 0, region, QualityFilter.gopher(), true, DataService.NearDedupSettings.DEFAULTS);
    }

    @Test
    void aLanguageCodeTheModelDoesNotKnowIsRefusedByName() {
        // "xx-nope" was accepted, removed every document, then failed
        assertThatThrownBy(() -> DataService.stages(with(Set.of("eng", "xx-nope", "en"), "US"))).isInstanceOf(BadInputException.class)
                .hasMessage("Unknown language codes en, xx-nope: the language filter knows the 103 ISO 639-3 codes of OpenNLP's model, "
                        + "e.g. eng, deu, fra, spa, cmn, jpn, rus.");
    }

    @Test
    void aPhoneRegionLibphonenumberDoesNotKnowIsRefused() {
        assertThatThrownBy(() -> DataService.stages(with(Set.of("eng"), "XX"))).isInstanceOf(BadInputException.class)
                .hasMessage("The phone region must be a two-letter country code that libphonenumber knows, such as US or DE (got 'XX').");
    }
}
