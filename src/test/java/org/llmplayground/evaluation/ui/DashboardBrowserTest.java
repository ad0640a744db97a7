package org.llmplayground.evaluation.ui;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.evaluation.EvaluationService;
import org.llmplayground.evaluation.EvaluationStore;
import org.llmplayground.evaluation.human.HumanEvaluation;
import org.llmplayground.model.ModelService;
import org.llmplayground.support.LabBrowserTest;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The evaluation dashboard and human evaluation in Chromium: two models evaluated (MMLU subjects and HellaSwag), the
 * leaderboard with its best-per-column stars, the radar, MMLU by category side by side; then a rating task rated by
 * two annotators in the browser and the agreement per criterion against the 0.6 target.
 */
@MicronautTest(transactional = false)
class DashboardBrowserTest extends LabBrowserTest {
    @Inject
    ModelService models;
    @Inject
    EvaluationService evaluation;
    @Inject
    HumanEvaluation human;
    @Inject
    JobRunner jobs;

    @Override
    protected String route() {
        return "evaluation/dashboard";
    }

    @Override
    public java.util.Map<String, String> getProperties() {
        return org.llmplayground.support.TestApp.freshWorkspace("browser-evaluation-dashboard");
    }

    @Override
    protected String readyId() {
        return "dash-leaderboard";
    }

    EvaluationStore.Run evaluate(String model) throws Exception {
        EvaluationStore.Run r = evaluation.start(new EvaluationService.Request(model, List.of("mmlu_anatomy", "mmlu_astronomy", "mmlu_philosophy",
                "mmlu_high_school_us_history", "hellaswag"), 0, 8, null, null, null, null, null));
        jobs.await(r.jobId(), Duration.ofMinutes(3));
        assertThat(evaluation.run(r.id()).state()).isEqualTo("succeeded");
        return r;
    }

