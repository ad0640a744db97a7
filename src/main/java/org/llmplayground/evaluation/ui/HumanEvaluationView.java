package org.llmplayground.evaluation.ui;

import static org.llmplayground.core.ui.Layouts.row;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import io.micronaut.context.annotation.Prototype;
import org.llmplayground.app.ui.MainLayout;
import org.llmplayground.core.BackgroundExecutor;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.core.ui.Async;
import org.llmplayground.core.ui.Explainer;
import org.llmplayground.evaluation.human.HumanEvaluation;
import org.llmplayground.evaluation.human.HumanStore;
import org.llmplayground.evaluation.judge.JudgeService;
import org.llmplayground.evaluation.judge.JudgeStore;
import org.llmplayground.evaluation.metrics.Ranking;
import org.llmplayground.generation.GenerationService;
import org.llmplayground.model.LoadedModel;
import org.llmplayground.core.ui.PairJudgePanel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Evaluation lab, third part: human evaluation (tasks of two models' answers, judged pairwise with the
 * Preferences lab's A/B panel or rated 1–5 per criterion beside the guidelines, each item by k annotators), agreement
 * against the 0.6 target, the models' human scores and ranking, and an LLM judge on the same items.
 */
@Route(value = "evaluation/human", layout = MainLayout.class)
@PageTitle("Human evaluation · LLM Playground")
@Prototype
public class HumanEvaluationView extends VerticalLayout {
    static final String EXPLANATION = """
            <p>Metrics cannot tell whether an answer is helpful; people can, but people disagree. So each item is judged by
            <b>k annotators</b> (who never see which model wrote which answer) and we measure how much they agree beyond
            chance. <b>Fleiss' kappa</b>: P̄ is the share of annotator pairs that agree on an item, averaged; P̄e the
            agreement chance alone would give (Σ p_j² over the categories' shares); κ = (P̄ − P̄e) / (1 − P̄e). κ = 1 is
            perfect, 0 is chance; above 0.6 is substantial agreement, the usual bar for trusting the labels. <b>Cohen's
            kappa</b> is the same idea for two annotators.</p>
            <p>Pairwise verdicts rank models with <b>Bradley–Terry</b>: P(i beats j) = p_i / (p_i + p_j), fitted to all
            verdicts at once (Chatbot Arena's method), shown on the Elo scale.</p>
            <p>An <b>LLM judge</b> reads a rubric and answers "[[A]]", "[[B]]" or "[[C]]" (or a rating "[[1]]"…"[[5]]").
            Judges prefer the first answer they see, so each pair is judged in both orders and only agreeing verdicts
            count. Cohen's kappa between the judge and the humans says whether the judge can stand in for them.</p>
            <p>Try: create a rating task with two models and five prompts, rate as "ada", then as "bob", and read the
            kappa per criterion: which criterion do you agree on least?</p>
            """;
    private final HumanEvaluation human;
    private final JudgeService judge;
    private final JobRunner jobs;
    private final BackgroundExecutor executor;

    private final TextField name = new TextField("Task name");
    private final Select<String> kind = new Select<>();
    private final ComboBox<String> modelA = new ComboBox<>("Model A");
    private final ComboBox<String> modelB = new ComboBox<>("Model B");
    private final TextArea prompts = new TextArea("Prompts (one per line)");
    private final TextField criteria = new TextField("Criteria (rating)");
    private final IntegerField k = new IntegerField("Annotators per item (k)");
    private final Span createStatus = new Span();
    private final Grid<HumanEvaluation.Listed> taskGrid = new Grid<>();

    private final Select<String> task = new Select<>();
    private final TextField annotator = new TextField("Annotator");
    private final TextArea guidelines = new TextArea("Guidelines");
    private final PairJudgePanel pair = new PairJudgePanel("human", this::judgePair, null);
    private final Div ratePrompt = new Div();
    private final Div rateAnswer = new Div();
    private final VerticalLayout rateCriteria = new VerticalLayout();
    private final Map<String, RadioButtonGroup<Integer>> scales = new LinkedHashMap<>();
    private final Button rateSubmit = new Button("Submit ratings");
    private final VerticalLayout rating = new VerticalLayout();
    private final Span progress = new Span();
    private final Span annotateStatus = new Span();
    private HumanEvaluation.Item item;

    private final Select<String> resultTask = new Select<>();
    private final Grid<HumanEvaluation.CriterionAgreement> agreement = new Grid<>();
    private final Grid<HumanEvaluation.Score> scores = new Grid<>();
    private final Grid<Ranking.Rated> ranking = new Grid<>();
    private final Span resultStatus = new Span();
    private final H3 rankingTitle = new H3("Ranking (pairwise verdicts: Bradley–Terry and Elo)");

    private final Select<String> judgeTask = new Select<>();
    private final Select<String> judgeModel = new Select<>();
    private final TextArea template = new TextArea("Judge prompt template");
    private final Span judgeStatus = new Span();

    public HumanEvaluationView(HumanEvaluation human, JudgeService judge, GenerationService generation, JobRunner jobs, BackgroundExecutor executor) {
        this.human = human;
        this.judge = judge;
        this.jobs = jobs;
        this.executor = executor;
        setWidthFull();
        List<String> models = generation.models().stream().filter(LoadedModel.ModelInfo::readsText).map(LoadedModel.ModelInfo::id).toList();
        TabSheet tabs = new TabSheet();
        tabs.setWidthFull();
        tabs.add("1. Tasks", tasksTab(models));
        tabs.add("2. Annotate", annotateTab());
        tabs.add("3. Agreement and results", resultsTab());
        tabs.add("4. LLM judge", judgeTab(models));
        HorizontalLayout links = new HorizontalLayout(new RouterLink("← Run benchmarks", EvaluationView.class),
                new RouterLink("Dashboard and leaderboard", DashboardView.class));
        add(new H1("8. Evaluation: people and judges"), links, new Explainer("Human evaluation, agreement and LLM-as-judge", EXPLANATION), tabs);
        refreshTasks();
    }


    private static void status(Span s, String text, boolean error) {
        s.setText(text);
        if (error) {
            s.addClassName("pg-error");
        } else {
            s.removeClassName("pg-error");
        }
    }

    // ================================================================== tasks

    private Component tasksTab(List<String> models) {
        name.setId("human-name");
        name.setValue("my-rating");
        kind.setId("human-kind");
        kind.setLabel("Kind");
        kind.setItems(HumanEvaluation.RATING, HumanEvaluation.PAIRWISE);
        kind.setValue(HumanEvaluation.RATING);
        for (ComboBox<String> m : List.of(modelA, modelB)) {
            m.setItems(models);
            m.setWidth("14em");
        }
        modelA.setId("human-model-a");
        modelB.setId("human-model-b");
        if (!models.isEmpty()) {
            modelA.setValue(models.contains("gpt2-mini") ? "gpt2-mini" : models.get(0));
            modelB.setValue(models.contains("shakespeare-char") ? "shakespeare-char" : models.get(models.size() - 1));
        }
        prompts.setId("human-prompts");
        prompts.setWidth("28em");
        prompts.setValue("Say hello.\nName a colour.\nWhat is two plus two?");
        criteria.setId("human-criteria");
        criteria.setValue(String.join(", ", HumanEvaluation.DEFAULT_CRITERIA));
        criteria.setWidth("22em");
        k.setId("human-k");
        k.setValue(2);
        k.setMin(1);
        k.setMax(10);
        Button create = new Button("Create task", e -> create());
        create.setId("human-create");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        createStatus.setId("human-create-status");
        taskGrid.setId("human-tasks");
        taskGrid.addThemeVariants(GridVariant.LUMO_COMPACT);
        taskGrid.addColumn(l -> l.task().name()).setHeader("Task");
        taskGrid.addColumn(l -> l.task().kind()).setHeader("Kind");
        taskGrid.addColumn(l -> l.task().modelA() + " vs " + l.task().modelB()).setHeader("Models").setFlexGrow(2);
        taskGrid.addColumn(l -> l.items()).setHeader("Items");
        taskGrid.addColumn(l -> l.task().k()).setHeader("k");
        taskGrid.addColumn(l -> l.jobState() == null ? "" : l.jobState()).setHeader("Answers");
        taskGrid.setAllRowsVisible(true);
        Button refresh = new Button("Refresh", e -> refreshTasks());
        refresh.setId("human-refresh");
        VerticalLayout tab = new VerticalLayout(row(name, kind, modelA, modelB, k), row(prompts, criteria), row(create, refresh), createStatus, taskGrid);
        tab.setPadding(false);
        return tab;
    }

    private void create() {
        HumanEvaluation.Create c = new HumanEvaluation.Create(name.getValue(), kind.getValue(), modelA.getValue(), modelB.getValue(), null, null,
                Arrays.asList(prompts.getValue().split("\n")), Arrays.stream(criteria.getValue().split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).toList(), null, k.getValue());
        try {
            HumanEvaluation.Listed l = human.create(c);
            status(createStatus, "Writing both models' answers…", false);
            String job = l.task().jobId();
            String created = l.task().name();
            Async.run(this, executor, () -> {
                try {
                    return jobs.await(job, Duration.ofMinutes(10));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }, r -> {
                status(createStatus, "Task '" + created + "': " + (r.message() == null ? r.state().name().toLowerCase(Locale.ROOT) : r.message())
                        + ". Annotate it in tab 2.", r.state() != org.llmplayground.core.jobs.JobState.SUCCEEDED);
                refreshTasks();
                task.setValue(created);
            }, m -> status(createStatus, m, true));
            refreshTasks();
        } catch (BadInputException e) {
            status(createStatus, e.getMessage(), true);
        }
    }

    private void refreshTasks() {
        List<HumanEvaluation.Listed> all = human.tasks();
        taskGrid.setItems(all);
        List<String> names = all.stream().map(l -> l.task().name()).toList();
        for (Select<String> s : List.of(task, resultTask, judgeTask)) {
            String was = s.getValue();
            s.setItems(names);
            if (was != null && names.contains(was)) {
                s.setValue(was);
            } else if (!names.isEmpty()) {
                s.setValue(names.get(0));
            }
        }
    }

    // ================================================================== annotate

    private Component annotateTab() {
        task.setId("human-task");
        task.setLabel("Task");
        task.addValueChangeListener(e -> {
            if (e.getValue() != null) {
                HumanStore.Task t = human.task(e.getValue());
                guidelines.setValue(t.guidelines());
            }
        });
        annotator.setId("human-annotator");
        annotator.setValue("ada");
        annotator.setWidth("10em");
        Button next = new Button("Next item", e -> next());
        next.setId("human-next");
        next.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        guidelines.setId("human-guidelines");
        guidelines.setWidth("24em");
        guidelines.setHeight("16em");
        Button save = new Button("Save guidelines", e -> saveGuidelines());
        save.setId("human-guidelines-save");
        ratePrompt.setId("human-rate-prompt");
        ratePrompt.getStyle().set("font-weight", "600").set("white-space", "pre-wrap");
        rateAnswer.setId("human-rate-answer");
        rateAnswer.getStyle().set("white-space", "pre-wrap").set("font-family", "var(--lumo-font-family-monospace, monospace)")
                .set("border", "1px solid var(--lumo-contrast-20pct)").set("border-radius", "8px").set("padding", "var(--lumo-space-s)");
        rateCriteria.setPadding(false);
        rateCriteria.setSpacing(false);
        rateSubmit.setId("human-rate-submit");
        rateSubmit.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        rateSubmit.addClickListener(e -> submitRatings());
        rating.add(ratePrompt, rateAnswer, rateCriteria, rateSubmit);
        rating.setPadding(false);
        rating.setVisible(false);
        pair.setVisible(false);
        progress.setId("human-progress");
        annotateStatus.setId("human-status");
        VerticalLayout judging = new VerticalLayout(row(task, annotator, next), pair, rating, progress, annotateStatus);
        judging.setPadding(false);
        VerticalLayout side = new VerticalLayout(guidelines, save);
        side.setPadding(false);
        side.setWidth("26em");
        HorizontalLayout tab = new HorizontalLayout(judging, side);
        tab.setWidthFull();
        judging.setWidthFull();
        return tab;
    }

    private void saveGuidelines() {
        if (task.getValue() == null) {
            return;
        }
        try {
            human.edit(task.getValue(), guidelines.getValue(), null);
            status(annotateStatus, "Guidelines saved.", false);
        } catch (BadInputException e) {
            status(annotateStatus, e.getMessage(), true);
        }
    }

    void next() {
        if (task.getValue() == null) {
            status(annotateStatus, "Create a task first (tab 1).", true);
            return;
        }
        try {
            item = human.next(task.getValue(), annotator.getValue());
            showProgress(item.progress());
            status(annotateStatus, "", false);
            if (HumanEvaluation.PAIRWISE.equals(item.kind())) {
                rating.setVisible(false);
                pair.setVisible(true);
                pair.show(item.prompt(), item.first(), item.second());
            } else {
                pair.setVisible(false);
                rating.setVisible(true);
                ratePrompt.setText(item.prompt());
                rateAnswer.setText(item.answer());
                rateCriteria.removeAll();
                scales.clear();
                for (String c : item.criteria()) {
                    RadioButtonGroup<Integer> scale = new RadioButtonGroup<>(c);
                    scale.setId("human-rate-" + c);
                    scale.setItems(1, 2, 3, 4, 5);
                    scales.put(c, scale);
                    rateCriteria.add(scale);
                }
                rateSubmit.setEnabled(true);
            }
        } catch (BadInputException e) {
            item = null;
            pair.disable();
            rateSubmit.setEnabled(false);
            status(annotateStatus, e.getMessage(), true);
        }
    }

    private void showProgress(HumanEvaluation.Progress p) {
        progress.setText(String.format("%s judged %d; %d left for them. The task: %d of %d judgments (%d items × k). Per annotator: %s.", p.annotator(),
                p.judgedByYou(), p.leftForYou(), p.given(), p.needed(), p.items(), p.perAnnotator()));
    }

    private void judgePair(String choice) {
        if (item == null) {
            return;
        }
        submit(new HumanEvaluation.Judge(annotator.getValue(), item.pairId(), null, choice, null, pair.note()));
    }

    private void submitRatings() {
        if (item == null) {
            return;
        }
        Map<String, Object> ratings = new LinkedHashMap<>();
        scales.forEach((c, s) -> {
            if (s.getValue() != null) {
                ratings.put(c, s.getValue());
            }
        });
        submit(new HumanEvaluation.Judge(annotator.getValue(), item.pairId(), item.side(), null, ratings, null));
    }

    private void submit(HumanEvaluation.Judge j) {
        try {
            HumanEvaluation.Progress p = human.judge(task.getValue(), j);
            showProgress(p);
            status(annotateStatus, "Saved.", false);
            next();
        } catch (BadInputException e) {
            status(annotateStatus, e.getMessage(), true);
        }
    }

    // ================================================================== agreement and results

    private Component resultsTab() {
        resultTask.setId("human-result-task");
        resultTask.setLabel("Task");
        Button compute = new Button("Agreement and results", e -> showResults());
        compute.setId("human-agreement");
        compute.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        resultStatus.setId("human-result-status");
        agreement.setId("human-agreement-grid");
        agreement.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        agreement.addColumn(HumanEvaluation.CriterionAgreement::criterion).setHeader("Criterion");
        agreement.addColumn(a -> a.fleissKappa() == null ? "—" : String.format(Locale.ROOT, "%.3f", a.fleissKappa())).setHeader("Fleiss' κ");
        agreement.addColumn(a -> a.meetsTarget() == null ? "" : a.meetsTarget() ? "✓ above 0.6" : "✗ below 0.6").setHeader("Target κ > 0.6");
        agreement.addColumn(a -> a.percentAgreement() == null ? "—" : String.format(Locale.ROOT, "%.1f %%", 100 * a.percentAgreement()))
                .setHeader("Percent agreement");
        agreement.addColumn(HumanEvaluation.CriterionAgreement::items).setHeader("Items (k judgments)");
        agreement.addColumn(a -> String.join("; ", a.cohen().stream().map(c -> c.get("annotators") + ": κ = " + (c.get("cohen_kappa") == null ? "—"
                : String.format(Locale.ROOT, "%.3f", ((Number) c.get("cohen_kappa")).doubleValue()))).toList())
                + (a.note() == null ? "" : (a.cohen().isEmpty() ? "" : " · ") + a.note())).setHeader("Cohen's κ per pair · note").setFlexGrow(3);
        agreement.setAllRowsVisible(true);
        scores.setId("human-scores");
        scores.addThemeVariants(GridVariant.LUMO_COMPACT);
        scores.addColumn(HumanEvaluation.Score::model).setHeader("Model").setFlexGrow(2);
        scores.addColumn(HumanEvaluation.Score::measure).setHeader("Measure");
        scores.addColumn(s -> String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", s.value(), s.ci95()[0], s.ci95()[1])).setHeader("Mean [95 % interval]");
        scores.addColumn(HumanEvaluation.Score::n).setHeader("Judgments");
        scores.setAllRowsVisible(true);
        ranking.setId("human-ranking");
        ranking.addThemeVariants(GridVariant.LUMO_COMPACT);
        ranking.addColumn(Ranking.Rated::model).setHeader("Model").setFlexGrow(2);
        ranking.addColumn(r -> String.format(Locale.ROOT, "%.0f", r.bradleyTerry())).setHeader("Bradley–Terry (Elo scale)");
        ranking.addColumn(r -> String.format(Locale.ROOT, "%.0f", r.elo())).setHeader("Elo (in order)");
        ranking.addColumn(r -> r.wins() + " / " + r.games()).setHeader("Wins / games");
        ranking.setAllRowsVisible(true);
        VerticalLayout tab = new VerticalLayout(row(resultTask, compute), resultStatus, new H3("Agreement"), agreement, new H3("Per model"), scores,
                rankingTitle, ranking);
        tab.setPadding(false);
        return tab;
    }

    void showResults() {
        if (resultTask.getValue() == null) {
            return;
        }
        try {
            agreement.setItems(human.agreement(resultTask.getValue()));
            HumanEvaluation.Results r = human.results(resultTask.getValue());
            scores.setItems(r.scores());
            ranking.setItems(r.ranking());
            ranking.setVisible(!r.ranking().isEmpty());
            rankingTitle.setVisible(!r.ranking().isEmpty());
            status(resultStatus, "", false);
        } catch (BadInputException e) {
            status(resultStatus, e.getMessage(), true);
        }
    }

    // ================================================================== LLM judge

    private Component judgeTab(List<String> models) {
        judgeTask.setId("judge-task");
        judgeTask.setLabel("Task");
        judgeTask.addValueChangeListener(e -> {
            if (e.getValue() != null) {
                template.setValue(human.task(e.getValue()).pairwise() ? JudgeService.PAIRWISE_TEMPLATE : JudgeService.RATING_TEMPLATE);
            }
        });
        List<String> judges = new ArrayList<>(models);
        Map<String, Object> remote = judge.remote();
        if (Boolean.TRUE.equals(remote.get("configured"))) {
            judges.add(0, JudgeService.REMOTE);
        }
        judgeModel.setId("judge-model");
        judgeModel.setLabel("Judge");
        judgeModel.setItems(judges);
        judgeModel.setItemLabelGenerator(j -> j.equals(JudgeService.REMOTE) ? "endpoint: " + remote.get("judge") : j);
        judgeModel.setHelperText(Boolean.TRUE.equals(remote.get("configured")) ? "" : "no endpoint configured (playground.evaluation.judge.base-url)");
        if (!judges.isEmpty()) {
            judgeModel.setValue(judges.get(0));
        }
        template.setId("judge-template");
        template.setWidthFull();
        template.setHeight("14em");
        Button start = new Button("Judge the task", e -> startJudge());
        start.setId("judge-start");
        start.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        judgeStatus.setId("judge-status");
        judgeStatus.getStyle().set("white-space", "pre-wrap");
        VerticalLayout tab = new VerticalLayout(row(judgeTask, judgeModel, start), template, judgeStatus);
        tab.setPadding(false);
        return tab;
    }

    private void startJudge() {
        if (judgeTask.getValue() == null || judgeModel.getValue() == null) {
            status(judgeStatus, "Choose a task and a judge.", true);
            return;
        }
        try {
            JudgeStore.Run run = judge.start(new JudgeService.Request(judgeTask.getValue(), judgeModel.getValue(), template.getValue(), null, null));
            status(judgeStatus, "Judging (each pair in both orders)…", false);
            Async.run(this, executor, () -> {
                try {
                    jobs.await(run.jobId(), Duration.ofMinutes(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return judge.results(run.id());
            }, this::showJudge, m -> status(judgeStatus, m, true));
        } catch (BadInputException e) {
            status(judgeStatus, e.getMessage(), true);
        }
    }

    private void showJudge(Map<String, Object> r) {
        JudgeStore.Run run = (JudgeStore.Run) r.get("run");
        status(judgeStatus, String.format("%s: %s%s%nCounts: %s%nScores: %s%nAgreement with the humans' majority: %s", run.judge(), run.state(),
                run.message() == null ? "" : " (" + run.message() + ")", r.get("counts"), r.get("scores"), r.get("agreement_with_humans")),
                !"succeeded".equals(run.state()));
    }
}
