package org.llmplayground.data.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.checkbox.CheckboxGroup;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.server.streams.UploadHandler;
import org.llmplayground.core.BackgroundExecutor;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.hub.HubClient;
import org.llmplayground.core.jobs.JobRecord;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.core.jobs.JobState;
import org.llmplayground.core.ui.Async;
import org.llmplayground.core.ui.JobProgress;
import org.llmplayground.corpus.CorpusInfo;
import org.llmplayground.corpus.CorpusStore;
import org.llmplayground.data.DataSource;
import org.llmplayground.data.DatasetFiles;
import org.llmplayground.data.HubDatasets;

import java.util.Arrays;
import java.util.List;

/**
 * Step 1 of the Data lab: where the documents come from. A bundled or saved corpus, a file in the workspace
 * (uploaded here, or downloaded from the Hugging Face Hub below), or a list of web pages. "Preview" shows the
 * fields and the first documents, so the text field of a JSONL/CSV/parquet file can be chosen before a long run.
 */
class SourcePanel extends VerticalLayout {
    static final String CORPUS = "A corpus";
    static final String FILE = "A file (upload or Hub download)";
    static final String HUB = "Hugging Face Hub";
    static final String WEB = "Web pages";

    private final CorpusStore corpora;
    private final DatasetFiles files;
    private final HubDatasets hub;
    private final BackgroundExecutor executor;

    final RadioButtonGroup<String> kind = new RadioButtonGroup<>("Source");
    final ComboBox<CorpusInfo> corpus = new ComboBox<>("Corpus");
    final ComboBox<DatasetFiles.FileInfo> file = new ComboBox<>("File in the datasets folder");
    final ComboBox<String> field = new ComboBox<>("Text field / column");
    final TextArea urls = new TextArea("URLs, one per line");
    final TextField hubDataset = new TextField("Dataset id");
    final TextField hubRevision = new TextField("Revision");
    final PasswordField hubToken = new PasswordField("Token (optional, for gated datasets)");
    final CheckboxGroup<HubClient.HubFile> hubFiles = new CheckboxGroup<>("Files");
    final Button hubList = new Button("List files");
    final Button hubDownload = new Button("Download");
    final Span hubStatus = new Span();
    final Span message = new Span();
    final Pre preview = new Pre();
    private final VerticalLayout corpusBox = new VerticalLayout();
    private final VerticalLayout fileBox = new VerticalLayout();
    private final VerticalLayout hubBox = new VerticalLayout();
    private final VerticalLayout webBox = new VerticalLayout();
    private final JobProgress hubProgress;
    private final HorizontalLayout actions = new HorizontalLayout();

    SourcePanel(CorpusStore corpora, DatasetFiles files, HubDatasets hub, JobRunner jobs, BackgroundExecutor executor) {
        this.corpora = corpora;
        this.files = files;
        this.hub = hub;
        this.hubProgress = new JobProgress(jobs, "data-hub-download").onFinished(this::downloaded);
        this.executor = executor;
        setPadding(false);
        configureKind();
        configureCorpus();
        configureFile();
        configureHub();
        configureWeb();
        Button previewButton = new Button("Preview", e -> showPreview());
        previewButton.setId("data-preview");
        preview.setId("data-preview-text");
        preview.addClassName("data-preview");
        message.setId("data-source-message");
        message.addClassName("pg-error");
        actions.add(previewButton);
        add(kind, corpusBox, fileBox, hubBox, webBox, new HorizontalLayout(actions, message), preview);
        kind.setValue(CORPUS);
    }

    /** Adds a button next to "Preview" (the view's "Measure this source"). */
    void addToActions(com.vaadin.flow.component.Component c) {
        actions.add(c);
    }

    private void configureKind() {
        kind.setId("data-source-kind");
        kind.setItems(CORPUS, FILE, HUB, WEB);
        kind.addValueChangeListener(e -> {
            corpusBox.setVisible(CORPUS.equals(e.getValue()));
            fileBox.setVisible(FILE.equals(e.getValue()));
            hubBox.setVisible(HUB.equals(e.getValue()));
            webBox.setVisible(WEB.equals(e.getValue()));
            message.setText("");
        });
    }

