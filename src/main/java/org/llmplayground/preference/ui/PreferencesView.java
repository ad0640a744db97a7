package org.llmplayground.preference.ui;

import static org.llmplayground.core.ui.Layouts.row;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.StreamResource;
import io.micronaut.context.annotation.Prototype;
import org.llmplayground.app.ui.MainLayout;
import org.llmplayground.core.BackgroundExecutor;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.chart.Chart;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.core.ui.Async;
import org.llmplayground.core.ui.Explainer;
import org.llmplayground.core.ui.JobProgress;
import org.llmplayground.core.ui.PairJudgePanel;
import org.llmplayground.generation.GenerationService;
import org.llmplayground.model.LoadedModel;
import org.llmplayground.preference.PreferenceCollector;
import org.llmplayground.preference.PreferenceJobs;
import org.llmplayground.preference.PreferenceSets;
import org.llmplayground.preference.RewardScores;
import org.llmplayground.training.Trainer;
import org.llmplayground.training.TrainingCharts;
import org.llmplayground.training.TrainingEvent;
import org.llmplayground.training.TrainingRun;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Lab 7: preferences. Collect: judge two hidden answers to one prompt (A better, B better, tie, both bad; keys 1–4,
 * U to undo), progress through a prompt set, export the judgments. Reward model: train it live (loss, pairs ranked
 * right, margin), score any answer, see the pairs it gets wrong. DPO: align the SFT model with live rewards, margins,
 * accuracy and KL, then SFT and DPO answers side by side.
 */
@Route(value = "preferences", layout = MainLayout.class)
@PageTitle("Preferences · LLM Playground")
@Prototype
public class PreferencesView extends VerticalLayout {
    static final String EXPLANATION = """
            <p><b>RLHF in one picture</b>: <i>SFT</i> (learn to answer) → <i>reward model</i> (learn what people prefer
            from pairs of answers) → <i>policy optimisation</i> (make the SFT model's answers score higher, without
            drifting far from it). People are better at saying which of two answers is better than at writing the best
            one: that is why we collect <b>pairs</b>.</p>
            <p>A <b>reward model</b> is the transformer with its word head replaced by one number r(x, y), read at the
            last token. It learns from pairs with the <b>Bradley–Terry</b> loss <code>−log σ(r_chosen − r_rejected)</code>:
            the probability that people prefer the chosen answer is σ of the reward difference (rewards 1.0 vs 0.2 → loss
            0.371; 0.5 vs 0.9 → 0.913). Its accuracy is the share of held-out pairs it ranks right.</p>
            <p><b>DPO</b> needs no reward model at training time: the policy π defines an <i>implicit reward</i>
            <code>β·log π(y|x)/π_ref(y|x)</code>, and the loss is Bradley–Terry on it:
            <code>−log σ(β[(log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l))])</code>, log-probabilities summed
            over the answer's tokens. The reference π_ref is the SFT model: here the same network with the new LoRA
            adapters switched off, so no second copy sits in memory. <b>β</b> sets how far the policy may move: small β,
            big moves allowed; large β, it stays close.</p>
            <p><b>KL(π ‖ π_ref)</b>, estimated on answers sampled from the policy, measures how far it has moved, in nats
            per answer. It must stay small: a policy that runs away from its reference loses what SFT taught it (both
            rewards fall, exact match collapses). Try: the demo with β 0.1 and learning rate 1e-3 and watch the KL
            warning; then 3e-4 with RPO α 1 (an added loss that keeps the chosen answers likely).</p>
            """;

    private final PreferenceCollector collector;
    private final PreferenceJobs prefJobs;
    private final RewardScores rewards;
    private final PreferenceSets sets;
    private final GenerationService generation;
    private final JobRunner jobs;
    private final BackgroundExecutor executor;

