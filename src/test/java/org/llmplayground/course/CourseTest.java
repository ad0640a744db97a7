package org.llmplayground.course;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.vaadin.flow.router.Route;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.llmplayground.app.web.JettyServer;
import org.llmplayground.app.ui.Labs;
import org.llmplayground.model.ModelPresets;
import org.llmplayground.support.TestApp;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The course: every tutorial file parses into steps with known checks, a quiz of 3 to 5 questions and experiments,
 * beside a lab that exists; over REST a step is locked until the one before passes, an answer check compares with
 * what the app computes (GPT-2's token count, the preset's parameter total, the model's greedy text as the inference
 * endpoint gives it), the quiz explains, and reset forgets.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CourseTest implements TestPropertyProvider {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SENTENCE = "To be, or not to be, that is the question.";
    @Inject
    JettyServer jetty;
    @Inject
    CourseService course;

    @Override
    public Map<String, String> getProperties() {
        return TestApp.freshWorkspace("course");
    }

    JsonNode call(String method, String path, Object body, int status) throws IOException, InterruptedException {
        HttpResponse<String> r = TestApp.send(method, jetty.baseUrl() + path, body == null ? null : JSON.writeValueAsString(body));
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    @Test
    @Order(1)
    void everyTutorialFileIsInTheCourseAndWellFormed() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("docs/tutorials"))) {
            assertThat(CourseService.FILES).containsExactlyElementsOf(files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        Set<String> routes = Stream.concat(Labs.ALL.stream().map(Labs.Lab::view), Labs.TOOLS.stream().map(Labs.Tool::view))
                .map(v -> "/" + v.getAnnotation(Route.class).value().replaceFirst("/:.*$", "")).collect(Collectors.toSet());
        assertThat(course.tutorials()).hasSize(9);
        for (Tutorial t : course.tutorials()) {
            assertThat(t.number()).isEqualTo(course.tutorials().indexOf(t) + 1);
            assertThat(routes).as(t.id()).contains(t.lab());
            assertThat(t.minutes()).as(t.id()).isBetween(5, 15);
            assertThat(t.makes()).as(t.id()).isNotBlank();
            assertThat(t.quiz()).as(t.id()).hasSizeBetween(3, 5);
            assertThat(t.tryThis()).as(t.id()).isNotEmpty();
            for (Tutorial.Step s : t.steps()) {
                assertThat(Checks.KINDS).as(t.id() + ": " + s.title()).contains(s.check().kind());
                assertThat(s.action()).as(t.id() + ": " + s.title()).isNotBlank();
                assertThat(s.explanation() + s.action()).doesNotContain("check:", "ask:");
                if (s.check().args().containsKey("preset")) {
                    assertThat(ModelPresets.find(s.check().arg("preset"))).isPresent();
                }
            }
            for (Tutorial.Question q : t.quiz()) {
                assertThat(q.answer()).isBetween(0, q.options().size() - 1);
                assertThat(q.explanation()).as(q.text()).isNotBlank();
            }
        }
    }

    @Test
    @Order(2)
    void theParserSplitsStepsActionsChecksAndTheQuiz() {
        Tutorial t = TutorialParser.parse("07-x.md", """
                # Tutorial 7: X
                lab: /data
                minutes: 5
                makes: a thing

                Intro.

                ## Step: One
                Why it works: a = b.
                Do: Press **Run**
                and wait.

                    curl -s http://127.0.0.1:8080/v1/models

                check: run lab=data state=succeeded count=2
                ## Step: Two
                Do: Type it.
                check: answer-tokens tokenizer=gpt2 text="a b, c"
                ask: How many?
                ## Quiz
                ### Q1?
                - no
                - [x] yes
                Because.
                ## Try this
                - more
                """);
        assertThat(t.number()).isEqualTo(7);
        assertThat(t.id()).isEqualTo("x");
        assertThat(t.intro()).isEqualTo("Intro.");
        assertThat(t.steps().get(0).explanation()).isEqualTo("Why it works: a = b.");
        assertThat(t.steps().get(0).action()).isEqualTo("Press **Run** and wait.\n\n    curl -s http://127.0.0.1:8080/v1/models");
        assertThat(t.steps().get(0).check()).isEqualTo(new CheckSpec("run", Map.of("lab", "data", "state", "succeeded", "count", "2")));
        assertThat(t.steps().get(1).check().args()).containsEntry("text", "a b, c");
        assertThat(t.steps().get(1).ask()).isEqualTo("How many?");
        assertThat(t.quiz()).containsExactly(new Tutorial.Question("Q1?", List.of("no", "yes"), 1, "Because."));
        assertThat(t.tryThis()).containsExactly("more");
    }

    @Test
    @Order(3)
    void stepsUnlockInOrderAndAnswersAreCheckedAgainstWhatTheAppComputes() throws Exception {
        assertThat(call("GET", "/api/v1/course", null, 200)).hasSize(9);
        JsonNode locked = call("POST", "/api/v1/course/tokenizer/steps/2/check", Map.of(), 409);
        assertThat(locked.get("message").asText()).isEqualTo("Step 2 is locked: pass step 1 first.");
        JsonNode wrong = call("POST", "/api/v1/course/tokenizer/steps/1/check", Map.of("answer", "12"), 200);
        assertThat(wrong.get("passed").asBoolean()).isFalse();
        assertThat(wrong.get("message").asText()).isEqualTo("That is not how many tokens GPT-2 (our BPE) make of it. Encode exactly the sentence in the step and "
                + "count the chips (the panel shows the count).");
        // GPT-2: To| be|,| or| not| to| be|,| that| is| the| question|. = 13 tokens (tiktoken's "gpt2" agrees)
        JsonNode right = call("POST", "/api/v1/course/1/steps/1/check", Map.of("answer", " 13 "), 200);
        assertThat(right.get("passed").asBoolean()).isTrue();
        assertThat(right.get("progress").get("passed").asInt()).isEqualTo(1);
        assertThat(right.get("progress").get("stepStates").get(1).get("state").asText()).isEqualTo("open");
        JsonNode noTokenizer = call("POST", "/api/v1/course/tokenizer/steps/2/check", Map.of(), 200);
        assertThat(noTokenizer.get("message").asText()).isEqualTo("No tokenizer of yours with at least 512 tokens yet: train one in "
                + "'Train a vocabulary' with Vocabulary size 512.");
        assertThat(call("POST", "/api/v1/course/tokenizer/steps/9/check", Map.of(), 400).get("message").asText())
                .isEqualTo("Tutorial 1 has steps 1 to 3; there is no step 9.");
        assertThat(call("GET", "/api/v1/course/nope", null, 404).get("message").asText()).startsWith("No tutorial 'nope'. Tutorials: 1 tokenizer, 2 transformer");

        assertThat(call("POST", "/api/v1/course/transformer/steps/1/check", Map.of("answer", "10745089"), 200).get("passed").asBoolean()).isFalse();
        assertThat(call("POST", "/api/v1/course/transformer/steps/1/check", Map.of("answer", "10,745,088"), 200).get("message").asText())
                .isEqualTo("Right: 10,745,088.");
    }

    @Test
    @Order(4)
    void aGreedyAnswerIsWhatTheInferenceEndpointGenerates() throws Exception {
        JsonNode gen = call("POST", "/api/v1/inference/generate", Map.of("model", "shakespeare-char", "prompt", "ROMEO:",
                "strategy", "greedy", "max_new_tokens", 20), 200);
        String text = gen.get("text").asText();
        assertThat(text).hasSize(20);
        JsonNode wrong = call("POST", "/api/v1/course/decoding/steps/1/check", Map.of("answer", "Exeunt all"), 200);
        assertThat(wrong.get("passed").asBoolean()).isFalse();
        assertThat(call("POST", "/api/v1/course/decoding/steps/1/check", Map.of("answer", "ROMEO:"), 200).get("passed").asBoolean())
                .as("the prompt alone").isFalse();
        assertThat(call("POST", "/api/v1/course/decoding/steps/1/check", Map.of("answer", text.replace("\n", "\n  ")), 200)
                .get("passed").asBoolean()).isTrue();
        // copied from the output panel: the prompt included, newlines drawn as ⏎
        assertThat(call("POST", "/api/v1/course/decoding/steps/1/check", Map.of("answer", "ROMEO:" + text.replace("\n", "⏎")), 200)
                .get("passed").asBoolean()).isTrue();
        JsonNode sample = call("POST", "/api/v1/inference/generate", Map.of("model", "shakespeare-char", "prompt", "ROMEO:",
                "strategy", "sample", "max_new_tokens", 20, "temperature", 0.8, "top_p", 0.9, "seed", 42), 200);
        assertThat(call("POST", "/api/v1/course/decoding/steps/2/check", Map.of("answer", sample.get("text").asText()), 200)
                .get("passed").asBoolean()).isTrue();
        assertThat(call("GET", "/api/v1/course/decoding/progress", null, 200).get("complete").asBoolean()).isTrue();
    }

    @Test
    @Order(5)
    void theQuizExplainsAndResetForgets() throws Exception {
        JsonNode q = call("POST", "/api/v1/course/tokenizer/quiz/2", Map.of("choice", 1), 200);
        assertThat(q.get("correct").asBoolean()).isFalse();
        assertThat(q.get("answer").asInt()).isEqualTo(2);
        assertThat(q.get("explanation").asText()).startsWith("Byte-level BPE starts from the 256 possible bytes");
        assertThat(call("POST", "/api/v1/course/tokenizer/quiz/2", Map.of("choice", 2), 200).get("correct").asBoolean()).isTrue();
        assertThat(call("POST", "/api/v1/course/tokenizer/quiz/7", Map.of("choice", 1), 400).get("message").asText())
                .isEqualTo("Tutorial 1's quiz has questions 1 to 3.");
        JsonNode progress = call("GET", "/api/v1/course/tokenizer/progress", null, 200);
        assertThat(progress.get("quiz").get(0).get("correct").asBoolean()).isTrue();
        JsonNode reset = call("DELETE", "/api/v1/course/tokenizer/progress", null, 200);
        assertThat(reset.get("passed").asInt()).isZero();
        assertThat(reset.path("quiz").size()).isZero();
        assertThat(call("GET", "/api/v1/course/progress", null, 200).get(3).get("complete").asBoolean()).isTrue(); // decoding stays
    }
}
