package org.llmplayground.data.ui;

import static org.llmplayground.core.ui.Layouts.row;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextField;
import org.llmplayground.core.BadInputException;
import org.llmplayground.data.DataService;
import org.llmplayground.data.clean.NormalizeStage;
import org.llmplayground.data.clean.QualityFilter;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Step 2 of the Data lab: the cleaning stages, in the order they run, each with its settings visible and editable
 * (the Gopher quality thresholds, the MinHash/LSH parameters with the candidate probability they give), then the
 * optional train/val/test split with the tokenizer that writes the trainer's token files.
 */
class StagesPanel extends VerticalLayout {
    final Checkbox normalize = new Checkbox("1. Normalize: HTML → text, Unicode NFKC, control characters, whitespace", true);
    final Checkbox language = new Checkbox("2. Language: detect (OpenNLP, 103 languages) and keep", true);
    final TextField languages = new TextField("Keep languages (ISO 639-3, empty = all)");
    final NumberField minConfidence = new NumberField("Min confidence");
    final Checkbox pii = new Checkbox("3. PII: e-mails, phone numbers, card numbers, IP addresses, SSNs → [TYPE] tags", true);
    final TextField region = new TextField("Phone region");
    final Checkbox quality = new Checkbox("4. Quality rules (Gopher)", true);
    final IntegerField minWords = new IntegerField("Min words");
    final IntegerField maxWords = new IntegerField("Max words");
    final NumberField minMeanWord = new NumberField("Min mean word length");
    final NumberField maxMeanWord = new NumberField("Max mean word length");
    final NumberField maxSymbols = new NumberField("Max symbols per word");
    final NumberField minAlpha = new NumberField("Min share of words with a letter");
    final NumberField maxBullets = new NumberField("Max share of bullet lines");
    final NumberField maxEllipsis = new NumberField("Max share of lines ending in …");
    final NumberField minPunctuated = new NumberField("Min share of lines ending in . ! ?");
    final NumberField maxDupLines = new NumberField("Max share of repeated lines");
    final NumberField maxTopBigram = new NumberField("Max share of the top word pair");
    final Checkbox exact = new Checkbox("5. Exact dedup (hash of the normalised text)", true);
    final Checkbox near = new Checkbox("6. Near dedup (MinHash + LSH, Lucene)", true);
    final IntegerField shingle = new IntegerField("Shingle words");
    final IntegerField bands = new IntegerField("Bands");
    final IntegerField rows = new IntegerField("Rows per band");
    final NumberField threshold = new NumberField("Jaccard threshold");
    final Span lshCurve = new Span();
    final Checkbox split = new Checkbox("Then split into train / val / test and tokenize", true);
    final NumberField train = new NumberField("Train");
    final NumberField val = new NumberField("Val");
    final NumberField test = new NumberField("Test");
    final IntegerField seed = new IntegerField("Seed");
    final ComboBox<String> tokenizer = new ComboBox<>("Tokenizer");

