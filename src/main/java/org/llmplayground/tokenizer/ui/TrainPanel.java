package org.llmplayground.tokenizer.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.server.streams.UploadHandler;
import org.llmplayground.core.BadInputException;
import com.vaadin.flow.component.UI;
import org.llmplayground.core.jobs.JobRecord;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.core.ui.JobProgress;
import org.llmplayground.core.jobs.JobState;
import org.llmplayground.core.ui.Notices;
import org.llmplayground.corpus.CorpusInfo;
import org.llmplayground.corpus.CorpusStore;
import org.llmplayground.tokenizer.TokenizerInfo;
import org.llmplayground.tokenizer.TokenizerService;
import org.llmplayground.tokenizer.TrainingProgress;
import org.llmplayground.tokenizer.TrainingSpec;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Train your own vocabulary: pick a corpus (or upload a text file), a size, a split pattern and special tokens; the
 * training runs as a background job with progress, cancel and the merges appearing as they are learned. The result
 * is saved under its name and offered in every picker of the lab. A running job is picked up again after a reload.
 */
class TrainPanel extends VerticalLayout {
    private final TokenizerService service;
    private final CorpusStore corpora;
    private final Runnable tokenizersChanged;
    private final Consumer<String> useInInspector;

    private final ComboBox<CorpusInfo> corpus = new ComboBox<>("Corpus");
    private final Span uploadMessage = new Span();
    private final TextField name = new TextField("Save as");
    private final IntegerField vocab = new IntegerField("Vocabulary size");
    private final ComboBox<String> pattern = new ComboBox<>("Split pattern");
    private final MultiSelectComboBox<String> specials = new MultiSelectComboBox<>("Special tokens");
    private final Button start = new Button("Train");
    private final JobProgress progress;
    private final Span error = new Span();
    private final Grid<TrainingProgress.LearnedMerge> merges = new Grid<>();
    private final Button use = new Button("Use it in the inspector");
    private final Grid<TokenizerInfo> saved = new Grid<>();
    private String savedId;

    TrainPanel(TokenizerService service, CorpusStore corpora, JobRunner jobs, Runnable tokenizersChanged, Consumer<String> useInInspector) {
        this.service = service;
        this.progress = new JobProgress(jobs, "train").items("merges").onPayload(p -> {
            if (p instanceof TrainingProgress t) {
                merges.setItems(t.latest());
            }
        }).onUpdate(r -> start.setEnabled(r.state().isFinal())).onFinished(this::finished);
        this.corpora = corpora;
        this.tokenizersChanged = tokenizersChanged;
        this.useInInspector = useInInspector;
        setPadding(false);
        add(sourceRow(), settingsRow(), runRow(), error, progress, use, new H4("Learned merges (newest first)"), merges,
                new H4("Saved tokenizers"), saved, new HfImport(service, tokenizersChanged));
        configureMerges();
        configureSaved();
    }

    private HorizontalLayout sourceRow() {
        corpus.setId("train-corpus");
        corpus.setItemLabelGenerator(c -> c.name() + (c.bundled() ? "" : " (uploaded)"));
        corpus.setWidth("24em");
        Upload upload = new Upload(uploadHandler());
        upload.setId("train-upload");
        upload.setMaxFiles(1);
        upload.setMaxFileSize((int) Math.min(Integer.MAX_VALUE, corpora.maxUploadBytes()));
        upload.setAcceptedFileTypes(".txt", ".md", ".csv", ".json", ".jsonl", "text/plain");
        upload.setDropLabel(new Span("Upload a UTF-8 text file (up to " + CorpusStore.humanBytes(corpora.maxUploadBytes()) + ")"));
        upload.addFileRejectedListener(e -> uploadMessage.setText("'" + e.getFileName() + "' was not uploaded: "
                + e.getErrorMessage() + " (up to " + CorpusStore.humanBytes(corpora.maxUploadBytes()) + " of UTF-8 text)."));
        upload.addAllFinishedListener(e -> upload.clearFileList()); // ready for the next file; the message says what happened
        uploadMessage.setId("train-upload-message");
        HorizontalLayout row = new HorizontalLayout(corpus, upload, uploadMessage);
        row.setAlignItems(FlexComponent.Alignment.CENTER);
        row.setWrap(true);
        return row;
    }

