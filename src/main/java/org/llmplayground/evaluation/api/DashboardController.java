package org.llmplayground.evaluation.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.llmplayground.core.BadInputException;
import org.llmplayground.evaluation.EvaluationStore;
import org.llmplayground.evaluation.dashboard.Dashboard;
import org.llmplayground.evaluation.dashboard.Leaderboard;
import org.llmplayground.evaluation.human.HumanEvaluation;
import org.llmplayground.evaluation.human.HumanStore;
import org.llmplayground.evaluation.judge.JudgeService;
import org.llmplayground.evaluation.judge.JudgeStore;

import java.util.List;
import java.util.Map;

/** REST API of the evaluation dashboard, human evaluation and LLM-as-judge. */
@Controller("/api/v1/evaluation")
@Tag(name = "Evaluation", description = "Leaderboard, history, human evaluation, LLM-as-judge")
class DashboardController {
    private final Leaderboard leaderboard;
    private final Dashboard dashboard;
    private final HumanEvaluation human;
    private final JudgeService judge;

    DashboardController(Leaderboard leaderboard, Dashboard dashboard, HumanEvaluation human, JudgeService judge) {
        this.leaderboard = leaderboard;
        this.dashboard = dashboard;
        this.human = human;
        this.judge = judge;
    }

    @Operation(summary = "The leaderboard: one row per model and weights, one column per task/metric with stderr and 95 % interval, the best "
            + "per column marked, human columns (win rate, mean rating); ?family=all|mmlu|hellaswag|truthfulqa|humaneval|custom|human, "
            + "?sort=<column>&order=asc|desc, ?format=csv")
    @Get("/leaderboard")
    HttpResponse<?> leaderboard(@Nullable @QueryValue String family, @Nullable @QueryValue String sort, @Nullable @QueryValue String order,
                                @Nullable @QueryValue String format, @Nullable @Header("Accept") String accept) {
        Leaderboard.Board b = leaderboard.board(family, sort, order);
        if (csv(format, accept)) {
            return HttpResponse.ok(Leaderboard.csv(b)).contentType("text/csv; charset=utf-8")
                    .header("Content-Disposition", "attachment; filename=\"leaderboard-" + b.family() + ".csv\"");
        }
        return HttpResponse.ok(Leaderboard.json(b));
    }

    static boolean csv(@Nullable String format, @Nullable String accept) {
        boolean csv = "csv".equalsIgnoreCase(format) || (format == null && accept != null && accept.startsWith("text/csv"));
        if (format != null && !csv && !"json".equalsIgnoreCase(format)) {
            throw new BadInputException("format must be json or csv (got '" + format + "').");
        }
        return csv;
    }