    // collect
    private final TextField annotator = new TextField("Annotator");
    private final ComboBox<String> promptSet = new ComboBox<>("Prompt set");
    private final ComboBox<String> modelA = new ComboBox<>("Model 1");
    private final NumberField tempA = new NumberField("Temperature 1");
    private final ComboBox<String> modelB = new ComboBox<>("Model 2");
    private final NumberField tempB = new NumberField("Temperature 2");
    private final Select<String> activeRun = new Select<>();
    private final TextField typed = new TextField("Or type a prompt");
    private final PairJudgePanel pair = new PairJudgePanel("pref", this::judge, this::undo);
    private final Span collectStatus = new Span();
    private final Span collectProgress = new Span();
    private final Grid<PreferenceCollector.Listed> judged = new Grid<>();
    private final Div exportBox = new Div();
    private final TextField saveName = new TextField("Save as preference set");
    private PreferenceCollector.Offer offer;

    // reward model
    private final ComboBox<String> rewardSet = new ComboBox<>("Preference set");
    private final IntegerField rewardSteps = new IntegerField("Steps");
    private final NumberField margin = new NumberField("Margin m");
    private final Button rewardStart = new Button("Train reward model");
    private final Span rewardError = new Span();
    private final JobProgress rewardProgress;
    private final Chart rewardLoss = new Chart();
    private final Chart rewardAccuracy = new Chart();
    private final Select<TrainingRun> rewardRun = new Select<>();
    private final TextField scorePrompt = new TextField("Prompt");
    private final TextField scoreAnswer = new TextField("Answer");
    private final Span scoreResult = new Span();
    private final Span checkResult = new Span();
    private final Grid<RewardScores.Ranked> wrongPairs = new Grid<>();
    private final RunTrace rewardTrace = new RunTrace();

    // DPO
    private final ComboBox<String> dpoSet = new ComboBox<>("Preference set");
    private final IntegerField dpoSteps = new IntegerField("Steps");
    private final NumberField beta = new NumberField("β");
    private final Select<String> dpoLoss = new Select<>();
    private final NumberField rpo = new NumberField("RPO α");
    private final NumberField lr = new NumberField("Learning rate");
    private final Select<String> reference = new Select<>();
    private final Button dpoStart = new Button("Align with DPO");
    private final Span dpoError = new Span();
    private final JobProgress dpoProgress;
    private final Chart dpoLossChart = new Chart();
    private final Chart dpoRewards = new Chart();
    private final Chart dpoAccuracy = new Chart();
    private final Chart dpoKl = new Chart();
    private final Span klWarning = new Span();
    private final Button dpoCompare = new Button("SFT vs DPO");
    private final Span compareResult = new Span();
    private final Grid<PreferenceJobs.Answers> compareGrid = new Grid<>();
    private final RunTrace dpoTrace = new RunTrace();
    private String dpoRunId;

    /** One run's events as they arrive: steps, evaluations, measures by step (DPO's metrics and the KL arrive apart). */
    static final class RunTrace {
        final List<Trainer.StepMetrics> steps = new ArrayList<>();
        final List<Trainer.EvalMetrics> evals = new ArrayList<>();
        final Map<Integer, Map<String, Double>> measures = new java.util.TreeMap<>();

        void clear() {
            steps.clear();
            evals.clear();
            measures.clear();
        }

        /** Takes in an event; true when the charts should be redrawn. */
        boolean add(TrainingEvent e) {
            if (e.step() != null) {
                steps.add(e.step());
            }
            if (e.eval() != null) {
                evals.add(e.eval());
            }
            if (e.measure() != null) {
                measures.computeIfAbsent(e.measure().step(), k -> new LinkedHashMap<>()).putAll(e.measure().values());
            }
            return e.step() == null || e.step().step() % 10 == 0;
        }

        List<Trainer.Measured> measured() {
            return measures.entrySet().stream().map(x -> new Trainer.Measured(x.getKey(), x.getValue())).toList();
        }
    }

