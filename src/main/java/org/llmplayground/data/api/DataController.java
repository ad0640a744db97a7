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

import java.io.ByteArrayInputStream;
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

    DataController(DataService data, DatasetFiles files, HubDatasets hub, TokenFiles tokens) {
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

    @Operation(summary = "Upload a file (raw body) into the datasets folder: txt, jsonl, csv, parquet or wet, optionally .gz")
    @Post(value = "/datasets/upload", consumes = MediaType.APPLICATION_OCTET_STREAM)
    DatasetFiles.FileInfo upload(@QueryValue String name, @Body byte[] body) {
        return files.save(name, new ByteArrayInputStream(body));
    }

    @Operation(summary = "A source's fields (JSON keys, CSV/parquet columns), the suggested text field, and its first documents")
    @Get("/datasets/info")
    DatasetFiles.Preview info(@QueryValue String kind, @QueryValue String id, @Nullable @QueryValue String field) {
        return files.preview(source(kind, id, field));
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

    @Operation(summary = "Statistics of a source: documents, characters, words, tokens, vocabulary, lengths, languages")
    @Get("/stats")
    DatasetStats.Snapshot stats(@QueryValue String kind, @QueryValue String id, @Nullable @QueryValue String field,
                                @Nullable @QueryValue String tokenizer) {
        return data.stats(source(kind, id, field), tokenizer);
    }

    @Operation(summary = "The statistics as a Markdown report")
    @Get(value = "/stats/report", produces = "text/markdown")
    HttpResponse<String> report(@QueryValue String kind, @QueryValue String id, @Nullable @QueryValue String field,
                                @Nullable @QueryValue String tokenizer) {
        DataSource s = source(kind, id, field);
        return HttpResponse.ok(data.statsReport(s.describe(), data.stats(s, tokenizer))).contentType("text/markdown");
    }

    private static DataSource source(String kind, String id, @Nullable String field) {
        return switch (kind.toLowerCase(java.util.Locale.ROOT)) {
            case "corpus" -> DataSource.corpus(id);
            case "file" -> DataSource.file(id, field);
            default -> throw new BadInputException("Unknown source kind '" + kind + "': use corpus or file.");
        };
    }
}
