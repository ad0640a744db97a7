package org.llmplayground.data.clean;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Each cleaning stage on crafted examples, with what its report says. */
class CleaningStagesTest {
    static final String PROSE = "The committee met on Tuesday to review the budget for the coming year. Spending on roads rose "
            + "by twelve percent, while the parks department saw a small cut. Members argued about the library, which needs "
            + "a new roof before winter. A final vote is planned for May, after a public hearing in the town hall. "
            + "Residents may send written comments until the end of April.";

    static Document doc(String text) {
        return new Document("d", text);
    }

    @Test
    void normalisationHandlesHtmlUnicodeControlsAndWhitespace() {
        NormalizeStage stage = new NormalizeStage(NormalizeStage.Options.ALL);
        StageReport r = new StageReport("normalize");
        Optional<Document> out = stage.apply(doc("<html><body><h1>Title</h1><p>One&nbsp;line.<br>Two</p>"
                + "<script>var x = 1;</script></body></html>"), r);
        assertThat(out.orElseThrow().text()).isEqualTo("Title\nOne line.\nTwo");
        assertThat(stage.apply(doc("ＡＢＣ ﬁne ①"), r).orElseThrow().text()).isEqualTo("ABC fine 1");
        assertThat(stage.apply(doc("a\u0000b\u200Bc\u0007d\te"), r).orElseThrow().text()).isEqualTo("abcd e");
        assertThat(stage.apply(doc("  many   spaces  \r\n\n\n\nnext  "), r).orElseThrow().text()).isEqualTo("many spaces\n\nnext");
        assertThat(stage.apply(doc(" \u200B\n\n "), r)).isEmpty();
        StageReport.Summary s = r.summary();
        assertThat(s.reasons()).containsKeys("html", "nfkc", "control characters", "whitespace", "empty after normalisation");
        assertThat(s.reasons().get("control characters")).isEqualTo(4L); // 3 in one document, a zero-width space in another
        assertThat(s.examples()).anyMatch(e -> e.reason().equals("nfkc") && e.before().equals("ＡＢＣ ﬁne ①") && e.after().equals("ABC fine 1"));
    }

    @Test
    void qualityRulesRemoveJunkAndKeepProse() {
        QualityFilter q = QualityFilter.gopher();
        assertThat(q.firstFailedRule(PROSE)).isNull();
        assertThat(q.firstFailedRule("Too short to be a document.")).isEqualTo("too few words");
        assertThat(q.firstFailedRule("1 2 3 4 5 6 7 8 9 ".repeat(10))).isEqualTo("mean word length");
        assertThat(q.firstFailedRule("supercalifragilisticexpialidocious ".repeat(60))).isEqualTo("mean word length");
        assertThat(q.firstFailedRule(PROSE + " #tag #news #today #follow #like #share #viral #trend #love #fun #best #top "
                + "#wow #omg #cool #new #hot #fav #daily #photo")).isEqualTo("symbol-to-word ratio");
        assertThat(q.firstFailedRule("12:30 45.6 $78 9% 100 2024 3.14 -7 " .repeat(10) + PROSE.substring(0, 60)))
                .isEqualTo("words without letters");
        assertThat(q.firstFailedRule(("• About our company and its team\n• Contact the people who run it\n").repeat(10))).isEqualTo("bullet lines");
        assertThat(q.firstFailedRule(("Read the full story about the council and the roads here...\n").repeat(3) + PROSE))
                .isEqualTo("lines ending in ellipsis");
        assertThat(q.firstFailedRule(PROSE + "\n" + ("Click here to subscribe to our newsletter today\n").repeat(4)))
                .isEqualTo("duplicate lines");
        assertThat(q.firstFailedRule("buy now ".repeat(40) + PROSE)).isEqualTo("repeated word pairs");
        QualityFilter c4 = new QualityFilter(5, 100_000, 3, 10, 0.1, 0.8, 0.9, 0.3, 0.5, 0.3, 0.2);
        assertThat(c4.firstFailedRule("Menu item one\nMenu item two\nAnother menu item\nThe end.")).isEqualTo("lines without end punctuation");
        StageReport r = new StageReport("quality");
        assertThat(q.apply(doc("tiny"), r)).isEmpty();
        assertThat(r.summary().reasons()).containsEntry("too few words", 1L);
    }

    @Test
    void exactDedupIgnoresCaseWhitespaceAndPunctuation() {
        ExactDedup dedup = new ExactDedup();
        StageReport r = new StageReport("dedup");
        assertThat(dedup.apply(new Document("a", "Hello,  World!"), r)).isPresent();
        assertThat(dedup.apply(new Document("b", "hello world"), r)).isEmpty();
        assertThat(dedup.apply(new Document("c", "HELLO\nWORLD."), r)).isEmpty();
        assertThat(dedup.apply(new Document("d", "Hello, other world!"), r)).isPresent();
        assertThat(dedup.clusters()).isEqualTo(1);
        assertThat(r.summary().reasons()).containsEntry("exact duplicate", 2L);
    }

    @Test
    void thePipelineReportsEachStage() {
        Pipeline p = new Pipeline(List.of(new NormalizeStage(NormalizeStage.Options.ALL), new PiiScrubber("US"), QualityFilter.gopher(),
                new ExactDedup()));
        List<String> kept = java.util.stream.Stream.of("<p>" + PROSE + "</p>", PROSE, "short", PROSE + " Write to jane.doe@example.com.")
                .map(t -> p.apply(doc(t))).flatMap(Optional::stream).map(Document::text).toList();
        assertThat(kept).containsExactly(PROSE, PROSE + " Write to [EMAIL].");
        List<StageReport.Summary> s = p.reports();
        assertThat(s).extracting(StageReport.Summary::stage).containsExactly("normalize", "pii", "quality", "exact dedup");
        assertThat(s.get(0).documentsIn()).isEqualTo(4);
        assertThat(s.get(0).changed()).isEqualTo(1);
        assertThat(s.get(1).changed()).isEqualTo(1);
        assertThat(s.get(2).removed()).isEqualTo(1);
        assertThat(s.get(3).removed()).isEqualTo(1);
        assertThat(s.get(3).documentsOut()).isEqualTo(2);
    }
}
