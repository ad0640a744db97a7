package org.llmplayground.app.api;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.swagger.v3.oas.annotations.Hidden;
import org.llmplayground.app.OpenApiDocument;

/** The generated OpenAPI document, raw. */
@Controller("/api/v1")
class OpenApiController {
    private final OpenApiDocument document;

    OpenApiController(OpenApiDocument document) {
        this.document = document;
    }

    @Hidden
    @Get("/openapi.yml")
    @Produces("application/yaml")
    String openapi() {
        return document.yaml();
    }
}
