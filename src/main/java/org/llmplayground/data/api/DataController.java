package org.llmplayground.data.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.hub.HubClient;
import org.llmplayground.core.jobs.JobRecord;
import org.llmplayground.data.DataService;
import org.llmplayground.data.DataSource;
import org.llmplayground.data.DatasetFiles;
import org.llmplayground.data.DatasetStats;
import org.llmplayground.data.HubDatasets;
import org.llmplayground.corpus.TokenFiles;

import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpStatus;
import jakarta.servlet.http.HttpServletRequest;
import org.llmplayground.core.api.JobsController;
import org.llmplayground.core.jobs.JobRunner;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * REST API of Lab 5, the same services as the Data lab: sources (files, uploads, Hub downloads), cleaning, splitting
 * and statistics. Long work returns a job; poll {@code /jobs/{id}} for its progress and result.
 */
@Controller("/api/v1/data")
@Tag(name = "Data", description = "Collect, clean, deduplicate, split and measure datasets")
class DataController {
    private final DataService data;
    private final DatasetFiles files;
    private final HubDatasets hub;
    private final TokenFiles tokens;

    private final JobRunner jobs;
    private final Duration wait;

    DataController(DataService data, DatasetFiles files, HubDatasets hub, TokenFiles tokens, JobRunner jobs,
                   @Value("${playground.jobs.request-wait:10s}") Duration wait) {
        this.jobs = jobs;
        this.wait = wait;
        this.data = data;
        this.files = files;
        this.hub = hub;
        this.tokens = tokens;
    }

    /** What the pipeline accepts: source kinds, file formats, the stages with their default settings, tokenizers. */
    @Serdeable
    record Supported(List<String> sources, List<String> formats, DataService.Stages defaults, List<String> tokenizers,
                     String hubEndpoint, long maxUploadBytes) {
    }

    @Operation(summary = "Supported sources, file formats, cleaning stages (with defaults) and tokenizers")
    @Get("/datasets/supported")
    Supported supported() {
        return new Supported(Arrays.stream(DataSource.Kind.values()).map(k -> k.name().toLowerCase(java.util.Locale.ROOT)).toList(),
                Arrays.stream(DatasetFiles.Format.values()).map(f -> f.name().toLowerCase(java.util.Locale.ROOT)).toList(),
                DataService.Stages.all(), tokens.tokenizers(), hub.endpoint(), files.maxUploadBytes());
    }

    @Operation(summary = "Files in the workspace's datasets folder (uploads and Hub downloads)")
    @Get("/datasets/files")
    List<DatasetFiles.FileInfo> files() {
        return files.list();
    }

    @Operation(summary = "Upload a file (raw body, streamed to disk) into the datasets folder: txt, jsonl, csv, parquet or "
            + "wet, optionally .gz; up to playground.data.max-upload-bytes, playground.data.max-concurrent-uploads at once (429 beyond)")
    @Post(value = "/datasets/upload", consumes = MediaType.APPLICATION_OCTET_STREAM)
    DatasetFiles.FileInfo upload(@QueryValue String name, HttpServletRequest raw) throws IOException {
        // the servlet's stream, not a @Body byte[]: a 2 GiB upload never sits in memory, and the size limit is checked
        // as the bytes arrive (the request-size limit of the JSON endpoints does not apply here)
        return files.save(name, raw.getInputStream());
    }

    @Operation(summary = "A source's fields (JSON keys, CSV/parquet columns), the suggested text field, and its first "
            + "documents; 202 with a job when reading them takes longer than playground.jobs.request-wait")
    @Get("/datasets/info")
    HttpResponse<Object> info(@QueryValue String kind, @QueryValue String id, @Nullable @QueryValue String field) {
        DataSource s = source(kind, id, field);
        return JobsController.respond(jobs.runOrDefer("data-preview", "Preview " + s.describe(), "data-preview",
                ctx -> files.preview(s), p -> p.source().describe(), wait), HttpStatus.OK);
    }

