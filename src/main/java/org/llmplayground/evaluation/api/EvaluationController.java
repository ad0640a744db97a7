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

    EvaluationController(MetricsService metrics) {
        this.metrics = metrics;
    }

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record MetricRequest(@Nullable List<String> predictions, @Nullable List<List<String>> references,
                         @Nullable @JsonProperty("use_stemmer") Boolean useStemmer) {
    }

    @Operation(summary = "The metrics: bleu, chrf, rouge, meteor, distinct")
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