    public PreferencesView(PreferenceCollector collector, PreferenceJobs prefJobs, RewardScores rewards, PreferenceSets sets,
                           GenerationService generation, JobRunner jobs, BackgroundExecutor executor) {
        this.collector = collector;
        this.prefJobs = prefJobs;
        this.rewards = rewards;
        this.sets = sets;
        this.generation = generation;
        this.jobs = jobs;
        this.executor = executor;
        this.rewardProgress = new JobProgress(jobs, "pref-reward").items("steps").onPayload(p -> onReward(p)).onFinished(r -> rewardFinished());
        this.dpoProgress = new JobProgress(jobs, "pref-dpo").items("steps").onPayload(p -> onDpo(p)).onFinished(r -> dpoFinished());
        setWidthFull();
        TabSheet tabs = new TabSheet();
        tabs.setId("pref-tabs");
        tabs.setWidthFull();
        tabs.add("1. Collect", collectTab());
        tabs.add("2. Reward model", rewardTab());
        tabs.add("3. DPO", dpoTab());
        add(new H1("7. Preferences"), new Explainer("Learning from preferences: reward models and DPO", EXPLANATION), tabs);
    }

    // ================================================================== collect

    private Component collectTab() {
        annotator.setId("pref-annotator");
        annotator.setValue("me");
        annotator.setWidth("10em");
        promptSet.setId("pref-prompt-set");
        promptSet.setItems(collector.promptSets());
        promptSet.setValue(PreferenceSets.DEMO);
        promptSet.setAllowCustomValue(true);
        promptSet.addCustomValueSetListener(e -> promptSet.setValue(e.getDetail()));
        promptSet.setHelperText("preference-demo: 21 prompts to label; or name a new set");
        List<String> models = new ArrayList<>(List.of(PreferenceCollector.SFT_DEMO_MODEL));
        generation.models().stream().filter(LoadedModel.ModelInfo::readsText).map(LoadedModel.ModelInfo::id)
                .filter(id -> !id.equals("import-" + PreferenceCollector.SFT_DEMO_MODEL)).forEach(models::add);
        for (ComboBox<String> m : List.of(modelA, modelB)) {
            m.setItems(models);
            m.setValue(PreferenceCollector.SFT_DEMO_MODEL);
            m.setWidth("13em");
        }
        modelA.setId("pref-model-a");
        modelB.setId("pref-model-b");
        modelA.setHelperText("sft-demo: the fine-tuning demo's model");
        tempA.setId("pref-temp-a");
        tempA.setValue(0.0);
        tempA.setHelperText("0: greedy");
        tempB.setId("pref-temp-b");
        tempB.setValue(1.0);
        for (NumberField t : List.of(tempA, tempB)) {
            t.setMin(0);
            t.setMax(5);
            t.setStep(0.1);
            t.setWidth("8em");
        }
        activeRun.setId("pref-active-run");
        activeRun.setLabel("Active selection");
        activeRun.setHelperText("offer first the pairs a reward model is least sure about");
        refreshActiveRuns();
        HorizontalLayout settings = row(annotator, promptSet, modelA, tempA, modelB, tempB, activeRun);

        typed.setId("pref-typed");
        typed.setWidth("28em");
        typed.setPlaceholder("e.g. Reverse the word: night");
        Button ask = new Button("Make a pair", e -> next(true));
        ask.setId("pref-ask");
        Button next = new Button("Next pair from the set", e -> next(false));
        next.setId("pref-next");
        next.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        HorizontalLayout asking = row(next, typed, ask);

        collectStatus.setId("pref-collect-status");
        collectProgress.setId("pref-progress");
        judged.setId("pref-judged");
        judged.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        judged.addColumn(l -> l.pair().prompt()).setHeader("Prompt").setFlexGrow(2);
        judged.addColumn(l -> l.pair().answerA()).setHeader("Answer a").setFlexGrow(2);
        judged.addColumn(l -> l.pair().answerB()).setHeader("Answer b").setFlexGrow(2);
        judged.addColumn(l -> l.pair().sourceA() + " | " + l.pair().sourceB()).setHeader("Written by (a | b)").setFlexGrow(3);
        judged.addColumn(l -> l.judgments().stream().map(j -> j.annotator() + ": " + j.verdict() + (j.note() == null ? "" : " (" + j.note() + ")"))
                .collect(Collectors.joining("; "))).setHeader("Judgments").setFlexGrow(3);
        judged.setAllRowsVisible(true);
        saveName.setId("pref-save-name");
        saveName.setPlaceholder("my-preferences");
        Button save = new Button("Save", e -> saveSet());
        save.setId("pref-save");
        exportBox.setId("pref-export");
        VerticalLayout tab = new VerticalLayout(settings, asking, pair, collectProgress, collectStatus, new H3("Judged so far"), row(exportBox, saveName, save), judged);
        tab.setPadding(false);
        refreshJudged();
        return tab;
    }


