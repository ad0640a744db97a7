package org.llmplayground.data.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import org.llmplayground.app.ui.MainLayout;
import org.llmplayground.core.BackgroundExecutor;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.jobs.JobRecord;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.core.jobs.JobState;
import org.llmplayground.core.ui.Explainer;
import org.llmplayground.core.ui.JobProgress;
import org.llmplayground.corpus.CorpusStore;
import org.llmplayground.data.DataService;
import org.llmplayground.data.DatasetFiles;
import org.llmplayground.data.HubDatasets;
import org.llmplayground.corpus.TokenFiles;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Lab 5: turn raw text into a clean training corpus. Pick a source, configure the stages, run them as a background
 * job (progress, time left, cancel; it survives a page reload), then see what each stage removed, the statistics of
 * the result, and hand it to the Training lab.
 */
@Route(value = "data", layout = MainLayout.class)
@PageTitle("Data · LLM Playground")
@io.micronaut.context.annotation.Prototype
public class DataView extends VerticalLayout {
    static final String EXPLANATION = """
            <p><b>Data decides what a model can learn.</b> Web text is full of menus, spam, boilerplate, personal data and
            copies. A cleaning pipeline streams every document through ordered stages; each one removes or changes some,
            and the funnel shows how many are left.</p>
            <p><b>Why deduplicate?</b> A document seen 100 times is memorised, not generalised from (models then repeat it
            verbatim, including private data), and every copy costs compute that teaches nothing new. Copies also leak
            between train and validation splits and flatter the validation loss.</p>
            <p><b>Exact dedup</b> hashes the normalised text (lower case, punctuation and spacing ignored). <b>Near
            dedup</b> catches edited copies: each document becomes its set of word pairs (shingles) and MinHash keeps, for
            each of k hash buckets, the smallest hash. For two sets, a bucket's minimum agrees with probability equal to
            their <i>Jaccard similarity</i> J = |A ∩ B| / |A ∪ B|, so the share of agreeing values estimates J. LSH cuts
            the k values into b bands of r rows; two documents become candidates if any band agrees entirely, with
            probability <code>1 − (1 − J<sup>r</sup>)<sup>b</sup></code>: an S-curve that finds pairs above the threshold
            without comparing every pair.</p>
            <p><b>Quality rules</b> (from DeepMind's Gopher) keep prose and drop lists, tag soup and repeated lines. Each
            threshold trades recall for precision: strict rules throw away good but unusual text (poetry, code, tables),
            loose ones keep spam. Look at the removed examples before trusting a rule.</p>
            <p><b>Language identification</b> guesses from character n-grams, which needs a sentence or two: a heading
            such as "= = Chemistry = =" is marked "too short to tell" and kept, for the quality rules to judge.</p>
            <p><b>Try:</b> clean WikiText-2 with the defaults: the language stage marks the headings "too short to tell",
            and "too few words" in the quality stage removes them (see its examples); set the
            Jaccard threshold to 0.9 and watch near duplicates survive; lower the bands and see the candidate curve drop.</p>
            """;

    private final DataService data;
    private final JobRunner jobs;
    private final SourcePanel source;
    private final StagesPanel stagesPanel;
    private final ResultsPanel results = new ResultsPanel();
    private final TextField outputName = new TextField("Name of the cleaned dataset");
    private final ComboBox<String> statsTokenizer = new ComboBox<>("Count tokens with");
    private final Button run = new Button("Run pipeline");
    private final JobProgress progress;
    private final Span status = new Span();
    private final Span error = new Span();
    private final Button useForTraining = new Button("Use this dataset for training");
    private final Anchor report = new Anchor("", "Statistics report (Markdown)");
    private String trainCorpus;
    private String valCorpus;
    private String trainingTokenizer;

    public DataView(DataService data, CorpusStore corpora, DatasetFiles files, HubDatasets hub, JobRunner jobs, TokenFiles tokens,
                    BackgroundExecutor executor) {
        this.data = data;
        this.jobs = jobs;
        this.progress = new JobProgress(jobs, "data").cancelledMessage(
                "Cancelled: the source is untouched and nothing half-written was kept; run it again any time.");
        this.source = new SourcePanel(corpora, files, hub, jobs, executor);
        this.stagesPanel = new StagesPanel(tokens.tokenizers());
        setId("data-view");
        configureRunRow(tokens);
        Button measure = new Button("Measure this source", e -> measure(executor));
        measure.setId("data-measure");
        measure.getElement().setProperty("title", "Statistics of the source as it is, before cleaning");
        source.addToActions(measure);
        add(new H1("5. Data"), new Explainer("Collecting and cleaning a training corpus", EXPLANATION), new H3("1. Source"), source,
                new H3("2. Cleaning stages"), stagesPanel, new H3("3. Run"), runRow(), progress, status, error, results, resultButtons());
    }