    StagesPanel(List<String> tokenizers) {
        setPadding(false);
        setSpacing(false);
        languages.setValue("eng");
        languages.setId("data-languages");
        minConfidence.setValue(0.0);
        region.setValue("US");
        region.setWidth("9em");
        languages.setWidth("20em");
        normalize.setId("data-stage-normalize");
        language.setId("data-stage-language");
        pii.setId("data-stage-pii");
        quality.setId("data-stage-quality");
        exact.setId("data-stage-exact");
        near.setId("data-stage-near");
        split.setId("data-split");
        minWords.setId("data-min-words");
        threshold.setId("data-threshold");
        tokenizer.setId("data-tokenizer");
        tokenizer.setItems(tokenizers);
        tokenizer.setValue(tokenizers.contains("gpt2") ? "gpt2" : tokenizers.get(0));
        Button gopher = new Button("Gopher defaults", e -> setQuality(QualityFilter.gopher()));
        setQuality(QualityFilter.gopher());
        DataService.NearDedupSettings n = DataService.NearDedupSettings.DEFAULTS;
        shingle.setValue(n.shingleWords());
        bands.setValue(n.bands());
        rows.setValue(n.rows());
        threshold.setValue(n.threshold());
        threshold.setStep(0.05);
        for (var f : List.of(bands, rows)) {
            f.addValueChangeListener(e -> updateCurve());
        }
        updateCurve();
        train.setValue(0.9);
        val.setValue(0.05);
        test.setValue(0.05);
        seed.setValue(1337);
        FormLayout rules = new FormLayout(minWords, maxWords, minMeanWord, maxMeanWord, maxSymbols, minAlpha, maxBullets, maxEllipsis,
                minPunctuated, maxDupLines, maxTopBigram, gopher);
        rules.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 2), new FormLayout.ResponsiveStep("40em", 4));
        add(normalize, language, indent(row(languages, minConfidence)), pii, indent(row(region)), quality, indent(rules),
                exact, near, indent(row(shingle, bands, rows, threshold)), indent(lshCurve), split, indent(row(train, val, test, seed, tokenizer)));
        bindVisibility();
    }


    private static Component indent(Component c) {
        VerticalLayout v = new VerticalLayout(c);
        v.setPadding(false);
        v.getStyle().set("padding-left", "2em");
        return v;
    }

    private void bindVisibility() {
        language.addValueChangeListener(e -> languages.getParent().ifPresent(p -> p.setVisible(e.getValue())));
        pii.addValueChangeListener(e -> region.getParent().ifPresent(p -> p.setVisible(e.getValue())));
        near.addValueChangeListener(e -> shingle.getParent().ifPresent(p -> p.setVisible(e.getValue())));
        split.addValueChangeListener(e -> train.getParent().ifPresent(p -> p.setVisible(e.getValue())));
    }

    /**
     * The chance that a pair with Jaccard similarity J shares at least one band: 1 − (1 − J^r)^b, shown for a few J
     * so the learner sees the S-curve move when bands and rows change.
     */
    private void updateCurve() {
        int b = bands.getValue() == null ? 1 : Math.max(1, bands.getValue());
        int r = rows.getValue() == null ? 1 : Math.max(1, rows.getValue());
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "Signature: %d × %d = %d MinHash values. P(candidate | J):", b, r, b * r));
        for (double j : new double[]{0.1, 0.2, 0.35, 0.5, 0.7}) {
            s.append(String.format(Locale.ROOT, "  J=%.2f → %.1f %%", j, 100 * (1 - Math.pow(1 - Math.pow(j, r), b))));
        }
        lshCurve.setText(s.toString());
        lshCurve.setId("data-lsh-curve");
    }

    private void setQuality(QualityFilter q) {
        minWords.setValue(q.minWords());
        maxWords.setValue(q.maxWords());
        minMeanWord.setValue(q.minMeanWordLength());
        maxMeanWord.setValue(q.maxMeanWordLength());
        maxSymbols.setValue(q.maxSymbolWordRatio());
        minAlpha.setValue(q.minAlphaWordFraction());
        maxBullets.setValue(q.maxBulletLineFraction());
        maxEllipsis.setValue(q.maxEllipsisLineFraction());
        minPunctuated.setValue(q.minPunctuatedLineFraction());
        maxDupLines.setValue(q.maxDuplicateLineFraction());
        maxTopBigram.setValue(q.maxTopBigramFraction());
    }

    /** The stages as the form describes them; an empty field is named in the message. */
    DataService.Stages stages() {
        Set<String> langs = language.getValue() ? new LinkedHashSet<>(Arrays.stream(languages.getValue().split("[,\\s]+"))
                .map(String::strip).filter(s -> !s.isEmpty()).map(s -> s.toLowerCase(Locale.ROOT)).toList()) : null;
        QualityFilter q = quality.getValue() ? new QualityFilter(i(minWords), i(maxWords), d(minMeanWord), d(maxMeanWord), d(maxSymbols),
                d(minAlpha), d(maxBullets), d(maxEllipsis), d(minPunctuated), d(maxDupLines), d(maxTopBigram)) : null;
        DataService.NearDedupSettings n = near.getValue() ? new DataService.NearDedupSettings(i(shingle), i(bands), i(rows), d(threshold)) : null;
        return new DataService.Stages(normalize.getValue() ? NormalizeStage.Options.ALL : null, langs,
                language.getValue() ? d(minConfidence) : 0, pii.getValue() ? region.getValue().strip().toUpperCase(Locale.ROOT) : null, q,
                exact.getValue(), n);
    }

    /** The split settings, or null when no split is wanted. */
    DataService.SplitRequest split(String corpus) {
        if (!split.getValue()) {
            return null;
        }
        return new DataService.SplitRequest(corpus, d(train), d(val), d(test), i(seed), tokenizer.getValue());
    }

    private static int i(IntegerField f) {
        if (f.getValue() == null) {
            throw new BadInputException("Fill in '" + f.getLabel() + "'.");
        }
        return f.getValue();
    }

    private static double d(NumberField f) {
        if (f.getValue() == null) {
            throw new BadInputException("Fill in '" + f.getLabel() + "'.");
        }
        return f.getValue();
    }
}