    /** Streams the upload into the corpus store, which enforces the size limit and UTF-8 itself. */
    private UploadHandler uploadHandler() {
        return event -> {
            UI ui = event.getUI();
            try {
                CorpusInfo info = corpora.upload(event.getFileName(), event.getInputStream());
                ui.access(() -> {
                    refreshCorpora();
                    corpus.setValue(corpus.getListDataView().getItems().filter(c -> c.id().equals(info.id())).findFirst().orElse(null));
                    uploadMessage.setText("Uploaded " + info.name() + " (" + CorpusStore.humanBytes(info.bytes()) + ").");
                });
            } catch (BadInputException e) {
                ui.access(() -> uploadMessage.setText(e.getMessage()));
            }
        };
    }

    private HorizontalLayout settingsRow() {
        name.setId("train-name");
        name.setValueChangeMode(com.vaadin.flow.data.value.ValueChangeMode.EAGER);
        name.setHelperText("1–60 letters, digits, spaces, - or _");
        vocab.setId("train-vocab");
        vocab.setValue(512);
        vocab.setMin(257);
        vocab.setMax(65_536);
        vocab.setHelperText("256 bytes + merges");
        pattern.setId("train-pattern");
        pattern.setItems("gpt4", "gpt2", "none");
        pattern.setItemLabelGenerator(p -> switch (p) {
            case "gpt2" -> "GPT-2 regex";
            case "none" -> "None (basic)";
            default -> "GPT-4 regex";
        });
        pattern.setValue("gpt4");
        specials.setId("train-specials");
        specials.setItems("<|endoftext|>", "<|pad|>", "<|unk|>", "<|bos|>", "<|eos|>");
        specials.setValue(java.util.Set.of("<|endoftext|>"));
        specials.setAllowCustomValue(true);
        specials.addCustomValueSetListener(e -> {
            java.util.Set<String> values = new java.util.LinkedHashSet<>(specials.getValue());
            values.add(e.getDetail());
            specials.setItems(java.util.stream.Stream.concat(specials.getListDataView().getItems(), java.util.stream.Stream.of(e.getDetail())).distinct().toList());
            specials.setValue(values);
        });
        specials.setHelperText("ids after the merges");
        HorizontalLayout row = new HorizontalLayout(name, vocab, pattern, specials);
        row.setWrap(true);
        return row;
    }

    private HorizontalLayout runRow() {
        start.setId("train-start");
        start.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        start.addClickListener(e -> startTraining());
        error.setId("train-error");
        error.addClassName("pg-error");
        use.setId("train-use");
        use.setVisible(false);
        use.addClickListener(e -> {
            if (savedId != null) {
                useInInspector.accept(savedId);
            }
        });
        return new HorizontalLayout(start);
    }

    private void configureMerges() {
        merges.setId("train-merges");
        merges.addColumn(m -> m.rank() + 1).setHeader("Merge").setWidth("7em").setFlexGrow(0);
        merges.addColumn(m -> "'" + m.left() + "' + '" + m.right() + "'").setHeader("Pair");
        merges.addColumn(m -> "'" + m.merged() + "'").setHeader("New token");
        merges.addColumn(TrainingProgress.LearnedMerge::id).setHeader("Id").setWidth("7em").setFlexGrow(0);
        merges.addColumn(m -> String.format("%,d", m.count())).setHeader("Count").setWidth("8em").setFlexGrow(0);
        merges.addThemeVariants(GridVariant.LUMO_COMPACT);
        merges.setAllRowsVisible(true);
    }