    private void configureRunRow(TokenFiles tokens) {
        outputName.setId("data-output-name");
        outputName.setValue("cleaned");
        outputName.setWidth("18em");
        statsTokenizer.setId("data-stats-tokenizer");
        statsTokenizer.setItems(tokens.tokenizers());
        statsTokenizer.setValue(tokens.tokenizers().contains("gpt2") ? "gpt2" : null);
        statsTokenizer.setClearButtonVisible(true);
        statsTokenizer.setHelperText("for the statistics; empty = no token count");
        run.setId("data-run");
        run.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        run.addClickListener(e -> start());
        progress.onPayload(p -> {
            if (p instanceof DataService.PipelineResult result) {
                showResult(result);
            }
        }).onUpdate(r -> run.setEnabled(r.state().isFinal())).onFinished(r -> {
            if (r.state() == JobState.FAILED) {
                error.setText(r.message());
            }
        });
        status.setId("data-measure-status");
        error.setId("data-error");
        error.addClassName("pg-error");
    }

    private HorizontalLayout runRow() {
        HorizontalLayout row = new HorizontalLayout(outputName, statsTokenizer, run);
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        row.setWrap(true);
        return row;
    }

    private HorizontalLayout resultButtons() {
        useForTraining.setId("data-use-for-training");
        useForTraining.setVisible(false);
        useForTraining.addClickListener(e -> getUI().ifPresent(ui -> {
            Map<String, String> params = new java.util.HashMap<>(Map.of("corpus", trainCorpus));
            if (trainingTokenizer != null) {
                params.put("tokenizer", trainingTokenizer);
            }
            if (valCorpus != null) {
                params.put("valCorpus", valCorpus);
            }
            ui.navigate("training", QueryParameters.simple(params));
        }));
        report.setId("data-report");
        report.setVisible(false);
        report.setTarget("_blank");
        HorizontalLayout row = new HorizontalLayout(useForTraining, report);
        row.setAlignItems(FlexComponent.Alignment.CENTER);
        return row;
    }

    /** Statistics of the raw source, to compare with the cleaned result. */
    private void measure(BackgroundExecutor executor) {
        error.setText("");
        try {
            var s = source.source();
            String tokenizer = statsTokenizer.getValue();
            status.setText("Measuring " + s.describe() + "…");
            org.llmplayground.core.ui.Async.run(this, executor, () -> data.stats(s, tokenizer), snapshot -> {
                results.showMeasured(snapshot);
                status.setText("Statistics of " + s.describe() + " as it is, before cleaning.");
            }, error::setText);
        } catch (BadInputException e) {
            error.setText(e.getMessage());
        }
    }

    private void start() {
        error.setText("");
        try {
            DataService.CleanRequest clean = new DataService.CleanRequest(source.source(), outputName.getValue().strip(), stagesPanel.stages(),
                    statsTokenizer.getValue());
            JobRecord job = data.startPipeline(new DataService.PipelineRequest(clean, stagesPanel.split("")));
            follow(job);
        } catch (BadInputException e) {
            error.setText(e.getMessage());
        }
    }

    /** Shows a job's progress by push until it ends; also used after a reload for a job still running. */
    private void follow(JobRecord job) {
        results.setVisible(false);
        useForTraining.setVisible(false);
        report.setVisible(false);
        status.setText("");
        run.setEnabled(false);
        progress.follow(job);
    }

    private void showResult(DataService.PipelineResult p) {
        results.show(p.clean());
        trainCorpus = p.clean().corpusId();
        valCorpus = null;
        trainingTokenizer = null;
        if (p.split() != null) {
            results.showSplit(p.split());
            trainCorpus = p.split().parts().get(0).corpusId();
            trainingTokenizer = p.split().tokenizer();
            // the trainer validates on the val part; a char vocabulary is the train part's own, so then it holds out its own
            if (trainingTokenizer != null && !"char".equals(trainingTokenizer)) {
                valCorpus = p.split().parts().stream().filter(x -> x.part().equals("val")).map(DataService.SplitPart::corpusId).findFirst().orElse(null);
            }
        }
        useForTraining.setVisible(true);
        report.setHref("/api/v1/data/stats/report?kind=corpus&id=" + URLEncoder.encode(p.clean().corpusId(), StandardCharsets.UTF_8)
                + (statsTokenizer.getValue() == null ? "" : "&tokenizer=" + statsTokenizer.getValue()));
        report.setVisible(true);
        source.refreshCorpora(source.corpus.getValue() == null ? null : source.corpus.getValue().id());
    }

    @Override
    protected void onAttach(AttachEvent event) {
        if (progress.isActive()) {
            return; // back from another view: JobProgress follows the job again by itself
        }
        // after a reload: follow a running data job, or show the last finished one's result
        progress.followLatest(DataService.CLEAN_JOB).filter(j -> j.state().isFinal()).ifPresent(j -> {
            if (data.status(j.id()).result() instanceof DataService.PipelineResult p) {
                showResult(p);
                progress.show(j);
            } else if (j.state() != org.llmplayground.core.jobs.JobState.SUCCEEDED) {
                progress.show(j); // interrupted by a restart, or failed: its line offers "Run again"
            }
        });
    }

}