    private void configureCorpus() {
        corpus.setId("data-corpus");
        corpus.setWidth("28em");
        corpus.setItemLabelGenerator(c -> c.name() + " · " + CorpusStore.humanBytes(c.bytes()));
        refreshCorpora(null);
        corpusBox.setPadding(false);
        corpusBox.add(corpus);
    }

    void refreshCorpora(String select) {
        List<CorpusInfo> all = corpora.list();
        corpus.setItems(all);
        corpus.setValue(all.stream().filter(c -> c.id().equals(select == null ? CorpusStore.WIKITEXT : select)).findFirst().orElse(all.get(0)));
    }

    private void configureFile() {
        file.setId("data-file");
        file.setWidth("28em");
        file.setItemLabelGenerator(f -> f.path() + " · " + CorpusStore.humanBytes(f.sizeBytes()));
        file.addValueChangeListener(e -> {
            field.clear();
            field.setItems(List.of());
            if (e.getValue() != null && e.getValue().format() != DatasetFiles.Format.TXT && e.getValue().format() != DatasetFiles.Format.WET) {
                showPreview();
            }
        });
        field.setId("data-field");
        field.setAllowCustomValue(true);
        field.addCustomValueSetListener(e -> field.setValue(e.getDetail()));
        field.setHelperText("for JSONL, CSV and parquet");
        Upload upload = new Upload(uploadHandler());
        upload.setId("data-upload");
        upload.setMaxFiles(1);
        upload.setMaxFileSize((int) Math.min(Integer.MAX_VALUE, files.maxUploadBytes()));
        upload.setDropLabel(new Span("Upload .txt, .jsonl, .csv, .parquet or .wet, optionally .gz (up to "
                + CorpusStore.humanBytes(files.maxUploadBytes()) + ")"));
        upload.addFileRejectedListener(e -> message.setText("'" + e.getFileName() + "' was not uploaded: " + e.getErrorMessage()));
        upload.addAllFinishedListener(e -> upload.clearFileList());
        HorizontalLayout row = new HorizontalLayout(file, field);
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        fileBox.setPadding(false);
        fileBox.add(row, upload, new Span("Files live in the workspace's datasets folder; a larger file can be copied there directly."));
        refreshFiles(null);
    }

    void refreshFiles(String select) {
        List<DatasetFiles.FileInfo> all = files.list();
        file.setItems(all);
        if (select != null) {
            all.stream().filter(f -> f.path().equals(select)).findFirst().ifPresent(file::setValue);
        }
    }

    /** Streams the upload into the datasets folder, which checks the type and the size limit itself. */
    private UploadHandler uploadHandler() {
        return event -> {
            UI ui = event.getUI();
            try {
                DatasetFiles.FileInfo info = files.save(event.getFileName(), event.getInputStream());
                ui.access(() -> {
                    refreshFiles(info.path());
                    message.setText("");
                    preview.setText("Uploaded " + info.path() + " (" + CorpusStore.humanBytes(info.sizeBytes()) + ").");
                });
            } catch (BadInputException e) {
                ui.access(() -> message.setText(e.getMessage()));
            }
        };
    }

    private void configureHub() {
        hubDataset.setId("data-hub-dataset");
        hubDataset.setPlaceholder("wikitext or allenai/c4");
        hubRevision.setId("data-hub-revision");
        hubRevision.setValue("main");
        hubToken.setId("data-hub-token");
        hubFiles.setId("data-hub-files");
        hubFiles.setItemLabelGenerator(f -> f.path() + (f.size() >= 0 ? "  (" + CorpusStore.humanBytes(f.size()) + ")" : ""));
        hubList.setId("data-hub-list");
        hubDownload.setId("data-hub-download");
        hubDownload.setEnabled(false);
        hubStatus.setId("data-hub-status");
        hubList.addClickListener(e -> listHubFiles());
        hubDownload.addClickListener(e -> startDownload());
        HorizontalLayout row = new HorizontalLayout(hubDataset, hubRevision, hubToken, hubList);
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        hubBox.setPadding(false);
        hubBox.add(new Span("Endpoint: " + hub.endpoint() + " (set HF_ENDPOINT or playground.hub.endpoint for a mirror)."), row, hubFiles,
                new HorizontalLayout(hubDownload, hubStatus), hubProgress);
    }

