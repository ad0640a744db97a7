package org.llmplayground.tracking.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.llmplayground.tracking.Runs;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** REST API of experiment tracking: every lab's runs, one run's record and metrics, comparison, export, run again. */
@Controller("/api/v1/runs")
@Tag(name = "Runs", description = "Experiment tracking: every run of every lab")
class RunsController {
    private final Runs runs;
    private final org.llmplayground.tracking.MlflowExport mlflow;

    RunsController(Runs runs, org.llmplayground.tracking.MlflowExport mlflow) {
        this.runs = runs;
        this.mlflow = mlflow;
    }

    @Operation(summary = "Export an ended run to MLflow (MLFLOW_TRACKING_URI): experiments/get-by-name or create, runs/create, "
            + "runs/log-batch (params, every metric point), runs/update; → {mlflow_run_id, experiment_id, params, metrics, status, url}")
    @Post("/{id}/mlflow")
    Map<String, Object> mlflow(@PathVariable String id) {
        return mlflow.export(id);
    }

    @Operation(summary = "Runs of every lab, newest first; ?lab=, ?state=, ?tag=, ?q= narrow; ?format=csv for a spreadsheet")
    @Get
    HttpResponse<?> list(@Nullable @QueryValue String lab, @Nullable @QueryValue String state, @Nullable @QueryValue String tag,
                         @Nullable @QueryValue String q, @Nullable @QueryValue String format) {
        List<Runs.Run> list = runs.list(lab, state, tag, q);
        if ("csv".equalsIgnoreCase(format)) {
            return HttpResponse.ok(runs.csv(list)).contentType("text/csv; charset=utf-8").header("Content-Disposition", "attachment; filename=\"runs.csv\"");
        }
        return HttpResponse.ok(list);
    }

    @Get("/labs")
    List<String> labs() {
        return Runs.labs();
    }

    @Operation(summary = "Runs side by side: ?ids=a,b (2 to 10): rows, config diff (every key, differing first), summaries")
    @Get("/compare")
    Runs.Comparison compare(@QueryValue String ids) {
        return runs.compare(Arrays.stream(ids.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList());
    }

    @Operation(summary = "A run's record: config (flattened), seed, hashes, code version, environment, artifacts, metric names, W&B status")
    @Get("/{id}")
    Runs.Detail get(@PathVariable String id) {
        return runs.get(id);
    }

    @Operation(summary = "A run's metrics: {name: [{step, time, value}]}; ?names=loss,val_loss narrows")
    @Get("/{id}/metrics")
    Map<String, List<Runs.Point>> metrics(@PathVariable String id, @Nullable @QueryValue String names) {
        return runs.metrics(id, names == null || names.isBlank() ? null : Arrays.stream(names.split(",")).map(String::strip).toList());
    }

    @Get(value = "/{id}/metrics.csv", produces = "text/csv")
    HttpResponse<String> metricsCsv(@PathVariable String id) {
        return HttpResponse.ok(runs.metricsCsv(id)).header("Content-Disposition", "attachment; filename=\"" + id + "-metrics.csv\"");
    }

    @Operation(summary = "A run's artifacts: checkpoints (step, path, size, model id), evaluation results, tokenizers, models")
    @Get("/{id}/artifacts")
    List<Map<String, Object>> artifacts(@PathVariable String id) {
        return runs.get(id).artifacts();
    }

    @Operation(summary = "Run again from the record alone (same config and seed): {id, lab, name} of the new run")
    @Post("/{id}/reproduce")
    HttpResponse<Map<String, Object>> reproduce(@PathVariable String id) {
        return HttpResponse.accepted().body(runs.reproduce(id));
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record Notes(@Nullable List<String> tags, @Nullable String notes) {
    }

    @Operation(summary = "Set a run's tags and notes")
    @Put("/{id}/notes")
    Runs.Run annotate(@PathVariable String id, @Body Notes n) {
        return runs.annotate(id, n.tags(), n.notes());
    }
}
