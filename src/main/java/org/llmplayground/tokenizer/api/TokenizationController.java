package org.llmplayground.tokenizer.api;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.sse.Event;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.llmplayground.core.jobs.JobRecord;
import org.llmplayground.core.jobs.JobState;
import org.llmplayground.core.jobs.Subscription;
import org.llmplayground.corpus.PreCleaner;
import org.llmplayground.tokenizer.CostEstimate;
import org.llmplayground.tokenizer.CoverageReport;
import org.llmplayground.tokenizer.TokenizerInfo;
import org.llmplayground.tokenizer.TokenizerService;
import org.llmplayground.tokenizer.Tokenization;
import org.llmplayground.tokenizer.TrainingProgress;
import org.llmplayground.tokenizer.TrainingSpec;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** REST API of Lab 1. Every method calls {@link TokenizerService}, the same service as the view. */
@Controller("/api/v1/tokenization")
@Tag(name = "Tokenization", description = "BPE tokenizers: encode, decode, compare, train, coverage, cost")
class TokenizationController {
    private final TokenizerService service;

    TokenizationController(TokenizerService service) {
        this.service = service;
    }

    @Operation(summary = "List the tokenizers: built-in (gpt2, r50k_base, p50k_base, cl100k_base, o200k_base, hf-gpt2, char) and saved ones")
    @Get("/tokenizers")
    List<TokenizerInfo> tokenizers() {
        return service.tokenizers();
    }

    @Operation(summary = "Tokenize a text: all ids, plus token strings, bytes and char offsets")
    @Post("/encode")
    Tokenization encode(@Body @Valid TokenizationRequests.Encode req) {
        PreCleaner.Options clean = Boolean.TRUE.equals(req.preClean()) ? PreCleaner.Options.ALL : PreCleaner.Options.NONE;
        return service.encode(req.text(), req.tokenizer(), !Boolean.FALSE.equals(req.allowSpecial()), clean,
                req.maxTokens() == null ? TokenizerService.DEFAULT_DETAIL : req.maxTokens());
    }

    @Operation(summary = "Turn token ids back into text")
    @Post("/decode")
    TokenizationRequests.Decoded decode(@Body @Valid TokenizationRequests.Decode req) {
        TokenizerService.Decoded d = service.decode(req.ids(), req.tokenizer());
        return new TokenizationRequests.Decoded(req.tokenizer(), d.text(), d.tokens());
    }

    @Operation(summary = "Tokenize one text with 2 to 4 tokenizers")
    @Post("/compare")
    TokenizationRequests.Comparison compare(@Body @Valid TokenizationRequests.Compare req) {
        return new TokenizationRequests.Comparison(service.compare(req.text(), req.tokenizers(),
                !Boolean.FALSE.equals(req.allowSpecial()), req.maxTokens() == null ? 1000 : req.maxTokens()));
    }

    @Operation(summary = "Token count, compression, vocabulary use, top tokens and token lengths of a corpus or text")
    @Post("/coverage")
    CoverageReport coverage(@Body @Valid TokenizationRequests.Coverage req) {
        return service.coverage(req.corpus(), req.text(), req.tokenizer(), req.top() == null ? 20 : req.top());
    }

    @Operation(summary = "Estimated cost of a text at a price per 1,000 tokens")
    @Post("/estimate-cost")
    CostEstimate estimateCost(@Body @Valid TokenizationRequests.EstimateCost req) {
        return service.estimateCost(req.text(), req.tokenizer(), req.pricePer1k());
    }

    @Operation(summary = "Train a BPE vocabulary as a background job; the tokenizer is saved under the name when it finishes")
    @Post("/train")
    HttpResponse<TokenizationRequests.TrainingStatus> train(@Body TrainingSpec spec) {
        return HttpResponse.accepted().body(status(service.train(spec)));
    }

    @Operation(summary = "Status of a training job")
    @Get("/train/{jobId}")
    TokenizationRequests.TrainingStatus trainingStatus(@PathVariable String jobId) {
        return status(service.trainingJob(jobId));
    }

    @Operation(summary = "Cancel a training job")
    @Delete("/train/{jobId}")
    TokenizationRequests.TrainingStatus cancelTraining(@PathVariable String jobId) {
        service.cancelTraining(jobId);
        return status(service.trainingJob(jobId));
    }

    @Operation(summary = "Server-sent events of a training job: 'progress' with the latest merges, then 'status' at the end")
    @Get(value = "/train/{jobId}/events", produces = MediaType.TEXT_EVENT_STREAM)
    Publisher<Event<Object>> trainingEvents(@PathVariable String jobId) {
        service.trainingJob(jobId); // 404 before the stream starts
        return Flux.<Event<Object>>create(sink -> {
            Subscription sub = service.watchTraining(jobId, e -> {
                if (e.payload() instanceof TrainingProgress p) {
                    sink.next(Event.<Object>of(p).name("progress"));
                } else if (e.job().state().isFinal()) {
                    sink.next(Event.<Object>of(status(e.job())).name("status"));
                    sink.complete();
                }
            });
            sink.onDispose(sub::close);
        });
    }

    @Operation(summary = "Import a Hugging Face tokenizer.json under a name")
    @Post("/tokenizers/import")
    HttpResponse<TokenizerInfo> importTokenizer(@Body @Valid TokenizationRequests.ImportTokenizer req) {
        return HttpResponse.created(service.importHuggingFace(req.name(), req.tokenizerJson().getBytes(StandardCharsets.UTF_8)));
    }

    @Operation(summary = "Delete a saved tokenizer (built-in ones cannot be deleted)")
    @Delete("/tokenizers/{id}")
    HttpResponse<Void> delete(@PathVariable String id) {
        service.delete(id);
        return HttpResponse.noContent();
    }

    private static TokenizationRequests.TrainingStatus status(JobRecord job) {
        return new TokenizationRequests.TrainingStatus(job.id(), job.title(), job.state().name(), job.progress(), job.message(),
                job.state() == JobState.SUCCEEDED ? job.result() : null);
    }
}
