package org.llmplayground.data.ui;

import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import org.llmplayground.core.chart.Chart;
import org.llmplayground.core.chart.ChartOptions;
import org.llmplayground.data.DataService;
import org.llmplayground.data.DatasetStats;
import org.llmplayground.data.clean.StageReport;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Step 3 of the Data lab: what the pipeline did. A funnel of documents through the stages, a table per stage (what
 * it removed or changed and why, how fast), before/after examples, and the statistics dashboard of the result.
 */
class ResultsPanel extends VerticalLayout {
    final Chart funnel = new Chart();
    final Grid<StageReport.Summary> stages = new Grid<>();
    final VerticalLayout examples = new VerticalLayout();
    final HorizontalLayout numbers = new HorizontalLayout();
    final Chart histogram = new Chart();
    final Chart languages = new Chart();
    final Pre details = new Pre();
    final Span splitText = new Span();

    ResultsPanel() {
        setPadding(false);
        funnel.setId("data-funnel");
        funnel.setHeight("280px");
        funnel.setWidth("min(100%, 640px)");
        stages.setId("data-stage-table");
        stages.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT); // every reason readable, never "…"
        stages.setAllRowsVisible(true);
        stages.addColumn(StageReport.Summary::stage).setHeader("Stage").setAutoWidth(true);
        stages.addColumn(s -> String.format("%,d", s.documentsIn())).setHeader("In").setAutoWidth(true);
        stages.addColumn(s -> String.format("%,d", s.removed())).setHeader("Removed").setAutoWidth(true);
        stages.addColumn(s -> String.format("%,d", s.changed())).setHeader("Changed").setAutoWidth(true);
        stages.addColumn(s -> reasons(s.reasons())).setHeader("Why").setFlexGrow(1);
        stages.addColumn(s -> String.format(Locale.ROOT, "%.1f", s.charsPerSecond() / 1e6)).setHeader("MB/s per core").setAutoWidth(true);
        examples.setId("data-examples");
        examples.setPadding(false);
        numbers.setId("data-numbers");
        numbers.setWrap(true);
        histogram.setId("data-histogram");
        histogram.setHeight("260px");
        histogram.setWidth("min(100%, 640px)");
        languages.setId("data-languages-chart");
        languages.setHeight("260px");
        languages.setWidth("min(100%, 420px)");
        details.setId("data-stats-details");
        splitText.setId("data-split-result");
        HorizontalLayout charts = new HorizontalLayout(histogram, languages);
        charts.setWidthFull();
        charts.setWrap(true);
        add(new H3("Documents through the stages"), funnel, stages, new H3("Examples: before → after"), examples,
                new H3("Dataset statistics"), numbers, charts, details, splitText);
        setVisible(false);
    }

    private static String reasons(Map<String, Long> r) {
        return r.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> e.getKey() + " " + String.format("%,d", e.getValue())).collect(Collectors.joining(" · "));
    }

    /** The statistics of a source as it is, before any cleaning: only the dashboard. */
    void showMeasured(DatasetStats.Snapshot s) {
        setVisible(true);
        pipelineParts(false);
        splitText.setText("");
        showStats(s, new org.llmplayground.data.DatasetFiles.ReadStats(s.documents(), 0, List.of()));
    }

    private void pipelineParts(boolean visible) {
        funnel.setVisible(visible);
        stages.setVisible(visible);
        examples.setVisible(visible);
        getChildren().filter(c -> c instanceof H3 h && !h.getText().equals("Dataset statistics")).forEach(c -> c.setVisible(visible));
    }

    void show(DataService.CleanResult r) {
        setVisible(true);
        pipelineParts(true);
        Map<String, Long> steps = new LinkedHashMap<>();
        steps.put("read", r.documentsIn());
        for (StageReport.Summary s : r.stages()) {
            steps.put(s.stage(), s.documentsOut());
        }
        funnel.setOption(ChartOptions.funnel(steps));
        stages.setItems(r.stages());
        stages.recalculateColumnWidths();
        showExamples(r.stages());
        showStats(r.stats(), r.read());
    }

    private void showExamples(List<StageReport.Summary> summaries) {
        examples.removeAll();
        for (StageReport.Summary s : summaries) {
            if (s.examples().isEmpty() || s.stage().equals("language") && s.removed() == 0) {
                continue;
            }
            VerticalLayout body = new VerticalLayout();
            body.setPadding(false);
            for (StageReport.Example e : s.examples()) {
                if (e.after().equals(e.before())) {
                    continue; // detected only (a kept language): nothing to show
                }
                Div pair = new Div();
                pair.addClassName("data-example");
                Pre before = new Pre(e.before());
                before.addClassName("data-before");
                Span head = new Span(e.reason() + " · " + e.documentId() + (e.note() == null || e.note().isEmpty() ? "" : " · " + e.note()));
                head.addClassName("data-example-head");
                if (e.after().isEmpty()) {
                    pair.add(head, before, new Span("→ removed"));
                } else {
                    Pre after = new Pre(e.after());
                    after.addClassName("data-after");
                    pair.add(head, before, new Span("→"), after);
                }
                body.add(pair);
            }
            Details d = new Details(s.stage() + ": " + String.format("%,d removed, %,d changed", s.removed(), s.changed()), body);
            examples.add(d);
        }
    }

    private void showStats(DatasetStats.Snapshot s, org.llmplayground.data.DatasetFiles.ReadStats read) {
        numbers.removeAll();
        numbers.add(stat("documents", s.documents()), stat("characters", s.characters()), stat("words", s.words()));
        if (s.tokens() != null) {
            numbers.add(stat("tokens (" + s.tokenizer() + ")", s.tokens()));
        }
        numbers.add(stat((s.vocabularyAtLeast() ? "≥ " : "") + "vocabulary", s.vocabulary()), statText("mean words/doc",
                String.format(Locale.ROOT, "%.1f", s.meanWords())));
        histogram.setOption(ChartOptions.bars("words per document", "documents",
                s.lengthHistogram().stream().map(b -> b.from() == b.to() ? "" + b.from() : b.from() + "–" + b.to()).toList(),
                s.lengthHistogram().stream().map(DatasetStats.Bin::documents).toList()));
        languages.setOption(ChartOptions.pie(topLanguages(s.languages())));
        StringBuilder b = new StringBuilder("Words per document: ");
        b.append(s.percentiles().entrySet().stream().map(e -> e.getKey() + " " + String.format("%,d", e.getValue())).collect(Collectors.joining(", ")));
        b.append(s.languagesSampled() ? "\nLanguages (first 2,000 documents)" : "\nLanguages detected at the language stage (its input)")
                .append(": ")
                .append(s.languages().entrySet().stream().map(e -> e.getKey() + " " + String.format("%,d", e.getValue())).collect(Collectors.joining(", ")));
        DatasetStats.Duplicates d = s.duplicates();
        b.append(String.format("%nDuplicates removed: %,d exact (in %,d groups), %,d near (in %,d clusters)", d.exactRemoved(), d.exactClusters(),
                d.nearRemoved(), d.nearClusters()));
        d.largestClusters().stream().limit(5).forEach(c -> b.append("\n  largest: ").append(c));
        b.append("\nMost frequent words: ").append(s.topWords().stream().map(w -> w.word() + " " + String.format("%,d", w.count()))
                .collect(Collectors.joining(", ")));
        if (read.skipped() > 0) {
            b.append(String.format("%nSkipped while reading: %,d (%s)", read.skipped(), String.join("; ", read.problems())));
        }
        details.setText(b.toString());
    }

    /** The six most frequent languages and "other" for the rest: a pie of 30 slivers says nothing. */
    static Map<String, Long> topLanguages(Map<String, Long> all) {
        Map<String, Long> top = new LinkedHashMap<>();
        all.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(6)
                .forEach(e -> top.put(e.getKey(), e.getValue()));
        long rest = all.values().stream().mapToLong(Long::longValue).sum() - top.values().stream().mapToLong(Long::longValue).sum();
        if (rest > 0) {
            top.put("other", rest);
        }
        return top;
    }

    void showSplit(DataService.SplitResult split) {
        splitText.setText("Split: " + split.parts().stream().map(p -> String.format("%s %,d documents%s", p.part(), p.documents(),
                p.tokens() == null ? "" : String.format(" / %,d tokens", p.tokens()))).collect(Collectors.joining(" · "))
                + (split.tokenizer() == null ? "" : " — tokenized with " + split.tokenizer() + " into the trainer's token files."));
    }

    private static Div stat(String label, long value) {
        return statText(label, String.format("%,d", value));
    }

    private static Div statText(String label, String value) {
        Div d = new Div(new Span(value), new Span(label));
        d.addClassName("data-stat");
        return d;
    }
}