    @Operation(summary = "A Hugging Face Hub dataset's files at a revision (endpoint: HF_ENDPOINT or playground.hub.endpoint)")
    @Get("/datasets/hub/files")
    List<HubClient.HubFile> hubFiles(@QueryValue String dataset, @Nullable @QueryValue String revision,
                                     @Nullable @Header("X-Hub-Token") String token) {
        return hub.files(dataset, revision, token);
    }

    @Operation(summary = "Download files of a Hub dataset into the datasets folder, as a job (resumes partial downloads)")
    @Post("/datasets/load")
    JobRecord load(@Body HubDatasets.LoadRequest request) {
        return hub.startDownload(request);
    }

    @Operation(summary = "Clean a source with the chosen stages into a new corpus, as a job")
    @Post("/clean")
    JobRecord clean(@Body DataService.CleanRequest request) {
        return data.startClean(request);
    }

    @Operation(summary = "Split a corpus into train/val/test corpora by document and tokenize each for training, as a job")
    @Post("/split")
    JobRecord split(@Body DataService.SplitRequest request) {
        return data.startSplit(request);
    }

    @Operation(summary = "The whole pipeline as one job: clean, then split and tokenize")
    @Post("/pipeline")
    JobRecord pipeline(@Body DataService.PipelineRequest request) {
        return data.startPipeline(request);
    }

    @Operation(summary = "A data job's state and progress, and its result once it has one")
    @Get("/jobs/{id}")
    DataService.JobStatus job(@PathVariable String id) {
        return data.status(id);
    }

    @Operation(summary = "Cancel a data job; its source is untouched and no partial output is kept")
    @Post("/jobs/{id}/cancel")
    DataService.JobStatus cancel(@PathVariable String id) {
        data.cancel(id);
        return data.status(id);
    }

    @Operation(summary = "Statistics of a source: documents, characters, words, tokens, vocabulary, lengths, languages; "
            + "202 with a job (result at /api/v1/jobs/{id}/result) when the source takes longer than playground.jobs.request-wait")
    @Get("/stats")
    HttpResponse<Object> stats(@QueryValue String kind, @QueryValue String id, @Nullable @QueryValue String field,
                               @Nullable @QueryValue String tokenizer) {
        return JobsController.respond(measure(source(kind, id, field), tokenizer), HttpStatus.OK);
    }

    @Operation(summary = "The statistics as a Markdown report (202 with the statistics job when it takes longer)")
    @Get(value = "/stats/report", produces = {"text/markdown", MediaType.APPLICATION_JSON})
    HttpResponse<Object> report(@QueryValue String kind, @QueryValue String id, @Nullable @QueryValue String field,
                                @Nullable @QueryValue String tokenizer) {
        DataSource s = source(kind, id, field);
        JobRunner.Outcome<DatasetStats.Snapshot> outcome = measure(s, tokenizer);
        if (!outcome.finished()) {
            return JobsController.respond(outcome, HttpStatus.OK);
        }
        return HttpResponse.<Object>ok(data.statsReport(s.describe(), outcome.value())).contentType("text/markdown");
    }

    private JobRunner.Outcome<DatasetStats.Snapshot> measure(DataSource s, @Nullable String tokenizer) {
        return jobs.runOrDefer("data-stats", "Statistics of " + s.describe(), "data-stats",
                ctx -> data.stats(s, tokenizer, ctx), st -> String.format("%,d documents", st.documents()), wait);
    }

    private static DataSource source(String kind, String id, @Nullable String field) {
        return switch (kind.toLowerCase(java.util.Locale.ROOT)) {
            case "corpus" -> DataSource.corpus(id);
            case "file" -> DataSource.file(id, field);
            default -> throw new BadInputException("Unknown source kind '" + kind + "': use corpus or file.");
        };
    }
}