    private void listHubFiles() {
        message.setText("");
        String dataset = hubDataset.getValue().strip();
        String revision = hubRevision.getValue();
        String token = hubToken.getValue();
        Async.run(this, executor, () -> hub.files(dataset, revision, token), list -> {
            List<HubClient.HubFile> readable = list.stream().filter(f -> DatasetFiles.supported(f.path())).toList();
            hubFiles.setItems(readable);
            hubDownload.setEnabled(!readable.isEmpty());
            hubStatus.setText(readable.size() + " readable files of " + list.size());
        }, message::setText);
    }

    private void startDownload() {
        List<String> chosen = hubFiles.getSelectedItems().stream().map(HubClient.HubFile::path).sorted().toList();
        try {
            hubProgress.follow(hub.startDownload(new HubDatasets.LoadRequest(hubDataset.getValue().strip(), hubRevision.getValue(), chosen,
                    hubToken.getValue())));
        } catch (BadInputException e) {
            message.setText(e.getMessage());
        }
    }

    /** A finished download: switch to the downloaded file and preview it. */
    private void downloaded(JobRecord r) {
        if (r.state() == JobState.SUCCEEDED) {
            refreshFiles(r.result());
            kind.setValue(FILE);
            showPreview();
        }
    }

    /** The source the form describes, or a message saying what is missing. */
    DataSource source() {
        String k = kind.getValue();
        if (CORPUS.equals(k)) {
            if (corpus.getValue() == null) {
                throw new BadInputException("Choose a corpus.");
            }
            return DataSource.corpus(corpus.getValue().id());
        }
        if (FILE.equals(k)) {
            if (file.getValue() == null) {
                throw new BadInputException("Choose a file, or upload one.");
            }
            return DataSource.file(file.getValue().path(), field.getValue());
        }
        if (WEB.equals(k)) {
            return DataSource.web(Arrays.stream(urls.getValue().split("\\R")).map(String::strip).filter(s -> !s.isEmpty()).toList());
        }
        throw new BadInputException("Download the Hub files first; they then appear under \"" + FILE + "\".");
    }

    private void configureWeb() {
        urls.setId("data-urls");
        urls.setWidth("40em");
        urls.setPlaceholder("https://example.org/page.html");
        webBox.setPadding(false);
        webBox.add(urls, new Span("Pages are fetched politely: robots.txt is respected, one request per host per second, at most 5 MB each."));
    }

    private void showPreview() {
        message.setText("");
        DataSource s;
        try {
            s = source();
        } catch (BadInputException e) {
            message.setText(e.getMessage());
            return;
        }
        if (s.kind() == DataSource.Kind.WEB) {
            preview.setText("Web pages are fetched when the pipeline runs.");
            return;
        }
        Async.run(this, executor, () -> files.preview(s), p -> {
            if (!p.fields().isEmpty()) {
                field.setItems(p.fields());
                field.setValue(p.suggestedField());
            }
            StringBuilder b = new StringBuilder(p.format() + " · " + CorpusStore.humanBytes(p.sizeBytes()));
            if (!p.fields().isEmpty()) {
                b.append(" · fields: ").append(String.join(", ", p.fields())).append(" · reading '").append(p.suggestedField()).append("'");
            }
            for (int i = 0; i < p.sample().size(); i++) {
                b.append("\n\n[").append(i + 1).append("] ").append(p.sample().get(i));
            }
            preview.setText(b.toString());
        }, message::setText);
    }
}