    private void refreshActiveRuns() {
        List<String> items = new ArrayList<>(List.of("none"));
        prefJobs.runs(PreferenceJobs.Kind.REWARD).stream().filter(r -> r.state() == TrainingRun.State.FINISHED).map(TrainingRun::id).forEach(items::add);
        String was = activeRun.getValue();
        activeRun.setItems(items);
        Map<String, String> names = prefJobs.runs(PreferenceJobs.Kind.REWARD).stream().collect(Collectors.toMap(TrainingRun::id, TrainingRun::name));
        activeRun.setItemLabelGenerator(id -> "none".equals(id) ? "none (in order)" : names.getOrDefault(id, id));
        activeRun.setValue(was != null && items.contains(was) ? was : "none");
    }

    private PreferenceCollector.Request request(String typedPrompt) {
        String run = activeRun.getValue() == null || "none".equals(activeRun.getValue()) ? null : activeRun.getValue();
        return new PreferenceCollector.Request(annotator.getValue(), typedPrompt != null ? (promptSet.getValue() == null
                || PreferenceSets.DEMO.equals(promptSet.getValue()) ? PreferenceCollector.TYPED : promptSet.getValue()) : promptSet.getValue(),
                typedPrompt, new PreferenceCollector.Side(modelA.getValue(), tempA.getValue(), 1L),
                new PreferenceCollector.Side(modelB.getValue(), tempB.getValue(), 2L), "plain", run);
    }

    private void next(boolean fromTyped) {
        if (fromTyped && typed.getValue().isBlank()) {
            showStatus("Type a prompt first.", true);
            return;
        }
        PreferenceCollector.Request r = request(fromTyped ? typed.getValue() : null);
        showStatus("Writing two answers…", false);
        Async.run(this, executor, () -> collector.next(r), o -> {
            show(o);
            showStatus(o.uncertainty() == null ? "" : String.format("The reward model is least sure about this pair: |r₁ − r₂| = %.3f.",
                    o.uncertainty()), false);
        }, m -> showStatus(m, true));
    }

    private void show(PreferenceCollector.Offer o) {
        offer = o;
        pair.show(o.prompt(), o.first(), o.second());
        showProgress(o.progress());
    }

    private void showProgress(PreferenceCollector.Progress p) {
        collectProgress.setText(String.format("%s judged %d of %d pairs of '%s' (%d prompts in the set).", annotator.getValue().strip(),
                p.judged(), p.pairs(), p.promptSet(), p.prompts()));
    }

    private void judge(String choice) {
        if (offer == null) {
            return;
        }
        try {
            PreferenceCollector.Judged j = collector.judge(offer.pairId(), annotator.getValue(), choice, pair.note());
            showProgress(j.progress());
            showStatus("Judged: " + j.choice() + ".", false);
            offer = null;
            pair.disable();
            refreshJudged();
            next(false);
        } catch (BadInputException e) {
            showStatus(e.getMessage(), true);
        }
    }

    private void undo() {
        try {
            PreferenceCollector.Offer o = collector.undo(annotator.getValue());
            show(o);
            showStatus("Undone: judge this pair again.", false);
            refreshJudged();
        } catch (BadInputException e) {
            showStatus(e.getMessage(), true);
        }
    }

    private void showStatus(String text, boolean error) {
        collectStatus.setText(text);
        if (error) {
            collectStatus.addClassName("pg-error");
        } else {
            collectStatus.removeClassName("pg-error");
        }
    }

