package org.llmplayground.model.api;

import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.api.JobsController;
import org.llmplayground.core.jobs.JobCancelledException;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.model.ArchitectureService;
import org.llmplayground.model.ConfigAnalysis;
import org.llmplayground.model.Inspection;
import org.llmplayground.model.LoadedModel;
import org.llmplayground.model.ModelConfig;
import org.llmplayground.model.ModelPreset;
import org.llmplayground.model.ModelService;
import org.llmplayground.model.ParameterBreakdown;

import java.time.Duration;
import java.util.List;

/** REST API of Lab 2; the same services as the Architecture view. */
@Controller("/api/v1/transformer")
@Tag(name = "Transformer", description = "Configure transformers, count parameters, estimate memory, look inside models")
class TransformerController {
    /** Builds and imports run one at a time: two 1 B-parameter models at once would not fit where one does. */
    private static final String MODELS_LANE = "models";
    private final ArchitectureService architecture;
    private final ModelService models;
    private final JobRunner jobs;
    private final Duration wait;

    TransformerController(ArchitectureService architecture, ModelService models, JobRunner jobs,
                          @Value("${playground.jobs.request-wait:10s}") Duration wait) {
        this.architecture = architecture;
        this.models = models;
        this.jobs = jobs;
        this.wait = wait;
    }

    @Operation(summary = "Presets: bigram, baby-gpt, gpt2-small/medium/large/xl, llama2-7b, tinystories-15m, tinystories-260k")
    @Get("/presets")
    List<ModelPreset> presets() {
        return architecture.presets();
    }

    @Operation(summary = "Validate a config (or preset) and analyse it: parameter breakdown, memory at FP32/FP16/INT8, data flow with shapes")
    @Post("/configure")
    ConfigAnalysis configure(@Body @Valid TransformerRequests.ConfigRequest req) {
        return analyze(req);
    }

    @Operation(summary = "Exact parameter count with a per-component breakdown, from {\"preset\": ...} or {\"config\": ...}")
    @Post("/parameter-count")
    TransformerRequests.Count parameterCount(@Body @Valid TransformerRequests.ConfigRequest req) {
        ParameterBreakdown b = architecture.count(req.preset(), req.config());
        return new TransformerRequests.Count(b.total(), b.components());
    }

    @Operation(summary = "Several configs side by side")
    @Post("/compare")
    List<ConfigAnalysis> compare(@Body @Valid TransformerRequests.CompareRequest req) {
        return req.models().stream().map(this::analyze).toList();
    }

    private ConfigAnalysis analyze(TransformerRequests.ConfigRequest req) {
        ModelConfig config = architecture.resolve(req.preset(), req.config());
        String name = req.preset() != null ? req.preset() : "custom";
        return architecture.analyze(name, config, req.tokenizer(), req.batch() == null ? 1 : req.batch(),
                req.sequence() == null ? Math.min(config.contextLength(), 1024) : req.sequence());
    }

    @Operation(summary = "Loaded models (bundled, built and imported) that can be inspected")
    @Get("/models")
    List<LoadedModel.ModelInfo> listModels() {
        return models.models();
    }

    @Operation(summary = "Build a model from a config with random weights and run a forward pass (refused with the numbers "
            + "if it would not fit in memory). Answers 200 with the check when done within playground.jobs.request-wait, "
            + "else 202 with the job to follow at /api/v1/jobs/{id} (its result: the model id)")
    @Post("/build")
    HttpResponse<Object> build(@Body @Valid TransformerRequests.BuildRequest req) {
        ModelConfig config = architecture.resolve(req.preset(), req.config());
        String name = req.name() != null ? req.name() : req.preset() != null ? req.preset() : "custom";
        int seed = req.seed() == null ? 1337 : req.seed();
        int tokens = req.tokens() == null ? 128 : req.tokens();
        models.checkBuildable(config, name); // a config that is wrong or does not fit: 400/413 now, not a failed job
        return JobsController.respond(jobs.runOrDefer("model-build", "Build " + name, MODELS_LANE, ctx -> {
            ctx.progress(0.05, "Initialising " + name + " with random weights");
            LoadedModel.ModelInfo info = models.build(config, name, seed);
            dropIfCancelled(ctx.isCancelled(), info.id());
            ctx.progress(0.9, String.format("Built %s (%,d parameters); running a forward pass", info.id(), info.parameters()));
            ModelService.ForwardCheck check = models.forwardCheck(info.id(), tokens);
            dropIfCancelled(ctx.isCancelled(), info.id());
            return check;
        }, ModelService.ForwardCheck::model, wait), HttpStatus.OK);
    }

    @Operation(summary = "Import weights from the workspace's imports folder (Hugging Face folder, llama2.c .bin, minGPT .json). "
            + "Answers 201 with the model when done within playground.jobs.request-wait, else 202 with the job")
    @Post("/models/import")
    HttpResponse<Object> importModel(@Body @Valid TransformerRequests.ImportRequest req) {
        models.importPath(req.name()); // outside the folder or absent: 400/404 now
        return JobsController.respond(jobs.runOrDefer("model-import", "Import " + req.name(), MODELS_LANE, ctx -> {
            ctx.progress(0.05, "Reading imports/" + req.name());
            LoadedModel.ModelInfo info = models.importWeights(req.name());
            dropIfCancelled(ctx.isCancelled(), info.id());
            return info;
        }, LoadedModel.ModelInfo::id, wait), HttpStatus.CREATED);
    }

    /** A build or import cancelled while it ran: the model it made is unloaded, so its memory is freed at once. */
    private void dropIfCancelled(boolean cancelled, String id) {
        if (cancelled) {
            models.unload(id);
            throw new JobCancelledException();
        }
    }

    @Operation(summary = "Unload a built or imported model")
    @Delete("/models/{id}")
    HttpResponse<Void> unload(@PathVariable String id) {
        models.unload(id);
        return HttpResponse.noContent();
    }

    @Operation(summary = "Attention weights [layer][head][query][key], activation statistics and next-token distribution for one input")
    @Post("/visualize/attention")
    Inspection attention(@Body @Valid TransformerRequests.AttentionRequest req) {
        Inspection full = models.inspect(req.model(), req.input(), req.top() == null ? 10 : req.top());
        return filter(full, req.layer(), req.head());
    }

    private static Inspection filter(Inspection in, Integer layer, Integer head) {
        float[][][][] att = in.attention();
        if (layer != null) {
            if (layer >= att.length) {
                throw new BadInputException("layer " + layer + " does not exist: the model has " + att.length + " layers (0 to " + (att.length - 1) + ").");
            }
            att = new float[][][][]{att[layer]};
        }
        if (head != null) {
            float[][][][] onlyHead = new float[att.length][][][];
            for (int l = 0; l < att.length; l++) {
                if (head >= att[l].length) {
                    throw new BadInputException("head " + head + " does not exist: layers have " + att[l].length + " heads (0 to " + (att[l].length - 1) + ").");
                }
                onlyHead[l] = new float[][][]{att[l][head]};
            }
            att = onlyHead;
        }
        return new Inspection(in.model(), in.tokens(), in.ids(), att, in.activations(), in.next(), in.millis());
    }
}
