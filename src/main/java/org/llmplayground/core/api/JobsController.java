package org.llmplayground.core.api;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.llmplayground.core.jobs.JobRecord;
import org.llmplayground.core.jobs.JobRunner;

import java.net.URI;

/**
 * Every job of every lab, by id: where a request that answered 202 points its client ({@code Location}). Labs keep
 * their own job endpoints for lab-specific results (a training run's metrics); this one is the same for all.
 */
@Controller("/api/v1/jobs")
@Tag(name = "Jobs", description = "Follow and cancel any background job")
public class JobsController {
    private final JobRunner jobs;

    JobsController(JobRunner jobs) {
        this.jobs = jobs;
    }

    @Operation(summary = "A job's state, progress, message and result (e.g. the id of the model it built)")
    @Get("/{id}")
    JobRecord job(@PathVariable String id) {
        return jobs.get(id);
    }

    @Operation(summary = "The full result of a job that a request answered with 202 (e.g. a build's forward check, a "
            + "file's statistics): 409 while it runs, 404 once no longer kept")
    @Get("/{id}/result")
    Object result(@PathVariable String id) {
        return jobs.value(id);
    }

    @Operation(summary = "Cancel a queued or running job; what it had made so far is dropped")
    @Post("/{id}/cancel")
    JobRecord cancel(@PathVariable String id) {
        jobs.get(id); // 404 for an unknown id
        jobs.cancel(id);
        return jobs.get(id);
    }

    @Operation(summary = "Start an interrupted, failed or cancelled job again with the settings it was started with "
            + "(data cleaning, splitting and pipelines; tokenizer training); 202 with the new job")
    @Post("/{id}/rerun")
    HttpResponse<JobRecord> rerun(@PathVariable String id) {
        JobRecord next = jobs.rerun(id);
        return HttpResponse.accepted(URI.create("/api/v1/jobs/" + next.id())).body(next);
    }

    /**
     * The answer for {@link JobRunner#runOrDefer}: the value with {@code status} when the work finished within the
     * request, else 202 Accepted with the job and {@code Location: /api/v1/jobs/{id}}.
     */
    public static <T> HttpResponse<Object> respond(JobRunner.Outcome<T> outcome, HttpStatus status) {
        if (outcome.finished()) {
            return HttpResponse.status(status).body(outcome.value());
        }
        return HttpResponse.accepted(URI.create("/api/v1/jobs/" + outcome.job().id())).body(outcome.job());
    }
}
