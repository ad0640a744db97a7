package org.llmplayground.tokenizer.ui;

import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextArea;
import org.llmplayground.core.BackgroundExecutor;
import org.llmplayground.core.chart.Chart;
import org.llmplayground.core.chart.ChartOptions;
import org.llmplayground.core.ui.Async;
import org.llmplayground.corpus.PreCleaner;
import org.llmplayground.tokenizer.CostEstimate;
import org.llmplayground.tokenizer.LengthBin;
import org.llmplayground.tokenizer.TokenizerInfo;
import org.llmplayground.tokenizer.TokenizerService;
import org.llmplayground.tokenizer.Tokenization;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The inspector: one tokenizer over the lab's text, shown as chips, ids, counts, cost and a token-length histogram,
 * with optional pre-cleaning (before/after shown). Tokenizing runs off the UI thread; a newer request wins.
 */
class InspectorPanel extends VerticalLayout {
    static final int MAX_CHIPS = 2000;

    private final TokenizerService service;
    private final BackgroundExecutor executor;
    private final Supplier<String> text;

    final TokenizerPicker tokenizer = new TokenizerPicker("inspector-tokenizer");
    private final Checkbox allowSpecial = new Checkbox("Special tokens (<|endoftext|> → one id)", true);
    private final Checkbox preClean = new Checkbox("Pre-clean the text", false);
    private final Checkbox html = new Checkbox("Remove HTML", true);
    private final Checkbox whitespace = new Checkbox("Normalize whitespace", true);
    private final Checkbox nfkc = new Checkbox("Unicode NFKC", true);
    private final Details cleaning = new Details("Text before and after pre-cleaning");
    private final Pre before = new Pre();
    private final Pre after = new Pre();
    private final Span changes = new Span();
    private final Span error = new Span();
    private final Span stats = new Span();
    private final NumberField price = new NumberField("Price per 1K tokens ($)");
    private final Span cost = new Span();
    private final Div chips = new Div();
    private final Span chipsNote = new Span();
    private final TextArea ids = new TextArea("Token ids");
    private final Chart histogram = new Chart();
    private int generation;
    private long lastTokenCount = -1;

    InspectorPanel(TokenizerService service, BackgroundExecutor executor, Supplier<String> text) {
        this.service = service;
        this.executor = executor;
        this.text = text;
        setPadding(false);
        configureControls();
        configureOutput();
    }

    private void configureControls() {
        tokenizer.addValueChangeListener(e -> refresh());
        allowSpecial.addValueChangeListener(e -> refresh());
        preClean.setId("inspector-preclean");
        HorizontalLayout cleanOptions = new HorizontalLayout(html, whitespace, nfkc);
        cleanOptions.setVisible(false);
        preClean.addValueChangeListener(e -> {
            cleanOptions.setVisible(e.getValue());
            cleaning.setVisible(e.getValue());
            refresh();
        });
        html.addValueChangeListener(e -> refresh());
        whitespace.addValueChangeListener(e -> refresh());
        nfkc.addValueChangeListener(e -> refresh());
        HorizontalLayout row = new HorizontalLayout(tokenizer, allowSpecial, preClean, cleanOptions);
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        row.setWrap(true);

        before.addClassName("pg-code");
        after.addClassName("pg-code");
        after.setId("inspector-cleaned");
        changes.setId("inspector-cleaning-changes");
        HorizontalLayout diff = new HorizontalLayout(column("Before", before), column("After", after));
        diff.setWidthFull();
        cleaning.add(changes, diff);
        cleaning.setVisible(false);
        cleaning.setOpened(true);
        cleaning.setWidthFull();
        add(row, cleaning);
    }

    private static VerticalLayout column(String title, Pre pre) {
        VerticalLayout c = new VerticalLayout(new H4(title), pre);
        c.setPadding(false);
        c.setWidth("50%");
        return c;
    }