    private void refreshJudged() {
        String set = promptSet.getValue() == null ? PreferenceSets.DEMO : promptSet.getValue();
        List<PreferenceCollector.Listed> listed = new ArrayList<>(collector.list(set));
        if (!set.equals(PreferenceCollector.TYPED)) {
            listed.addAll(collector.list(PreferenceCollector.TYPED));
        }
        judged.setItems(listed.stream().filter(l -> !l.judgments().isEmpty()).toList());
        exportBox.removeAll();
        PreferenceCollector.Export e = collector.export(set);
        Anchor download = new Anchor(new StreamResource(set + "-preferences.jsonl",
                () -> new ByteArrayInputStream(collector.export(set).jsonl().getBytes(StandardCharsets.UTF_8))), "Export as TRL .jsonl");
        download.getElement().setAttribute("download", true);
        download.setId("pref-export-link");
        Span counts = new Span(String.format(" %d pairs with a winner; left out: %d ties, %d both bad, %d split, %d not judged",
                e.pairs().size(), e.ties(), e.bothBad(), e.split(), e.unjudged()));
        counts.setId("pref-export-counts");
        exportBox.add(download, counts);
    }

    private void saveSet() {
        String set = promptSet.getValue() == null ? PreferenceSets.DEMO : promptSet.getValue();
        try {
            PreferenceSets.Imported i = collector.saveAsSet(set, saveName.getValue());
            showStatus(String.format("Saved %d pairs as the preference set '%s': train a reward model or DPO on it.", i.pairs(), i.id()), false);
            List<String> all = sets.list();
            rewardSet.setItems(all);
            dpoSet.setItems(all);
        } catch (BadInputException | java.io.IOException e) {
            showStatus(e.getMessage(), true);
        }
    }

    // ================================================================== reward model

    private Component rewardTab() {
        rewardSet.setId("pref-reward-set");
        rewardSet.setItems(sets.list());
        rewardSet.setValue(PreferenceSets.DEMO);
        rewardSteps.setId("pref-reward-steps");
        rewardSteps.setValue(300);
        rewardSteps.setMin(1);
        rewardSteps.setHelperText("300 ≈ 30 s on 2 cores: ≥ 70 % of held-out pairs ranked right");
        margin.setId("pref-reward-margin");
        margin.setValue(0.0);
        margin.setMin(0);
        margin.setHelperText("−log σ(r_c − r_r − m); 0: plain");
        rewardStart.setId("pref-reward-start");
        rewardStart.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        rewardStart.addClickListener(e -> startReward());
        rewardError.setId("pref-reward-error");
        rewardError.addClassName("pg-error");
        Span about = new Span("The SFT demo model reads prompt + answer; LoRA adapters and a scalar head on the last token learn "
                + "r(chosen) > r(rejected) (Bradley–Terry). Accuracy: held-out pairs ranked right.");
        rewardLoss.setId("pref-reward-loss");
        rewardAccuracy.setId("pref-reward-accuracy");
        for (Chart c : List.of(rewardLoss, rewardAccuracy)) {
            c.setHeight("260px");
            c.setWidth("48%");
            c.setVisible(false);
        }
        HorizontalLayout charts = new HorizontalLayout(rewardLoss, rewardAccuracy);
        charts.setWidthFull();

        rewardRun.setId("pref-reward-run");
        rewardRun.setLabel("Reward model");
        rewardRun.setItemLabelGenerator(r -> r.name() + " (" + r.state().name().toLowerCase() + ", step " + r.step() + ")");
        refreshRewardRuns(null);
        scorePrompt.setId("pref-score-prompt");
        scorePrompt.setValue("Reverse the word: night");
        scoreAnswer.setId("pref-score-answer");
        scoreAnswer.setValue("thgin");
        Button score = new Button("Score", e -> score());
        score.setId("pref-score");
        scoreResult.setId("pref-score-result");
        Button check = new Button("Pairs it gets wrong", e -> check());
        check.setId("pref-check");
        checkResult.setId("pref-check-result");
        wrongPairs.setId("pref-wrong");
        wrongPairs.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        wrongPairs.addColumn(RewardScores.Ranked::prompt).setHeader("Prompt").setFlexGrow(2);
        wrongPairs.addColumn(RewardScores.Ranked::chosen).setHeader("Chosen");
        wrongPairs.addColumn(RewardScores.Ranked::rejected).setHeader("Rejected");
        wrongPairs.addColumn(r -> String.format("%.3f", r.rewardChosen())).setHeader("r(chosen)");
        wrongPairs.addColumn(r -> String.format("%.3f", r.rewardRejected())).setHeader("r(rejected)");
        wrongPairs.setAllRowsVisible(true);
        wrongPairs.setVisible(false);
        VerticalLayout tab = new VerticalLayout(about, row(rewardSet, rewardSteps, margin, rewardStart), rewardError, rewardProgress, charts,
                new H3("Use it"), row(rewardRun, scorePrompt, scoreAnswer, score), scoreResult, row(check, checkResult), wrongPairs);
        tab.setPadding(false);
        return tab;
    }

