package org.llmplayground.registry.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import org.llmplayground.core.BackgroundExecutor;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.core.jobs.JobState;
import org.llmplayground.core.ui.Async;
import org.llmplayground.core.ui.JobProgress;
import org.llmplayground.registry.HubModels;

import static org.llmplayground.core.ui.Layouts.row;

/** Download a model from the Hugging Face Hub: its files (which the import needs), then a download job and an import. */
class HubPanel extends VerticalLayout {
    private final HubModels hub;
    private final TextField repo = new TextField("Repository");
    private final TextField revision = new TextField("Revision");
    private final PasswordField token = new PasswordField("Token (private or gated models)");
    private final Grid<HubModels.RepoFile> files = new Grid<>();
    private final Span status = new Span();
    private final JobProgress progress;

    HubPanel(HubModels hub, JobRunner jobs, BackgroundExecutor executor, Runnable downloaded) {
        this.hub = hub;
        setPadding(false);
        repo.setId("hub-repo");
        repo.setPlaceholder("openai-community/gpt2");
        repo.setWidth("22em");
        revision.setId("hub-revision");
        revision.setPlaceholder("main");
        token.setId("hub-token");
        files.setId("hub-files");
        files.addThemeVariants(GridVariant.LUMO_COMPACT);
        files.addColumn(HubModels.RepoFile::path).setHeader("File").setFlexGrow(3);
        files.addColumn(f -> ModelsView.mb(f.size())).setHeader("Size");
        files.addColumn(f -> f.needed() ? "downloaded" : "skipped").setHeader("Import");
        files.addColumn(f -> f.sha256() == null ? "" : f.sha256().substring(0, Math.min(12, f.sha256().length())) + "…").setHeader("sha256");
        files.setAllRowsVisible(true);
        status.setId("hub-message");
        progress = new JobProgress(jobs, "hub").onFinished(r -> {
            if (r.state() == JobState.SUCCEEDED) {
                show("Downloaded and imported as " + r.result() + ": it is in the list, and every lab's model picker has it.", false);
                downloaded.run();
            } else {
                show(r.message(), true);
            }
        });
        progress.setVisible(false);
        Button list = new Button("List files", e -> Async.run(this, executor, () -> hub.files(repo.getValue(), revision.getValue(), token.getValue()),
                f -> {
                    files.setItems(f);
                    show(f.size() + " files; the import needs those marked 'downloaded'.", false);
                }, m -> show(m, true)));
        list.setId("hub-list");
        Button download = new Button("Download and import", e -> download());
        download.setId("hub-download");
        download.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        add(new Paragraph("config.json, the safetensors weights (sharded ones too) and the tokenizer files are downloaded, each "
                        + "checked against the Hub's sha256; a download cut off resumes where it stopped. The token is used for this "
                        + "download only, never stored or logged."),
                row(repo, revision, token, list, download), files, progress, status);
    }

    private void download() {
        try {
            progress.setVisible(true);
            progress.follow(hub.startDownload(new HubModels.DownloadRequest(repo.getValue(), revision.getValue(), token.getValue())));
            show("", false);
        } catch (BadInputException e) {
            show(e.getMessage(), true);
        }
    }

    private void show(String text, boolean error) {
        status.setText(text);
        status.setClassName("pg-error", error);
    }
}
