package org.llmplayground.evaluation.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.llmplayground.evaluation.MetricsService;

import java.util.List;
import java.util.Map;

/** REST API of the Evaluation lab: metrics on given texts. */
@Controller("/api/v1/evaluation")
@Tag(name = "Evaluation", description = "Metrics that match the reference implementations")
class EvaluationController {
    private final MetricsService metrics;
    private final org.llmplayground.evaluation.EvaluationService evaluation;

    EvaluationController(MetricsService metrics, org.llmplayground.evaluation.EvaluationService evaluation) {
        this.metrics = metrics;
        this.evaluation = evaluation;
    }

    @Operation(summary = "The benchmark tasks, lm-evaluation-harness's names: mmlu_<subject>, hellaswag, truthfulqa_mc1, truthfulqa_mc2")
    @Get("/tasks")
    List<String> tasks() {
        return evaluation.tasks();
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record RunRequest(@Nullable String model, @Nullable List<String> tasks, @Nullable @JsonProperty("num_fewshot") Integer numFewshot,
                      @Nullable Integer limit, @Nullable @JsonProperty("num_samples") Integer numSamples, @Nullable Double temperature,
                      @Nullable @JsonProperty("max_new_tokens") Integer maxNewTokens, @Nullable Integer stride) {
    }

    @Operation(summary = "Start a benchmark run (a job): {model, tasks, num_fewshot, limit, num_samples, temperature, max_new_tokens, stride} → 202 "
            + "{id, …}; every item stored as it is scored; generation settings for humaneval and custom generation tasks")
    @Post("/runs")
    io.micronaut.http.HttpResponse<org.llmplayground.evaluation.EvaluationStore.Run> start(@Body RunRequest req) {
        return io.micronaut.http.HttpResponse.accepted().body(evaluation.start(
                new org.llmplayground.evaluation.EvaluationService.Request(req.model(), req.tasks(), req.numFewshot(), req.limit(), null,
                        req.numSamples(), req.temperature(), req.maxNewTokens(), req.stride())));
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record PerplexityRequest(@Nullable String model, @Nullable List<String> texts, @Nullable Integer stride) {
    }

    @Operation(summary = "Perplexity of texts: {model, texts} → per text and token-weighted total: tokens, bytes, log-likelihood, "
            + "perplexity, bits per byte (lm-eval's loglikelihood_rolling; with stride: sliding windows that score stride new tokens "
            + "each); at most 100 texts, 200,000 characters")
    @Post("/perplexity")
    org.llmplayground.evaluation.EvaluationService.Perplexity perplexity(@Body PerplexityRequest req) {
        if (req.model() == null || req.model().isBlank()) {
            throw new org.llmplayground.core.BadInputException("Give 'model': the id of a loaded model.");
        }
        return evaluation.perplexity(req.model(), req.texts(), req.stride());
    }

    @Operation(summary = "Benchmark runs, newest first")
    @Get("/runs")
    List<org.llmplayground.evaluation.EvaluationStore.Run> runs() {
        return evaluation.runs();
    }

    @Operation(summary = "A run: state (queued, running, succeeded, failed, cancelled), model, tasks, settings, its job (progress: /api/v1/jobs/{jobId})")
    @Get("/runs/{id}")
    org.llmplayground.evaluation.EvaluationStore.Run run(@PathVariable String id) {
        return evaluation.run(id);
    }

    @Operation(summary = "Cancel a run (what is scored stays; start it again through its job's rerun to continue)")
    @Post("/runs/{id}/cancel")
    org.llmplayground.evaluation.EvaluationStore.Run cancel(@PathVariable String id) {
        return evaluation.cancel(id);
    }

    @Operation(summary = "lm-eval's shape: {results: {<task>: {acc, acc_stderr, acc_ci95, acc_norm, mc2, pass@1, …}}, samples: {<task>: "
            + "[{doc_id, target, loglikelihoods, acc, …}]}, config: {weights_sha256, task versions, templates, …}}; ?format=csv (or Accept: "
            + "text/csv) for one CSV table of the scores then every item")
    @Get("/runs/{id}/results")
    io.micronaut.http.HttpResponse<?> results(@PathVariable String id, @Nullable @io.micronaut.http.annotation.QueryValue String format,
                                              @Nullable @io.micronaut.http.annotation.Header("Accept") String accept) {
        boolean csv = "csv".equalsIgnoreCase(format) || (format == null && accept != null && accept.startsWith("text/csv"));
        if (format != null && !csv && !"json".equalsIgnoreCase(format)) {
            throw new org.llmplayground.core.BadInputException("format must be json or csv (got '" + format + "').");
        }
        if (csv) {
            return io.micronaut.http.HttpResponse.ok(evaluation.resultsCsv(id)).contentType("text/csv; charset=utf-8")
                    .header("Content-Disposition", "attachment; filename=\"evaluation-" + id + ".csv\"");
        }
        return io.micronaut.http.HttpResponse.ok(evaluation.results(id));
    }

    @Operation(summary = "Two runs on the same items, per shared task: both scores, the difference, p-value and whether it is real at 95 % "
            + "(McNemar's exact test for acc, paired bootstrap for continuous scores); refused for different versions, few-shot or items")
    @Get("/compare")
    Map<String, Object> compare(@io.micronaut.http.annotation.QueryValue String a, @io.micronaut.http.annotation.QueryValue String b) {
        return evaluation.compare(a, b);
    }

    @Operation(summary = "One item opened: the prompt the model read, the choices and their log-likelihoods, its pick and the gold answer "
            + "(generation tasks: the completions and their test results)")
    @Get("/runs/{id}/items/{task}/{docId}")
    Map<String, Object> item(@PathVariable String id, @PathVariable String task, @PathVariable int docId) {
        return evaluation.item(id, task, docId);
    }

    @Operation(summary = "The custom benchmarks, every version")
    @Get("/benchmarks")
    List<org.llmplayground.evaluation.benchmarks.CustomBenchmarks.Benchmark> benchmarks() {
        return evaluation.benchmarks();
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record BenchmarkRequest(@Nullable String name, @Nullable String kind, @Nullable String metric, @Nullable String description,
                            @Nullable String jsonl, @Nullable String corpus, @Nullable @JsonProperty("max_chars") Integer maxChars) {
    }

    @Operation(summary = "Create a custom benchmark (or its next version): {name, kind: multiple_choice | generation | perplexity, metric "
            + "(generation: exact_match, f1, contains, bleu, rouge, meteor), description, jsonl: one item per line} → 201 {name, version, …}; "
            + "or {name, kind: perplexity, corpus: <corpus id>, max_chars (default 200,000)} for a corpus or a Data lab split")
    @Post("/benchmarks")
    io.micronaut.http.HttpResponse<org.llmplayground.evaluation.benchmarks.CustomBenchmarks.Benchmark> createBenchmark(@Body BenchmarkRequest req) {
        if (req.corpus() != null) {
            if (!"perplexity".equals(req.kind()) || req.jsonl() != null) {
                throw new org.llmplayground.core.BadInputException("'corpus' makes a perplexity benchmark: give kind \"perplexity\" and no 'jsonl'.");
            }
            return io.micronaut.http.HttpResponse.created(evaluation.createBenchmarkFromCorpus(req.name(), req.corpus(),
                    req.maxChars() == null ? 200_000 : req.maxChars()));
        }
        return io.micronaut.http.HttpResponse.created(evaluation.createBenchmark(req.name(), req.kind(), req.metric(), req.description(), req.jsonl()));
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record MetricRequest(@Nullable List<String> predictions, @Nullable List<List<String>> references,
                         @Nullable @JsonProperty("use_stemmer") Boolean useStemmer) {
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record AgreementRequest(@Nullable List<List<Integer>> counts, @Nullable List<List<Object>> labels) {
    }

    @Operation(summary = "Inter-annotator agreement: {counts: [[raters per category] per item]} → Fleiss' kappa {fleiss_kappa, "
            + "percent_agreement, expected_agreement, items, raters, categories}; {labels: [[rater 1, rater 2] per item]} → Cohen's kappa "
            + "{cohen_kappa, percent_agreement, expected_agreement, items, raters, categories, category_labels}; kappa null when undefined")
    @Post("/agreement")
    Map<String, Object> agreement(@Body AgreementRequest req) {
        if ((req.counts() == null) == (req.labels() == null)) {
            throw new org.llmplayground.core.BadInputException("Give either 'counts' (Fleiss' kappa: raters per category per item) or "
                    + "'labels' (Cohen's kappa: two raters' labels per item).");
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        if (req.counts() != null) {
            org.llmplayground.evaluation.metrics.Agreement.Fleiss f = org.llmplayground.evaluation.metrics.Agreement.fleiss(req.counts());
            out.put("fleiss_kappa", f.kappa());
            out.put("percent_agreement", f.percentAgreement());
            out.put("expected_agreement", f.expectedAgreement());
            out.put("items", f.items());
            out.put("raters", f.raters());
            out.put("categories", f.categories());
        } else {
            List<List<String>> labels = req.labels().stream().map(p -> p == null ? null
                    : p.stream().map(l -> l == null ? null : String.valueOf(l)).toList()).toList();
            org.llmplayground.evaluation.metrics.Agreement.Cohen c = org.llmplayground.evaluation.metrics.Agreement.cohen(labels);
            out.put("cohen_kappa", c.kappa());
            out.put("percent_agreement", c.percentAgreement());
            out.put("expected_agreement", c.expectedAgreement());
            out.put("items", c.items());
            out.put("raters", 2);
            out.put("categories", c.categories().size());
            out.put("category_labels", c.categories());
        }
        return out;
    }

    @Operation(summary = "The metrics: bleu, chrf, rouge, meteor, distinct, exact_match, f1, contains")
    @Get("/metrics")
    List<String> metrics() {
        return MetricsService.METRICS;
    }

    @Operation(summary = "Score texts: {predictions: [...], references: [[...], ...] (one list per prediction), use_stemmer (ROUGE)} → "
            + "{corpus: {...}, sentences: [{...}]} in sacreBLEU's, rouge-score's and NLTK's own field names")
    @Post("/metrics/{name}")
    Map<String, Object> score(@PathVariable String name, @Body MetricRequest req) {
        return metrics.score(name, req.predictions(), req.references(), Boolean.TRUE.equals(req.useStemmer()));
    }
}
