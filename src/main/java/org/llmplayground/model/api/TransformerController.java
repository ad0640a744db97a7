package org.llmplayground.model.api;

import io.micronaut.http.HttpResponse;
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
import org.llmplayground.model.ArchitectureService;
import org.llmplayground.model.ConfigAnalysis;
import org.llmplayground.model.Inspection;
import org.llmplayground.model.LoadedModel;
import org.llmplayground.model.ModelConfig;
import org.llmplayground.model.ModelPreset;
import org.llmplayground.model.ModelService;
import org.llmplayground.model.ParameterBreakdown;

import java.util.List;

/** REST API of Lab 2; the same services as the Architecture view. */
@Controller("/api/v1/transformer")
@Tag(name = "Transformer", description = "Configure transformers, count parameters, estimate memory, look inside models")
class TransformerController {
    private final ArchitectureService architecture;
    private final ModelService models;

    TransformerController(ArchitectureService architecture, ModelService models) {
        this.architecture = architecture;
        this.models = models;
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

    @Operation(summary = "Build a model from a config with random weights and run a forward pass (refused with the numbers if it would not fit in memory)")
    @Post("/build")
    ModelService.ForwardCheck build(@Body @Valid TransformerRequests.BuildRequest req) {
        ModelConfig config = architecture.resolve(req.preset(), req.config());
        LoadedModel.ModelInfo info = models.build(config, req.name() != null ? req.name() : req.preset() != null ? req.preset() : "custom",
                req.seed() == null ? 1337 : req.seed());
        return models.forwardCheck(info.id(), req.tokens() == null ? 128 : req.tokens());
    }

    @Operation(summary = "Import weights from the workspace's imports folder (Hugging Face folder, llama2.c .bin, minGPT .json)")
    @Post("/models/import")
    HttpResponse<LoadedModel.ModelInfo> importModel(@Body @Valid TransformerRequests.ImportRequest req) {
        return HttpResponse.created(models.importWeights(req.name()));
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
