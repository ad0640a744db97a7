package org.llmplayground.evaluation.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.upload.Upload;
import org.llmplayground.core.BadInputException;
import org.llmplayground.evaluation.EvaluationService;
import org.llmplayground.evaluation.MetricsService;
import org.llmplayground.evaluation.benchmarks.CustomBenchmarks;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Make a benchmark of one's own: type or upload jsonl (multiple choice, generation with a metric, or a perplexity
 * text set), save it as the next version of its name; it then appears among the tasks.
 */
final class CustomBenchmarkPanel extends VerticalLayout {
    /** Largest jsonl file the upload takes (the REST body limit is about the same). */
    static final int MAX_BYTES = 10 << 20;
    private static final String EXAMPLE = """
            {"question": "1 + 1 =", "choices": ["1", "2", "3"], "answer": 1, "fewshot": true}
            {"question": "2 + 2 =", "choices": ["3", "4", "5"], "answer": 1}
            {"question": "The capital of France is", "choices": ["Paris", "Rome", "Madrid"], "answer": "Paris"}
            {"question": "Water freezes at", "choices": ["0 degrees Celsius", "50 degrees Celsius"], "answer": 0}""";

    CustomBenchmarkPanel(EvaluationService evaluation, Consumer<String> created) {
        setPadding(false);
        TextField name = new TextField("Name");
        name.setId("bench-name");
        name.setValue("my_quiz");
        Select<String> kind = new Select<>();
        kind.setId("bench-kind");
        kind.setLabel("Kind");
        kind.setItems(CustomBenchmarks.KINDS);
        kind.setValue("multiple_choice");
        Select<String> metric = new Select<>();
        metric.setId("bench-metric");
        metric.setLabel("Metric (generation)");
        metric.setItems(MetricsService.ANSWER_METRICS);
        metric.setValue("exact_match");
        metric.setEnabled(false);
        kind.addValueChangeListener(e -> metric.setEnabled("generation".equals(e.getValue())));
        TextArea jsonl = new TextArea("Items, one JSON object per line");
        jsonl.setId("bench-jsonl");
        jsonl.setWidth("48em");
        jsonl.setValue(EXAMPLE);
        jsonl.setMaxLength(MAX_BYTES);
        Span message = new Span();
        message.setId("bench-message");
        Button save = new Button("Save benchmark", e -> {
            try {
                CustomBenchmarks.Benchmark b = evaluation.createBenchmark(name.getValue(), kind.getValue(),
                        "generation".equals(kind.getValue()) ? metric.getValue() : null, null, jsonl.getValue());
                message.setText(String.format("Saved '%s' version %d: %,d items (%s). It is now among the tasks.", b.name(), b.version(),
                        b.items(), b.kind()));
                created.accept(b.name());
            } catch (BadInputException ex) {
                message.setText(ex.getMessage());
            }
        });
        save.setId("bench-save");
        Upload upload = new Upload(event -> {
            UI ui = event.getUI();
            byte[] bytes = event.getInputStream().readNBytes(MAX_BYTES + 1);
            ui.access(() -> {
                if (bytes.length > MAX_BYTES) {
                    message.setText("'" + event.getFileName() + "' is larger than 10 MB; split it into several benchmarks.");
                } else {
                    jsonl.setValue(new String(bytes, StandardCharsets.UTF_8));
                    message.setText("Loaded '" + event.getFileName() + "': check the kind, then save.");
                }
            });
        });
        upload.addAllFinishedListener(e -> upload.clearFileList());
        upload.setId("bench-upload");
        upload.setMaxFiles(1);
        upload.setMaxFileSize(MAX_BYTES);
        upload.setAcceptedFileTypes(".jsonl", ".json", ".txt");
        upload.setDropLabel(new Span("a .jsonl file"));
        com.vaadin.flow.component.combobox.ComboBox<String> corpus = new com.vaadin.flow.component.combobox.ComboBox<>("…or a corpus (perplexity)");
        corpus.setId("bench-corpus");
        corpus.setItems(evaluation.corpora());
        com.vaadin.flow.component.textfield.IntegerField chars = new com.vaadin.flow.component.textfield.IntegerField("Characters");
        chars.setId("bench-chars");
        chars.setValue(200_000);
        chars.setMin(1);
        chars.setMax(EvaluationService.MAX_CORPUS_CHARS);
        Button fromCorpus = new Button("Save corpus as a perplexity set", e -> {
            try {
                if (corpus.getValue() == null) {
                    throw new BadInputException("Choose a corpus first.");
                }
                CustomBenchmarks.Benchmark b = evaluation.createBenchmarkFromCorpus(name.getValue(), corpus.getValue(),
                        chars.getValue() == null ? 200_000 : chars.getValue());
                message.setText(String.format("Saved '%s' version %d: %,d texts from %s. It is now among the tasks.", b.name(), b.version(),
                        b.items(), corpus.getValue()));
                created.accept(b.name());
            } catch (BadInputException ex) {
                message.setText(ex.getMessage());
            }
        });
        fromCorpus.setId("bench-from-corpus");
        HorizontalLayout corpusRow = new HorizontalLayout(corpus, chars, fromCorpus);
        corpusRow.setAlignItems(FlexComponent.Alignment.BASELINE);
        HorizontalLayout row = new HorizontalLayout(name, kind, metric, save);
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        add(new Paragraph("""
                Multiple choice: {"question", "choices", "answer" (index or text)}, scored by log-likelihood like MMLU. \
                Generation: {"question", "reference" or "references"}, answered greedily and scored with the metric. \
                Perplexity: {"text"}. Lines with "fewshot": true are examples for the few-shot count, not test items. \
                Saving a name again makes a new version; runs record the version they used."""), row, jsonl, upload, corpusRow, message);
    }
}