    private void configureOutput() {
        error.setId("inspector-error");
        error.addClassName("pg-error");
        stats.setId("inspector-stats");
        stats.addClassName("pg-stats");
        price.setId("inspector-price");
        price.setValue(0.50);
        price.setMin(0);
        price.setStep(0.01);
        price.setHelperText("e.g. your model's input price");
        price.addValueChangeListener(e -> showCost());
        cost.setId("inspector-cost");
        HorizontalLayout costRow = new HorizontalLayout(price, cost);
        costRow.setAlignItems(FlexComponent.Alignment.BASELINE);
        chips.setId("inspector-chips");
        chips.addClassName("pg-chips");
        chipsNote.setId("inspector-chips-note");
        ids.setId("inspector-ids");
        ids.setReadOnly(true);
        ids.setWidthFull();
        ids.setMaxHeight("10em");
        histogram.setId("inspector-histogram");
        histogram.setHeight("220px");
        add(error, stats, costRow, chipsNote, chips, ids, new H4("Token lengths (bytes)"), histogram);
    }

    void setTokenizers(List<TokenizerInfo> all) {
        tokenizer.setTokenizers(all);
    }

    void select(String tokenizerId) {
        tokenizer.select(tokenizerId);
    }

    /** Tokenizes the current text again (called on every change of text or option). */
    void refresh() {
        TokenizerInfo chosen = tokenizer.getValue();
        String input = text.get();
        int request = ++generation;
        if (chosen == null) {
            return;
        }
        if (input.isEmpty()) {
            showEmpty();
            return;
        }
        PreCleaner.Options options = preClean.getValue()
                ? new PreCleaner.Options(html.getValue(), nfkc.getValue(), whitespace.getValue()) : PreCleaner.Options.NONE;
        boolean special = allowSpecial.getValue();
        Async.run(this, executor, () -> service.encode(input, chosen.id(), special, options, MAX_CHIPS),
                result -> {
                    if (request == generation) {
                        show(input, result, options.any());
                    }
                },
                message -> {
                    if (request == generation) {
                        showError(message);
                    }
                });
    }

    private void show(String input, Tokenization t, boolean cleaned) {
        error.setText("");
        Tokenization.TokenStats s = t.stats();
        lastTokenCount = s.tokens();
        stats.setText(String.format(Locale.ROOT, "%,d characters · %,d tokens · %.2f characters/token · %.2f bytes/token · vocabulary %,d",
                s.characters(), s.tokens(), s.charsPerToken(), s.bytesPerToken(), t.vocabSize()));
        showCost();
        chips.getElement().setProperty("innerHTML", TokenChips.html(t.tokens()));
        chipsNote.setText(t.tokensTruncated()
                ? String.format("Showing the first %,d of %,d tokens.", t.tokens().size(), t.ids().length) : "");
        ids.setValue(idsText(t.ids()));
        List<LengthBin> bins = t.tokenLengths();
        histogram.setOption(ChartOptions.bars("Token length (bytes)", "Tokens",
                bins.stream().map(b -> String.valueOf(b.bytes())).toList(), bins.stream().map(LengthBin::count).toList()));
        if (cleaned) {
            before.setText(preview(input));
            after.setText(preview(t.cleanedText()));
            changes.setText(t.cleaning().isEmpty() ? "Pre-cleaning changed nothing." : String.join(" · ", t.cleaning()));
        }
    }

    private static String preview(String s) {
        return s.length() > 5000 ? s.substring(0, 5000) + "\n… (" + String.format("%,d", s.length() - 5000) + " more characters)" : s;
    }

    static String idsText(int[] all) {
        int n = Math.min(all.length, MAX_CHIPS);
        String shown = Arrays.stream(all, 0, n).mapToObj(Integer::toString).collect(Collectors.joining(", ", "[", ""));
        return all.length > n ? shown + ", … " + String.format("%,d", all.length - n) + " more]" : shown + "]";
    }

    private void showCost() {
        Double p = price.getValue();
        if (lastTokenCount < 0) {
            cost.setText("");
        } else if (p == null || p < 0) {
            cost.setText("Enter a price of 0 or more.");
        } else {
            CostEstimate c = CostEstimate.of(tokenizer.getValue() == null ? "" : tokenizer.getValue().id(), lastTokenCount, p);
            cost.setText(String.format(Locale.ROOT, "Estimated cost: $%.6f for %,d tokens", c.cost(), c.tokens()));
        }
    }

    private void showEmpty() {
        lastTokenCount = -1;
        error.setText("Type or paste some text above to see its tokens.");
        stats.setText("");
        cost.setText("");
        chips.getElement().setProperty("innerHTML", "");
        chipsNote.setText("");
        ids.setValue("");
    }

    private void showError(String message) {
        showEmpty();
        error.setText(message);
    }
}