    @Test
    void leaderboardRadarCategoriesThenHumanRatingAndKappa() throws Exception {
        Path dir = Files.createDirectories(models.importsFolder().resolve("gpt2-mini"));
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.copy(Path.of("models/gpt2-mini").resolve(f), dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        String copy = models.importWeights("gpt2-mini").id();
        evaluate(ModelService.GPT2_MINI_MODEL);
        evaluate(copy);
        HumanEvaluation.Listed task = human.create(new HumanEvaluation.Create("helpful", "rating", ModelService.GPT2_MINI_MODEL,
                ModelService.SHAKESPEARE_MODEL, null, null, List.of("Say hello.", "Name a colour."), null, null, 2));
        jobs.await(task.task().jobId(), Duration.ofMinutes(2));

        // the leaderboard: two rows, a star per column
        browser.open(jetty.baseUrl() + "/evaluation/dashboard", "dash-leaderboard");
        browser.await(d -> browser.find("#dash-leaderboard").getText().contains("import-gpt2-mini"));
        assertThat(browser.find("#dash-board-info").getText()).startsWith("2 models · ");
        assertThat(browser.find("#dash-leaderboard").getText()).contains("mmlu/acc ↑", "hellaswag/acc_norm ↑", "★");
        assertThat(browser.find("vaadin-details.pg-explainer").getText()).contains("Reading scores");
        browser.screenshot("dashboard-1-leaderboard");

        // the radar of both models over the first six metrics
        scrollTo("#dash-radar-draw");
        browser.click("#dash-radar-draw");
        browser.await(d -> "1".compareTo(String.valueOf(browser.find("#dash-radar").getAttribute("data-rendered"))) <= 0
                && browser.find("#dash-radar").getAttribute("data-rendered") != null);
        browser.screenshot("dashboard-2-radar");

        // MMLU by category, the two runs side by side
        browser.driver().findElements(By.cssSelector("vaadin-tab")).stream().filter(t -> t.getText().equals("MMLU by category")).findFirst()
                .orElseThrow().click();
        browser.click("#dash-cat-show");
        browser.await(d -> browser.find("#dash-cat-grid").getText().contains("anatomy"));
        assertThat(browser.find("#dash-cat-grid").getText()).contains("astronomy", "philosophy", "high school us history", "STEM", "Humanities", "Other");
        browser.await(d -> browser.find("#dash-cat-chart").getAttribute("data-rendered") != null);
        browser.screenshot("dashboard-3-categories");

        // human evaluation: ada then bob rate every answer (ratings from the answer's length, so both rate an answer alike)
        browser.open(jetty.baseUrl() + "/evaluation/human", "human-create");
        browser.driver().findElements(By.cssSelector("vaadin-tab")).stream().filter(t -> t.getText().equals("2. Annotate")).findFirst()
                .orElseThrow().click();
        browser.await(d -> browser.find("#human-guidelines").getText().contains("helpfulness") || !String.valueOf(
                browser.js("return document.getElementById('human-guidelines').value")).isEmpty());
        for (String annotator : List.of("ada", "bob")) {
            type("human-annotator", annotator);
            browser.click("#human-next");
            for (int i = 0; i < 4; i++) {
                browser.await(d -> !browser.find("#human-rate-answer").getText().isEmpty() && browser.find("#human-progress").getText()
                        .startsWith(annotator + " judged "));
                int len = browser.find("#human-rate-answer").getText().length();
                rate("helpfulness", 1 + len % 5);
                rate("correctness", 1 + (annotator.equals("ada") ? len / 5 : len / 3) % 5); // bob reads it otherwise
                rate("fluency", annotator.equals("ada") ? 3 : 1 + len % 2 * 2);
                if (annotator.equals("bob") && i == 1) {
                    browser.screenshot("dashboard-4-human-rating");
                }
                String before = browser.find("#human-progress").getText();
                browser.click("#human-rate-submit");
                int done = i + 1;
                browser.await(d -> browser.find("#human-progress").getText().startsWith(annotator + " judged " + done + ";")
                        || browser.find("#human-status").getText().startsWith("Nothing left"));
                assertThat(before).isNotEqualTo(browser.find("#human-progress").getText());
            }
            browser.await(d -> browser.find("#human-status").getText().startsWith("Nothing left for '" + annotator + "'"));
        }
        // agreement per criterion against the target
        browser.driver().findElements(By.cssSelector("vaadin-tab")).stream().filter(t -> t.getText().equals("3. Agreement and results")).findFirst()
                .orElseThrow().click();
        browser.click("#human-agreement");
        browser.await(d -> browser.find("#human-agreement-grid").getText().contains("helpfulness"));
        List<HumanEvaluation.CriterionAgreement> expected = human.agreement("helpful");
        String grid = browser.find("#human-agreement-grid").getText();
        for (HumanEvaluation.CriterionAgreement a : expected) {
            assertThat(a.items()).isEqualTo(4);
            assertThat(grid).contains(a.fleissKappa() == null ? "—" : String.format(Locale.ROOT, "%.3f", a.fleissKappa()));
        }
        assertThat(expected.get(0).fleissKappa()).isEqualTo(1.0); // both rated helpfulness by the same rule
        assertThat(grid).contains("✓ above 0.6", "[ada, bob]: κ = 1.000", "Target κ > 0.6");
        assertThat(browser.find("#human-scores").getText()).contains("gpt2-mini, temperature 0.8", "helpfulness");
        browser.screenshot("dashboard-5-agreement");
    }

    /** Clicks rating {@code score} of a criterion's 1–5 scale. */
    void rate(String criterion, int score) {
        WebElement button = browser.await(d -> d.findElements(By.cssSelector("#human-rate-" + criterion + " vaadin-radio-button")).stream()
                .filter(b -> b.getText().strip().equals(String.valueOf(score))).findFirst().orElse(null));
        browser.js("arguments[0].scrollIntoView({block: 'center'})", button);
        button.click();
    }
}