    private void refreshRewardRuns(String select) {
        List<TrainingRun> runs = prefJobs.runs(PreferenceJobs.Kind.REWARD).stream().filter(r -> r.step() > 0).toList();
        rewardRun.setItems(runs);
        runs.stream().filter(r -> r.id().equals(select)).findFirst().or(() -> runs.stream().findFirst()).ifPresent(rewardRun::setValue);
    }

    private void startReward() {
        rewardError.setText("");
        try {
            int steps = rewardSteps.getValue() == null ? 0 : rewardSteps.getValue();
            if (steps < 1) {
                throw new BadInputException("Train for at least 1 step.");
            }
            if (margin.getValue() == null || margin.getValue() < 0) {
                throw new BadInputException("The margin must be 0 or more (got " + margin.getValue() + ").");
            }
            TrainingRun run = prefJobs.start(prefJobs.rewardConfig(rewardSet.getValue(), steps, margin.getValue()));
            rewardTrace.clear();
            rewardLoss.setVisible(true);
            rewardAccuracy.setVisible(true);
            rewardStart.setEnabled(false);
            rewardProgress.follow(jobs.get(run.jobId()));
        } catch (BadInputException e) {
            rewardError.setText(e.getMessage());
        }
    }

    private void onReward(Object payload) {
        if (payload instanceof TrainingEvent e && rewardTrace.add(e)) {
            drawReward();
        }
    }

    private void drawReward() {
        rewardLoss.setOption(TrainingCharts.loss(rewardTrace.steps, rewardTrace.evals, List.of()));
        Map<String, Object> acc = TrainingCharts.evalAccuracy("held-out pairs ranked right", rewardTrace.evals, "#059669");
        rewardAccuracy.setOption(acc);
    }

    private void rewardFinished() {
        rewardStart.setEnabled(true);
        drawReward();
        String last = prefJobs.runs(PreferenceJobs.Kind.REWARD).stream().findFirst().map(TrainingRun::id).orElse(null);
        refreshRewardRuns(last);
        refreshActiveRuns();
    }

    private void score() {
        if (rewardRun.getValue() == null) {
            scoreResult.setText("Train a reward model first.");
            return;
        }
        String id = rewardRun.getValue().id();
        Async.run(this, executor, () -> rewards.score(id, scorePrompt.getValue(), scoreAnswer.getValue()),
                s -> scoreResult.setText(String.format("r = %.4f (%d tokens%s; the reward model at step %d)", s.reward(), s.tokens(),
                        s.cut() ? ", the prompt cut from its start to fit" : "", s.step())), scoreResult::setText);
    }

