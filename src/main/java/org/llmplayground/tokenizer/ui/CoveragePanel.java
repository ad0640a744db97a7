package org.llmplayground.tokenizer.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import org.llmplayground.core.BackgroundExecutor;
import org.llmplayground.core.chart.Chart;
import org.llmplayground.core.chart.ChartOptions;
import org.llmplayground.core.ui.Async;
import org.llmplayground.corpus.CorpusInfo;
import org.llmplayground.corpus.CorpusStore;
import org.llmplayground.tokenizer.CoverageReport;
import org.llmplayground.tokenizer.LengthBin;
import org.llmplayground.tokenizer.TokenizerInfo;
import org.llmplayground.tokenizer.TokenizerService;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/** Coverage: how a tokenizer fits a corpus (token count, compression, vocabulary use, top tokens, token lengths). */
class CoveragePanel extends VerticalLayout {
    private static final CorpusInfo LAB_TEXT = new CorpusInfo("", "The text above", false, 0, "");

    private final TokenizerService service;
    private final CorpusStore corpora;
    private final BackgroundExecutor executor;
    private final Supplier<String> text;
    final TokenizerPicker tokenizer = new TokenizerPicker("coverage-tokenizer");
    private final ComboBox<CorpusInfo> corpus = new ComboBox<>("Corpus");
    private final Button run = new Button("Measure");
    private final ProgressBar busy = new ProgressBar();
    private final Span error = new Span();
    private final Span stats = new Span();
    private final Grid<CoverageReport.TokenCount> top = new Grid<>();
    private final Chart lengths = new Chart();

    CoveragePanel(TokenizerService service, CorpusStore corpora, BackgroundExecutor executor, Supplier<String> text) {
        this.service = service;
        this.corpora = corpora;
        this.executor = executor;
        this.text = text;
        setPadding(false);
        corpus.setId("coverage-corpus");
        corpus.setItemLabelGenerator(CorpusInfo::name);
        corpus.setWidth("22em");
        run.setId("coverage-run");
        run.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        run.addClickListener(e -> measure());
        busy.setIndeterminate(true);
        busy.setVisible(false);
        error.setId("coverage-error");
        error.addClassName("pg-error");
        stats.setId("coverage-stats");
        stats.addClassName("pg-stats");
        top.setId("coverage-top");
        top.addColumn(t -> "'" + TokenChips.shown(new org.llmplayground.tokenizer.Tokenization.TokenView(t.id(), t.text(), "", 0, 0, 0, false)) + "'")
                .setHeader("Token");
        top.addColumn(CoverageReport.TokenCount::id).setHeader("Id").setAutoWidth(true);
        top.addColumn(t -> String.format("%,d", t.count())).setHeader("Count").setAutoWidth(true);
        top.addColumn(t -> String.format(Locale.ROOT, "%.2f%%", t.share() * 100)).setHeader("Share").setAutoWidth(true);
        top.addThemeVariants(GridVariant.LUMO_COMPACT);
        top.setAllRowsVisible(true);
        lengths.setId("coverage-histogram");
        lengths.setHeight("240px");
        HorizontalLayout controls = new HorizontalLayout(tokenizer, corpus, run);
        controls.setAlignItems(FlexComponent.Alignment.BASELINE);
        add(controls, busy, error, stats, new H4("Most frequent tokens"), top, new H4("Token lengths (bytes)"), lengths);
    }

    void setTokenizers(List<TokenizerInfo> all) {
        tokenizer.setTokenizers(all);
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        List<CorpusInfo> options = new ArrayList<>(corpora.list());
        options.add(LAB_TEXT);
        CorpusInfo current = corpus.getValue();
        corpus.setItems(options);
        corpus.setValue(current != null && options.contains(current) ? current : options.get(0));
    }

    private void measure() {
        if (tokenizer.getValue() == null || corpus.getValue() == null) {
            error.setText("Choose a tokenizer and a corpus.");
            return;
        }
        String tokenizerId = tokenizer.getValue().id();
        String corpusId = corpus.getValue() == LAB_TEXT ? null : corpus.getValue().id();
        String input = text.get();
        run.setEnabled(false);
        busy.setVisible(true);
        error.setText("");
        Async.run(this, executor, () -> service.coverage(corpusId, input, tokenizerId, 25), this::show, message -> {
            error.setText(message);
            done();
        });
    }

    private void show(CoverageReport r) {
        done();
        stats.setText(String.format(Locale.ROOT, "%s on %s: %,d tokens for %,d characters (%,d bytes) · compression %.2f bytes/token · "
                        + "%.2f characters/token · %,d of %,d vocabulary entries used (%.1f%%)", r.tokenizer(), r.corpus(),
                r.stats().tokens(), r.stats().characters(), r.stats().bytes(), r.stats().bytesPerToken(), r.stats().charsPerToken(),
                r.distinctTokens(), r.vocabSize(), r.vocabularyUsed() * 100));
        top.setItems(r.topTokens());
        lengths.setOption(ChartOptions.bars("Token length (bytes)", "Tokens",
                r.tokenLengths().stream().map(b -> String.valueOf(b.bytes())).toList(), r.tokenLengths().stream().map(LengthBin::count).toList()));
    }

    private void done() {
        run.setEnabled(true);
        busy.setVisible(false);
    }
}
