package org.llmplayground.preference.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.llmplayground.preference.PreferenceSets;

import java.io.IOException;
import java.util.List;

/**
 * REST API of the Preferences lab: preference sets (import, list their pairs). DPO runs are training runs with a dpo
 * section: start them with /api/v1/finetune/jobs/start (e.g. {"config": "dpo-demo"}); their metrics, events, pause,
 * resume and stop are under /api/v1/training/jobs.
 */
@Controller("/api/v1/preferences")
@Tag(name = "Preferences", description = "Preference pairs for reward models and DPO")
class PreferenceController {
    private final PreferenceSets sets;

    PreferenceController(PreferenceSets sets) {
        this.sets = sets;
    }

    @Operation(summary = "Import a preference file (raw body: .jsonl or .json, either gzipped; at most 64 MB decompressed) in the trl, "
            + "sharegpt or hh-rlhf layout; stored as the set <name> in TRL's layout; 201 with {id, pairs, skipped: [{line, reason}]}")
    @Post(value = "/datasets/import", consumes = io.micronaut.http.MediaType.APPLICATION_OCTET_STREAM)
    HttpResponse<PreferenceSets.Imported> importSet(@QueryValue String name, @QueryValue String format,
                                                    jakarta.servlet.http.HttpServletRequest raw) throws IOException {
        return HttpResponse.created(sets.importSet(name, format, raw.getInputStream()));
    }

    @Operation(summary = "Pairs of a set in file order: [{prompt, chosen, rejected}], offset (0) and limit (1–1,000; 50)")
    @Get("/datasets/{id}/pairs")
    List<PreferenceSets.PairView> pairs(@PathVariable String id, @Nullable @QueryValue Integer offset, @Nullable @QueryValue Integer limit) {
        return sets.pairs(id, offset == null ? 0 : offset, limit == null ? 50 : limit);
    }
}