    private void check() {
        if (rewardRun.getValue() == null) {
            checkResult.setText("Train a reward model first.");
            return;
        }
        String id = rewardRun.getValue().id();
        checkResult.setText("Scoring the held-out test pairs…");
        Async.run(this, executor, () -> rewards.check(id, null, 50), c -> {
            checkResult.setText(String.format("%s: %.1f %% of %d held-out test pairs ranked right, mean margin %.3f; the wrong ones:",
                    c.dataset(), 100 * c.accuracy(), c.pairs(), c.meanMargin()));
            wrongPairs.setItems(c.wrong());
            wrongPairs.setVisible(true);
        }, checkResult::setText);
    }

    // ================================================================== DPO

    private Component dpoTab() {
        dpoSet.setId("pref-dpo-set");
        dpoSet.setItems(sets.list());
        dpoSet.setValue(PreferenceSets.DEMO_ON_POLICY);
        dpoSet.setHelperText("-onpolicy: the SFT model's own mistakes as rejected answers");
        dpoSteps.setId("pref-dpo-steps");
        dpoSteps.setValue(300);
        dpoSteps.setMin(1);
        beta.setId("pref-dpo-beta");
        beta.setValue(0.1);
        beta.setHelperText("above 0; 0.1 is usual");
        dpoLoss.setId("pref-dpo-loss");
        dpoLoss.setLabel("Loss");
        dpoLoss.setItems("sigmoid", "hinge", "ipo");
        dpoLoss.setValue("sigmoid");
        rpo.setId("pref-dpo-rpo");
        rpo.setValue(1.0);
        rpo.setHelperText("+ α·NLL of the chosen answers; 0: plain DPO");
        lr.setId("pref-dpo-lr");
        lr.setValue(3e-4);
        lr.setHelperText("1e-3 runs away (watch the KL)");
        reference.setId("pref-dpo-reference");
        reference.setLabel("Reference π_ref");
        reference.setItems("adapters-off", "copy");
        reference.setValue("adapters-off");
        reference.setItemLabelGenerator(r -> r.equals("copy") ? "a frozen copy (2× weights)" : "adapters off (no copy)");
        dpoStart.setId("pref-dpo-start");
        dpoStart.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dpoStart.addClickListener(e -> startDpo());
        dpoError.setId("pref-dpo-error");
        dpoError.addClassName("pg-error");
        klWarning.setId("pref-kl-warning");
        klWarning.addClassName("pg-error");
        Span about = new Span("The policy: new LoRA adapters on the SFT demo model; the reference: the same model with them off.");
        dpoLossChart.setId("pref-dpo-loss-chart");
        dpoRewards.setId("pref-dpo-rewards");
        dpoAccuracy.setId("pref-dpo-accuracy");
        dpoKl.setId("pref-dpo-kl");
        for (Chart c : List.of(dpoLossChart, dpoRewards, dpoAccuracy, dpoKl)) {
            c.setHeight("240px");
            c.setWidth("48%");
            c.setVisible(false);
        }
        HorizontalLayout charts1 = new HorizontalLayout(dpoLossChart, dpoRewards);
        HorizontalLayout charts2 = new HorizontalLayout(dpoAccuracy, dpoKl);
        charts1.setWidthFull();
        charts2.setWidthFull();
        dpoCompare.setId("pref-dpo-compare");
        dpoCompare.setEnabled(false);
        dpoCompare.addClickListener(e -> compare());
        compareResult.setId("pref-compare-result");
        compareGrid.setId("pref-compare");
        compareGrid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        compareGrid.addColumn(PreferenceJobs.Answers::prompt).setHeader("Held-out prompt").setFlexGrow(2);
        compareGrid.addColumn(PreferenceJobs.Answers::expected).setHeader("Chosen answer");
        compareGrid.addColumn(a -> a.sft() + (a.sftRight() ? " ✓" : "")).setHeader("SFT (reference)");
        compareGrid.addColumn(a -> a.dpo() + (a.dpoRight() ? " ✓" : "")).setHeader("DPO (policy)");
        compareGrid.setAllRowsVisible(true);
        compareGrid.setVisible(false);
        VerticalLayout tab = new VerticalLayout(about, row(dpoSet, dpoSteps, beta, dpoLoss, rpo, lr, reference, dpoStart), dpoError, dpoProgress,
                klWarning, charts1, charts2, new H3("SFT vs DPO"), row(dpoCompare, compareResult), compareGrid);
        tab.setPadding(false);
        return tab;
    }

