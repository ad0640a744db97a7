package org.llmplayground.tokenizer.ui;

import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import org.llmplayground.core.BackgroundExecutor;
import org.llmplayground.core.ui.Async;
import org.llmplayground.tokenizer.TokenizerInfo;
import org.llmplayground.tokenizer.TokenizerService;
import org.llmplayground.tokenizer.Tokenization;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/** The same text through 2 to 4 tokenizers, side by side: counts and chips per tokenizer. */
class ComparePanel extends VerticalLayout {
    static final int MAX_CHIPS = 600;
    private static final Set<String> DEFAULTS = Set.of("gpt2", "cl100k_base", "o200k_base");

    private final TokenizerService service;
    private final BackgroundExecutor executor;
    private final Supplier<String> text;
    final MultiSelectComboBox<TokenizerInfo> choice = new MultiSelectComboBox<>("Tokenizers to compare (2 to 4)");
    private final Span error = new Span();
    private final Div columns = new Div();
    private int generation;

    ComparePanel(TokenizerService service, BackgroundExecutor executor, Supplier<String> text) {
        this.service = service;
        this.executor = executor;
        this.text = text;
        setPadding(false);
        choice.setId("compare-tokenizers");
        choice.setItemLabelGenerator(t -> t.name() + " [" + t.id() + "]");
        choice.setWidth("40em");
        choice.addValueChangeListener(e -> refresh());
        error.setId("compare-error");
        error.addClassName("pg-error");
        columns.setId("compare-columns");
        columns.addClassName("pg-compare");
        add(choice, error, columns);
    }

    void setTokenizers(List<TokenizerInfo> all) {
        Set<String> keep = choice.getValue().isEmpty() ? DEFAULTS
                : choice.getValue().stream().map(TokenizerInfo::id).collect(java.util.stream.Collectors.toSet());
        choice.setItems(all);
        choice.setValue(all.stream().filter(t -> keep.contains(t.id())).toList());
    }

    void refresh() {
        Set<TokenizerInfo> chosen = choice.getValue();
        List<String> ids = choice.getListDataView().getItems().filter(chosen::contains).map(TokenizerInfo::id).toList();
        String input = text.get();
        int request = ++generation;
        if (ids.size() < 2 || ids.size() > 4) {
            show(List.of(), "Pick 2 to 4 tokenizers to compare.");
            return;
        }
        Async.run(this, executor, () -> service.compare(input, ids, true, MAX_CHIPS),
                results -> {
                    if (request == generation) {
                        show(results, "");
                    }
                },
                message -> {
                    if (request == generation) {
                        show(List.of(), message);
                    }
                });
    }

    private void show(List<Tokenization> results, String message) {
        error.setText(message);
        columns.removeAll();
        long fewest = results.stream().mapToLong(r -> r.stats().tokens()).min().orElse(0);
        for (Tokenization r : results) {
            Div column = new Div();
            column.addClassName("pg-compare-column");
            column.getElement().setAttribute("data-tokenizer", r.tokenizer());
            Span count = new Span(String.format(Locale.ROOT, "%,d tokens · %.2f chars/token · %.2f bytes/token%s",
                    r.stats().tokens(), r.stats().charsPerToken(), r.stats().bytesPerToken(),
                    r.stats().tokens() == fewest ? " · fewest" : String.format(Locale.ROOT, " · %+.0f%%",
                            100.0 * (r.stats().tokens() - fewest) / Math.max(1, fewest))));
            count.addClassName("pg-stats");
            Div chips = new Div();
            chips.addClassName("pg-chips");
            chips.getElement().setProperty("innerHTML", TokenChips.html(r.tokens()));
            column.add(new H4(r.tokenizer()), count, chips);
            if (r.tokensTruncated()) {
                column.add(new Span(String.format("First %,d tokens shown.", r.tokens().size())));
            }
            columns.add(column);
        }
    }
}
