package org.llmplayground.docs.api;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.llmplayground.docs.Docs;

import java.util.List;
import java.util.Map;

/** REST API of the documentation: the pages, one page (Markdown and HTML), search. */
@Controller("/api/v1/docs")
@Tag(name = "Docs", description = "The documentation pages")
class DocsController {
    private final Docs docs;

    DocsController(Docs docs) {
        this.docs = docs;
    }

    @Operation(summary = "The pages in reading order: {name, title}")
    @Get
    List<Map<String, String>> pages() {
        return docs.pages().stream().map(p -> Map.of("name", p.name(), "title", p.title())).toList();
    }

    @Operation(summary = "Pages containing every word of ?q=, with the line found")
    @Get("/search")
    List<Docs.Hit> search(@QueryValue String q) {
        return docs.search(q);
    }

    @Operation(summary = "One page: name, title, markdown, html")
    @Get("/{name}")
    Docs.Page page(@PathVariable String name) {
        return docs.page(name);
    }
}