    private void startDpo() {
        dpoError.setText("");
        klWarning.setText("");
        try {
            int steps = dpoSteps.getValue() == null ? 0 : dpoSteps.getValue();
            if (steps < 1) {
                throw new BadInputException("Train for at least 1 step.");
            }
            if (beta.getValue() == null || !(beta.getValue() > 0)) {
                throw new BadInputException("β must be above 0 (got " + beta.getValue() + "): it weighs the implicit reward β·log π/π_ref.");
            }
            if (lr.getValue() == null || !(lr.getValue() > 0)) {
                throw new BadInputException("The learning rate must be above 0.");
            }
            TrainingRun run = prefJobs.start(prefJobs.dpoConfig(dpoSet.getValue(), steps, beta.getValue(), dpoLoss.getValue(),
                    rpo.getValue() == null ? 0 : rpo.getValue(), lr.getValue(), reference.getValue()));
            dpoRunId = run.id();
            dpoTrace.clear();
            for (Chart c : List.of(dpoLossChart, dpoRewards, dpoAccuracy, dpoKl)) {
                c.setVisible(true);
            }
            dpoStart.setEnabled(false);
            dpoCompare.setEnabled(false);
            dpoProgress.follow(jobs.get(run.jobId()));
        } catch (BadInputException e) {
            dpoError.setText(e.getMessage());
        }
    }

    private void onDpo(Object payload) {
        if (!(payload instanceof TrainingEvent e)) {
            return;
        }
        if (e.measure() != null && e.measure().values().containsKey("kl") && e.measure().values().get("kl") > 5) {
            klWarning.setText(String.format("⚠ KL(π ‖ π_ref) = %.2f nats per answer at step %d: the policy is running away from its "
                    + "reference. Lower the learning rate or raise β.", e.measure().values().get("kl"), e.measure().step()));
        }
        if (dpoTrace.add(e)) {
            drawDpo();
        }
    }

    private void drawDpo() {
        List<Trainer.Measured> m = dpoTrace.measured();
        dpoLossChart.setOption(TrainingCharts.loss(dpoTrace.steps, dpoTrace.evals, List.of()));
        Map<String, String> r = new LinkedHashMap<>();
        r.put("rewards/chosen", "#059669");
        r.put("rewards/rejected", "#dc2626");
        r.put("rewards/margins", "#1d4ed8");
        dpoRewards.setOption(TrainingCharts.measured("implicit reward β·log π/π_ref", m, r));
        dpoAccuracy.setOption(TrainingCharts.measured("share of pairs", m, Map.of("rewards/accuracies", "#7c3aed")));
        dpoKl.setOption(TrainingCharts.measured("KL(π ‖ π_ref), nats per answer", m, Map.of("kl", "#d97706")));
    }

    private void dpoFinished() {
        dpoStart.setEnabled(true);
        drawDpo();
        dpoCompare.setEnabled(dpoRunId != null);
    }

    private void compare() {
        String id = dpoRunId;
        dpoCompare.setEnabled(false);
        compareResult.setText("Asking the SFT model and the DPO policy 50 held-out prompts…");
        Async.run(this, executor, () -> prefJobs.compare(id, 50), c -> {
            compareResult.setText(String.format("Exact match on %d held-out prompts of %s: SFT %.1f %% → DPO %.1f %%; preference "
                            + "accuracy (log π(chosen) > log π(rejected)): SFT %.1f %% → DPO %.1f %%", c.n(), c.dataset(),
                    100 * c.sftExactMatch(), 100 * c.dpoExactMatch(), 100 * c.sftPreferenceAccuracy(), 100 * c.dpoPreferenceAccuracy()));
            compareGrid.setItems(c.answers());
            compareGrid.setVisible(true);
            dpoCompare.setEnabled(true);
        }, message -> {
            compareResult.setText(message);
            dpoCompare.setEnabled(true);
        });
    }
}
