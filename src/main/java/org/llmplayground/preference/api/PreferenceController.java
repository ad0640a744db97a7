package org.llmplayground.preference.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.sse.Event;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.llmplayground.core.BadInputException;
import org.llmplayground.preference.PreferenceCollector;
import org.llmplayground.preference.PreferenceJobs;
import org.llmplayground.preference.PreferenceSets;
import org.llmplayground.preference.PreferenceStore;
import org.llmplayground.preference.RewardScores;
import org.llmplayground.training.Trainer;
import org.llmplayground.training.TrainingQueries;
import org.llmplayground.training.TrainingRun;
import org.llmplayground.training.TrainingService;
import org.llmplayground.training.api.RunEvents;
import org.reactivestreams.Publisher;

import java.io.IOException;
import java.util.List;

/**
 * REST API of the Preferences lab: the A/B pairs (next, judge, undo, list), preference sets (import, export, list
 * their pairs), reward-model runs and scoring, DPO runs and SFT vs DPO. Reward and DPO runs are training runs: these
 * endpoints are theirs filtered by kind; /api/v1/training/jobs shows them with every other run.
 */
@Controller("/api/v1/preferences")
@Tag(name = "Preferences", description = "Collect preferences, train reward models, align with DPO")
class PreferenceController {
    private final PreferenceSets sets;
    private final PreferenceCollector collector;
    private final PreferenceJobs jobs;
    private final RewardScores rewards;
    private final TrainingService training;
    private final TrainingQueries queries;

    PreferenceController(PreferenceSets sets, PreferenceCollector collector, PreferenceJobs jobs, RewardScores rewards,
                         TrainingService training, TrainingQueries queries) {
        this.sets = sets;
        this.collector = collector;
        this.jobs = jobs;
        this.rewards = rewards;
        this.training = training;
        this.queries = queries;
    }

    // ------------------------------------------------------------------ datasets

    @Operation(summary = "Import a preference file (raw body: .jsonl or .json, either gzipped; at most 64 MB decompressed) in the trl, "
            + "sharegpt or hh-rlhf layout; stored as the set <name> in TRL's layout; 201 with {id, pairs, skipped: [{line, reason}]}")
    @Post(value = "/datasets/import", consumes = MediaType.APPLICATION_OCTET_STREAM)
    HttpResponse<PreferenceSets.Imported> importSet(@QueryValue String name, @QueryValue String format,
                                                    jakarta.servlet.http.HttpServletRequest raw) throws IOException {
        return HttpResponse.created(sets.importSet(name, format, raw.getInputStream()));
    }

    @Operation(summary = "Preference sets: preference-demo, dpo_en_demo and the imported ones")
    @Get("/datasets")
    List<String> datasets() {
        return sets.list();
    }

    @Operation(summary = "Pairs of a set in file order: [{prompt, chosen, rejected}], offset (0) and limit (1–1,000; 50)")
    @Get("/datasets/{id}/pairs")
    List<PreferenceSets.PairView> pairs(@PathVariable String id, @Nullable @QueryValue Integer offset, @Nullable @QueryValue Integer limit) {
        return sets.pairs(id, offset == null ? 0 : offset, limit == null ? 50 : limit);
    }

