package org.llmplayground.corpus.api;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.llmplayground.corpus.CorpusInfo;
import org.llmplayground.corpus.CorpusStore;

import java.util.List;

/** The corpora the labs can use (bundled and uploaded), by id. */
@Controller("/api/v1/data")
@Tag(name = "Data")
class CorporaController {
    private final CorpusStore corpora;

    CorporaController(CorpusStore corpora) {
        this.corpora = corpora;
    }

    @Operation(summary = "List corpora: bundled ones (with provenance) and uploads")
    @Get("/corpora")
    List<CorpusInfo> corpora() {
        return corpora.list();
    }
}