    private void configureSaved() {
        saved.setId("train-saved");
        saved.addColumn(TokenizerInfo::id).setHeader("Id");
        saved.addColumn(t -> String.format("%,d", t.vocabSize())).setHeader("Vocabulary").setAutoWidth(true).setFlexGrow(0);
        saved.addColumn(TokenizerInfo::description).setHeader("How it was made").setFlexGrow(2);
        saved.addComponentColumn(t -> {
            Button delete = new Button("Delete", e -> confirmDelete(t));
            delete.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_TERTIARY);
            return delete;
        }).setAutoWidth(true).setFlexGrow(0);
        saved.addThemeVariants(GridVariant.LUMO_COMPACT);
        saved.setAllRowsVisible(true);
    }

    private void confirmDelete(TokenizerInfo t) {
        ConfirmDialog dialog = new ConfirmDialog("Delete '" + t.id() + "'?", "Its files are removed from the workspace.",
                "Delete", e -> {
                    service.delete(t.id());
                    tokenizersChanged.run();
                    Notices.success("Deleted " + t.id());
                });
        dialog.setCancelable(true);
        dialog.open();
    }

    void setTokenizers(List<TokenizerInfo> all) {
        saved.setItems(all.stream().filter(t -> !t.builtin()).toList());
        if (name.isEmpty()) {
            name.setValue(freeName(all));
        }
    }

    private static String freeName(List<TokenizerInfo> all) {
        for (int i = 1; ; i++) {
            String candidate = "my-bpe-" + i;
            if (all.stream().noneMatch(t -> t.id().equals(candidate))) {
                return candidate;
            }
        }
    }

    void refreshCorpora() {
        CorpusInfo current = corpus.getValue();
        List<CorpusInfo> all = corpora.list();
        corpus.setItems(all);
        corpus.setValue(all.stream().filter(c -> current != null && c.id().equals(current.id())).findFirst().orElse(all.get(0)));
    }

    private void startTraining() {
        error.setText("");
        if (corpus.getValue() == null) {
            error.setText("Choose a corpus or upload a text file first.");
            return;
        }
        if (vocab.getValue() == null) {
            error.setText("Enter a vocabulary size between 257 and 65,536.");
            return;
        }
        TrainingSpec spec = new TrainingSpec(name.getValue(), corpus.getValue().id(), null, vocab.getValue(),
                pattern.getValue(), List.copyOf(specials.getValue()));
        try {
            JobRecord job = service.train(spec);
            merges.setItems(List.of());
            watch(job);
        } catch (BadInputException e) {
            error.setText(e.getMessage());
        }
    }

    private void watch(JobRecord job) {
        savedId = null;
        use.setVisible(false);
        start.setEnabled(false);
        progress.follow(job);
    }

    private void finished(JobRecord job) {
        if (job.state() == JobState.SUCCEEDED && job.result() != null) {
            savedId = job.result();
            use.setVisible(true);
            name.clear();
            tokenizersChanged.run();
        }
        if (job.state() == JobState.FAILED) {
            error.setText(job.message());
        }
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        refreshCorpora();
        if (!progress.isActive()) {
            // a job started before a page reload is still running: show it again; the newest one interrupted by a
            // restart (or failed) is shown with its "Run again"
            service.trainingHistory().stream().findFirst().ifPresent(j -> {
                if (!j.state().isFinal()) {
                    watch(j);
                } else if (j.state() == JobState.INTERRUPTED || j.state() == JobState.FAILED) {
                    progress.show(j);
                }
            });
        }
    }

    /** Import a Hugging Face tokenizer.json under a name. */
    private static final class HfImport extends VerticalLayout {
        HfImport(TokenizerService service, Runnable tokenizersChanged) {
            setPadding(false);
            TextField importName = new TextField("Import a tokenizer.json as");
            importName.setId("import-name");
            importName.setValueChangeMode(com.vaadin.flow.data.value.ValueChangeMode.EAGER); // a file may be dropped right after typing
            Span message = new Span();
            message.setId("import-message");
            Upload upload = new Upload(event -> {
                UI ui = event.getUI();
                byte[] bytes = event.getInputStream().readNBytes((64 << 20) + 1);
                ui.access(() -> {
                    try {
                        if (bytes.length > 64 << 20) {
                            throw BadInputException.tooLarge("'" + event.getFileName() + "' is larger than 64 MB; tokenizer.json files are smaller.");
                        }
                        TokenizerInfo info = service.importHuggingFace(importName.getValue(), bytes);
                        message.setText("Imported '" + info.id() + "' (" + String.format("%,d", info.vocabSize()) + " tokens).");
                        importName.clear();
                        tokenizersChanged.run();
                    } catch (BadInputException e) {
                        message.setText(e.getMessage());
                    }
                });
            });
            upload.addAllFinishedListener(e -> upload.clearFileList());
            upload.setId("import-upload");
            upload.setMaxFiles(1);
            upload.setMaxFileSize(64 << 20);
            upload.setAcceptedFileTypes(".json", "application/json");
            upload.setDropLabel(new Span("tokenizer.json (any Hugging Face tokenizer)"));
            HorizontalLayout row = new HorizontalLayout(importName, upload, message);
            row.setAlignItems(FlexComponent.Alignment.CENTER);
            add(new Paragraph("Any local Hugging Face tokenizer.json runs through the Rust tokenizers library."), row);
        }
    }
}