    @Operation(summary = "The judged pairs of a prompt set as TRL preference lines (prompt, chosen, rejected; majority of the "
            + "annotators; ties and both-bad left out), as a .jsonl download")
    @Get(value = "/datasets/export", produces = {"application/x-ndjson", MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, MediaType.ALL})
    HttpResponse<String> export(@QueryValue String promptSet) {
        PreferenceCollector.Export e = collector.export(promptSet);
        return HttpResponse.ok(e.jsonl()).contentType("application/x-ndjson").header("Content-Disposition", "attachment; filename=\"" + promptSet + "-preferences.jsonl\"")
                .header("X-Pairs", String.valueOf(e.pairs().size())).header("X-Left-Out", String.format("ties %d, both bad %d, split %d, unjudged %d",
                        e.ties(), e.bothBad(), e.split(), e.unjudged()));
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record SaveRequest(String promptSet, String name) {
    }

    @Operation(summary = "Save a prompt set's judged pairs as a preference set to train on: {promptSet, name}; 201 with {id, pairs, skipped}")
    @Post("/datasets/from-judgments")
    HttpResponse<PreferenceSets.Imported> save(@Body SaveRequest req) throws IOException {
        return HttpResponse.created(collector.saveAsSet(req.promptSet(), req.name()));
    }

    // ------------------------------------------------------------------ the A/B pairs

    @Operation(summary = "The next pair for an annotator: {annotator, promptSet | prompt, a: {model, temperature, seed}, b: {…}, "
            + "template, rewardRun}; answers shown as first (A) and second (B), which model wrote which hidden; with rewardRun the "
            + "pair the reward model is least sure about; 409 when every pair of the set is judged")
    @Post("/pairs/next")
    PreferenceCollector.Offer next(@Body PreferenceCollector.Request req) {
        return collector.next(req);
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record JudgeRequest(String annotator, String choice, @Nullable String note) {
    }

    @Operation(summary = "Judge a pair as shown: {annotator, choice: A | B | tie | both_bad, note}; 404 for an unknown pair, 409 when "
            + "this annotator judged it already")
    @Post("/pairs/{id}/judge")
    PreferenceCollector.Judged judge(@PathVariable String id, @Body JudgeRequest req) {
        return collector.judge(id, req.annotator(), req.choice(), req.note());
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record UndoRequest(String annotator) {
    }

    @Operation(summary = "Undo an annotator's last judgment: {annotator}; answers that pair, offered again")
    @Post("/pairs/undo")
    PreferenceCollector.Offer undo(@Body UndoRequest req) {
        return collector.undo(req.annotator());
    }

    @Operation(summary = "The pairs of a prompt set with every judgment on them (annotator, verdict over the stored answers a/b, note, time)")
    @Get("/pairs")
    List<PreferenceCollector.Listed> list(@QueryValue String promptSet) {
        return collector.list(promptSet);
    }

    // ------------------------------------------------------------------ reward models and DPO runs

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record StartRequest(@Nullable String config, @Nullable String yaml, @Nullable String name, @Nullable Integer maxSteps) {
    }

    @Operation(summary = "Start a reward-model run: {\"config\": \"reward-demo\"} or {\"yaml\": …} with a reward section; 202 with the run")
    @Post("/reward/jobs/start")
    HttpResponse<TrainingRun> startReward(@Body StartRequest req) {
        return HttpResponse.accepted().body(jobs.start(PreferenceJobs.Kind.REWARD, req.config(), req.yaml(), req.name(), req.maxSteps()));
    }

    @Operation(summary = "Start a DPO run: {\"config\": \"dpo-demo\"} or {\"yaml\": …} with a dpo section; 202 with the run")
    @Post("/dpo/jobs/start")
    HttpResponse<TrainingRun> startDpo(@Body StartRequest req) {
        return HttpResponse.accepted().body(jobs.start(PreferenceJobs.Kind.DPO, req.config(), req.yaml(), req.name(), req.maxSteps()));
    }

    @Operation(summary = "Reward-model or DPO runs (kind: reward | dpo), newest first")
    @Get("/{kind}/jobs")
    List<TrainingRun> runs(@PathVariable String kind) {
        return jobs.runs(kind(kind));
    }

    @Operation(summary = "A run's record")
    @Get("/{kind}/jobs/{id}/status")
    TrainingRun status(@PathVariable String kind, @PathVariable String id) {
        return jobs.run(kind(kind), id);
    }

    @Operation(summary = "Step metrics after a step (loss, lr, grad norm, tokens/s, …)")
    @Get("/{kind}/jobs/{id}/metrics")
    List<Trainer.StepMetrics> metrics(@PathVariable String kind, @PathVariable String id, @QueryValue(defaultValue = "0") int after,
                                      @QueryValue(defaultValue = "1000") int limit) {
        jobs.run(kind(kind), id);
        return queries.metrics(id, after, limit);
    }

    @Operation(summary = "What the objective measured at each step after a step: DPO's rewards/chosen, rewards/rejected, "
            + "rewards/margins, rewards/accuracies, logps/chosen, logps/rejected; a reward model's accuracy and margin")
    @Get("/{kind}/jobs/{id}/measures")
    List<Trainer.Measured> measures(@PathVariable String kind, @PathVariable String id, @QueryValue(defaultValue = "0") int after,
                                    @QueryValue(defaultValue = "1000") int limit) {
        jobs.run(kind(kind), id);
        return queries.measures(id, after, limit);
    }

    @Operation(summary = "Evaluations (loss on train and held-out pairs, share of held-out pairs ranked right) and samples (DPO: "
            + "answers and the KL estimate; reward: rewards of held-out pairs)")
    @Get("/{kind}/jobs/{id}/history")
    TrainingQueries.History history(@PathVariable String kind, @PathVariable String id) {
        jobs.run(kind(kind), id);
        return queries.history(id, 500);
    }

    @Operation(summary = "Server-sent events of a run: run, step, measure, eval, sample, checkpoint, warning")
    @Get(value = "/{kind}/jobs/{id}/events", produces = MediaType.TEXT_EVENT_STREAM)
    Publisher<Event<Object>> events(@PathVariable String kind, @PathVariable String id) {
        jobs.run(kind(kind), id);
        return RunEvents.of(queries, training, id);
    }

    @Operation(summary = "Stop a run after a checkpoint")
    @Post("/{kind}/jobs/{id}/stop")
    TrainingRun stop(@PathVariable String kind, @PathVariable String id) {
        jobs.run(kind(kind), id);
        return training.stop(id);
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record ScoreRequest(String run, String prompt, String answer) {
    }

    @Operation(summary = "The reward of an answer to a prompt by a reward-model run's last checkpoint: {run, prompt, answer}")
    @Post("/reward/score")
    RewardScores.Score score(@Body ScoreRequest req) {
        if (req.run() == null || req.run().isBlank()) {
            throw new BadInputException("Give 'run': the id of a reward-model run (GET /api/v1/preferences/reward/jobs).");
        }
        return rewards.score(req.run(), req.prompt(), req.answer());
    }

    @Operation(summary = "How a reward model ranks a set's held-out test pairs: accuracy, mean margin and the pairs it gets wrong")
    @Get("/reward/jobs/{id}/check")
    RewardScores.Check check(@PathVariable String id, @Nullable @QueryValue String dataset, @Nullable @QueryValue Integer limit) {
        return rewards.check(id, dataset, limit == null ? 20 : limit);
    }

    @Operation(summary = "SFT vs DPO: greedy answers of the reference (adapters off) and the policy on the run's held-out prompts, "
            + "exact match against the chosen answers; limit 1–200 (50)")
    @Get("/dpo/jobs/{id}/compare")
    PreferenceJobs.Comparison compare(@PathVariable String id, @Nullable @QueryValue Integer limit) {
        return jobs.compare(id, limit);
    }

    private static PreferenceJobs.Kind kind(String kind) {
        return switch (kind) {
            case "reward" -> PreferenceJobs.Kind.REWARD;
            case "dpo" -> PreferenceJobs.Kind.DPO;
            default -> throw BadInputException.notFound("No kind of run '" + kind + "': reward or dpo.");
        };
    }
}