    @Operation(summary = "A training run's benchmark history: scores per checkpoint step, the loss curve, validation loss at the checkpoints, "
            + "and regressions (a checkpoint significantly worse than the best before it)")
    @Get("/history/{runId}")
    Map<String, Object> history(@PathVariable String runId) {
        return dashboard.history(runId);
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record CheckpointsRequest(@Nullable List<String> tasks, @Nullable Integer limit) {
    }

    @Operation(summary = "Evaluate every checkpoint of a training run on {tasks, limit}: opens each as a model and starts its run (jobs)")
    @Post("/history/{runId}")
    HttpResponse<List<EvaluationStore.Run>> evaluateCheckpoints(@PathVariable String runId, @Body CheckpointsRequest req) {
        return HttpResponse.accepted().body(dashboard.evaluateCheckpoints(runId, req.tasks(), req.limit()));
    }

    @Operation(summary = "MMLU per subject and per category (STEM, humanities, social sciences, other) of a run, and of run ?b= beside it")
    @Get("/runs/{id}/categories")
    Map<String, Object> categories(@PathVariable String id, @Nullable @QueryValue String b) {
        return dashboard.categories(id, b);
    }

    @Operation(summary = "A comparison report of runs ?a= and ?b=: ?format=html (one page, charts inline as SVG) or md (a zip: report.md and "
            + "the charts as .svg)")
    @Get("/report")
    HttpResponse<byte[]> report(@QueryValue String a, @QueryValue String b, @Nullable @QueryValue String format) {
        boolean md = "md".equalsIgnoreCase(format);
        byte[] body = dashboard.report(a, b, format);
        return HttpResponse.ok(body).contentType(md ? "application/zip" : "text/html; charset=utf-8")
                .header("Content-Disposition", (md ? "attachment" : "inline") + "; filename=\"evaluation-report." + (md ? "zip" : "html") + "\"");
    }

    // ------------------------------------------------------------------ human evaluation

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record CreateTask(@Nullable String name, @Nullable String kind, @Nullable @JsonProperty("model_a") String modelA,
                      @Nullable @JsonProperty("model_b") String modelB, @Nullable @JsonProperty("temperature_a") Double temperatureA,
                      @Nullable @JsonProperty("temperature_b") Double temperatureB, @Nullable List<String> prompts,
                      @Nullable List<String> criteria, @Nullable String guidelines, @Nullable Integer k) {
    }

    @Operation(summary = "Human evaluation tasks")
    @Get("/human/tasks")
    List<HumanEvaluation.Listed> tasks() {
        return human.tasks();
    }

    @Operation(summary = "Create a human evaluation task {name, kind: pairwise|rating, model_a, model_b, temperature_a, temperature_b, prompts, "
            + "criteria, guidelines, k}: a job writes both models' answers to every prompt; each item is judged by k annotators")
    @Post("/human/tasks")
    HttpResponse<HumanEvaluation.Listed> create(@Body CreateTask c) {
        return HttpResponse.accepted().body(human.create(new HumanEvaluation.Create(c.name(), c.kind(), c.modelA(), c.modelB(), c.temperatureA(),
                c.temperatureB(), c.prompts(), c.criteria(), c.guidelines(), c.k())));
    }

    @Get("/human/tasks/{name}")
    HumanEvaluation.Listed task(@PathVariable String name) {
        return human.describe(name);
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record EditTask(@Nullable String guidelines, @Nullable List<String> criteria) {
    }

    @Operation(summary = "Edit a task's guidelines and (rating tasks) criteria")
    @Put("/human/tasks/{name}")
    HumanEvaluation.Listed edit(@PathVariable String name, @Body EditTask e) {
        return human.edit(name, e.guidelines(), e.criteria());
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record Annotator(@Nullable String annotator) {
    }

    @Operation(summary = "The next item for an annotator {annotator}: one they have not judged with fewer than k judgments (409 when none)")
    @Post("/human/tasks/{name}/next")
    HumanEvaluation.Item next(@PathVariable String name, @Body Annotator a) {
        return human.next(name, a.annotator());
    }

    @Operation(summary = "An annotator's progress: items, judgments needed and given, theirs, what is left for them, per annotator")
    @Get("/human/tasks/{name}/progress")
    HumanEvaluation.Progress progress(@PathVariable String name, @QueryValue String annotator) {
        return human.progress(name, annotator);
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record JudgeItem(@Nullable String annotator, @Nullable @JsonProperty("pair_id") String pairId, @Nullable String side,
                     @Nullable String choice, @Nullable Map<String, Object> ratings, @Nullable String note) {
    }

    @Operation(summary = "Judge an item: {annotator, pair_id, choice: A|B|tie|both_bad} (pairwise, over what the annotator saw) or "
            + "{annotator, pair_id, side: a|b, ratings: {criterion: 1–5}}; judging again replaces the earlier judgment (kept as history)")
    @Post("/human/tasks/{name}/judge")
    HumanEvaluation.Progress judge(@PathVariable String name, @Body JudgeItem j) {
        return human.judge(name, new HumanEvaluation.Judge(j.annotator(), j.pairId(), j.side(), j.choice(), j.ratings(), j.note()));
    }

    @Operation(summary = "Agreement per criterion: Fleiss' kappa (items judged by k annotators), Cohen's kappa per annotator pair, percent "
            + "agreement, against the 0.6 target")
    @Get("/human/tasks/{name}/agreement")
    List<HumanEvaluation.CriterionAgreement> agreement(@PathVariable String name) {
        return human.agreement(name);
    }

    @Operation(summary = "Per model: win rate with a 95 % interval and Bradley–Terry / Elo (pairwise), mean rating per criterion (rating)")
    @Get("/human/tasks/{name}/results")
    HumanEvaluation.Results results(@PathVariable String name) {
        return human.results(name);
    }

    @Operation(summary = "Every rating of a rating task, the replaced ones too (history)")
    @Get("/human/tasks/{name}/ratings")
    List<HumanStore.Rating> ratings(@PathVariable String name) {
        return human.ratings(name);
    }

    // ------------------------------------------------------------------ LLM-as-judge

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record JudgeRun(@Nullable String task, @Nullable String judge, @Nullable String template, @Nullable String criterion,
                    @Nullable @JsonProperty("max_tokens") Integer maxTokens) {
    }

    @Operation(summary = "Judge a human task's answers with a model: {task, judge: \"remote\" | a local model id, template, criterion, max_tokens} "
            + "→ 202 (a job); pairs judged in both orders")
    @Post("/judge/runs")
    HttpResponse<JudgeStore.Run> startJudge(@Body JudgeRun r) {
        return HttpResponse.accepted().body(judge.start(new JudgeService.Request(r.task(), r.judge(), r.template(), r.criterion(), r.maxTokens())));
    }

    @Operation(summary = "Judge runs (?task= to narrow), newest first; and whether a remote judge is configured (GET /judge/remote)")
    @Get("/judge/runs")
    List<JudgeStore.Run> judgeRuns(@Nullable @QueryValue String task) {
        return judge.runs(task);
    }

    @Get("/judge/remote")
    Map<String, Object> remote() {
        return judge.remote();
    }

    @Get("/judge/runs/{id}")
    JudgeStore.Run judgeRun(@PathVariable String id) {
        return judge.run(id);
    }

    @Operation(summary = "A judge run's results: counts (parsed, unparsed, failed, inconsistent orders), per item verdicts and raw replies, "
            + "per model scores, Cohen's kappa against the humans' majority")
    @Get("/judge/runs/{id}/results")
    Map<String, Object> judgeResults(@PathVariable String id) {
        return judge.results(id);
    }
}
