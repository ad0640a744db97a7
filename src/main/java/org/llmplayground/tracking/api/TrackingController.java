package org.llmplayground.tracking.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.llmplayground.core.BadInputException;
import org.llmplayground.tracking.WandbTracking;

import java.util.LinkedHashMap;
import java.util.Map;

/** REST API of experiment tracking: W&amp;B mirroring's settings and a run's status. */
@Controller("/api/v1/tracking")
@Tag(name = "Tracking", description = "Weights & Biases mirroring")
class TrackingController {
    private final WandbTracking wandb;

    TrackingController(WandbTracking wandb) {
        this.wandb = wandb;
    }

    @Operation(summary = "W&B mirroring: enabled and where (never the key); with ?run= that run's status: synced, behind (N lines), "
            + "retrying or failing, and why")
    @Get("/wandb/status")
    Map<String, Object> status(@Nullable @QueryValue String run) {
        Map<String, Object> out = new LinkedHashMap<>(wandb.settings());
        if (run != null && !run.isBlank()) {
            out.put("run", wandb.status(run.strip()).orElseThrow(() -> BadInputException.notFound(wandb.enabled()
                    ? "Run '" + run + "' is not mirrored to W&B (only runs since the app started are)." : "W&B mirroring is off: set WANDB_API_KEY.")));
        }
        return out;
    }
}
