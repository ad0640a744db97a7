package org.llmplayground.course.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.llmplayground.core.BadInputException;
import org.llmplayground.course.CourseService;
import org.llmplayground.course.Tutorial;

import java.util.List;

/**
 * REST API of the course: the tutorials, the learner's progress, a step's check, quiz answers, reset. Steps and
 * questions are numbered from 1, as the tutorials show them.
 */
@Controller("/api/v1/course")
@Tag(name = "Course", description = "Guided tutorials: steps checked by the app, quizzes, progress")
class CourseController {
    private final CourseService course;

    CourseController(CourseService course) {
        this.course = course;
    }

    /** The learner's answer for an answer check; empty for the others. */
    @Serdeable
    record CheckRequest(@Nullable String answer) {
    }

    @Serdeable
    record QuizRequest(int choice) {
    }

    @Operation(summary = "The tutorials with their steps, quizzes and experiments")
    @Get
    List<Tutorial> tutorials() {
        return course.tutorials();
    }

    @Operation(summary = "Progress in every tutorial")
    @Get("/progress")
    List<CourseService.Progress> overview() {
        return course.overview();
    }

    @Operation(summary = "One tutorial, by id (tokenizer) or number (1)")
    @Get("/{id}")
    Tutorial tutorial(@PathVariable String id) {
        return course.tutorial(id);
    }

    @Operation(summary = "Progress in one tutorial")
    @Get("/{id}/progress")
    CourseService.Progress progress(@PathVariable String id) {
        return course.progress(id);
    }

    @Operation(summary = "Runs step n's check (n from 1); {answer} for steps that ask a question. 409 when the step is locked")
    @Post("/{id}/steps/{n}/check")
    CourseService.CheckResult check(@PathVariable String id, @PathVariable int n, @Body @Nullable CheckRequest body) {
        return course.check(id, n - 1, body == null ? null : body.answer());
    }

    @Operation(summary = "Answers quiz question q (from 1) with option {choice} (from 1); the verdict and the explanation")
    @Post("/{id}/quiz/{q}")
    CourseService.QuizResult answer(@PathVariable String id, @PathVariable int q, @Body QuizRequest body) {
        if (body == null) {
            throw new BadInputException("Send {\"choice\": n} with the option's number, from 1.");
        }
        CourseService.QuizResult r = course.answer(id, q - 1, body.choice() - 1);
        return new CourseService.QuizResult(r.correct(), r.answer() + 1, r.explanation());
    }

    @Operation(summary = "Resets a tutorial's progress and quiz (what was made in the labs stays)")
    @Delete("/{id}/progress")
    CourseService.Progress reset(@PathVariable String id) {
        return course.reset(id);
    }
}
