package org.llmplayground.evaluation.ui;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.llmplayground.model.ModelService;
import org.llmplayground.support.LabBrowserTest;
import org.openqa.selenium.By;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Evaluation lab's main path in Chromium: MMLU (two subjects, 10 questions each) on gpt2-mini imported as a
 * Hugging Face folder together with a custom benchmark saved in the lab, scores with their standard errors, the items
 * filtered to wrong answers and one opened with its prompt; BLEU and ROUGE on pasted texts; a text's perplexity.
 */
@MicronautTest(transactional = false)
class EvaluationLabBrowserTest extends LabBrowserTest {
    @Inject
    ModelService models;

    @Override
    protected String route() {
        return "evaluation";
    }

    @Override
    protected String readyId() {
        return "eval-run";
    }

    @Test
    void mmluOnAnImportedModelAndMetricsOnPastedTexts() throws Exception {
        Path dir = Files.createDirectories(models.importsFolder().resolve("gpt2-mini"));
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.copy(Path.of("models/gpt2-mini").resolve(f), dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        models.importWeights("gpt2-mini");
        browser.open(jetty.baseUrl() + "/evaluation", "eval-run");
        assertThat(browser.find("vaadin-details.pg-explainer").getText()).contains("Measuring a model");
        browser.pick("eval-model", "import-gpt2-mini");
        // a benchmark of one's own (the example quiz): saved, it joins the selected tasks
        scrollTo("#bench-save");
        browser.click("#bench-save");
        browser.await(d -> browser.find("#bench-message").getText().startsWith("Saved 'my_quiz' version 1: 3 items"));
        browser.screenshot("evaluation-0-custom-benchmark");
        scrollTo("#eval-run");
        // a multi-select stays open after a pick: choose, then close it
        browser.find("#eval-tasks input").click();
        browser.await(d -> d.findElements(By.cssSelector("vaadin-multi-select-combo-box-item")).stream()
                .filter(i -> i.getText().strip().equals("mmlu_anatomy")).findFirst().orElse(null)).click();
        browser.find("#eval-tasks input").sendKeys(org.openqa.selenium.Keys.ESCAPE);
        type("eval-limit", "10");
        browser.click("#eval-run");
        browser.awaitJob(d -> "succeeded".equals(browser.find("#eval-status").getAttribute("data-state")));
        browser.await(d -> browser.find("#eval-scores").getText().contains("mmlu_anatomy"));
        assertThat(browser.find("#eval-scores").getText()).contains("mmlu_abstract_algebra", "my_quiz", "acc", "±", "95 % bootstrap: ");
        assertThat(browser.find("#eval-csv").getText()).isEqualTo("Download CSV");
        assertThat(browser.find("#eval-reproducibility").getText()).startsWith("weights SHA-256 ");
        browser.click("#eval-wrong-only");
        browser.await(d -> count("#eval-items vaadin-grid-cell-content") > 0);
        assertThat(browser.driver().findElements(By.cssSelector("#eval-items vaadin-grid-cell-content")).stream()
                .noneMatch(c -> c.getText().equals("✓"))).isTrue();
        // open an item: the prompt the model read, each choice's log-likelihood, its pick and the gold answer
        browser.driver().findElements(By.cssSelector("#eval-items vaadin-grid-cell-content")).stream()
                .filter(c -> c.getText().contains("0: -")).findFirst().orElseThrow().click();
        browser.await(d -> browser.find("#eval-item-detail").getText().startsWith("Prompt the model read:\nThe following are multiple choice questions"));
        assertThat(browser.find("#eval-item-detail").getText()).contains("(gold)", "▶ ", "log p = ");
        browser.screenshot("evaluation-1-benchmarks");
        browser.click("#eval-score");
        browser.await(d -> browser.find("#eval-metric-result").getText().startsWith("Corpus: score "));
        select("eval-metric", "rouge");
        browser.click("#eval-score");
        browser.await(d -> browser.find("#eval-metric-result").getText().startsWith("Corpus: rouge1 F "));
        scrollTo("#eval-metric-result");
        browser.click("#eval-ppl");
        browser.await(d -> browser.find("#eval-ppl-result").getText().startsWith("Perplexity "));
        assertThat(browser.find("#eval-ppl-result").getText()).contains("bits per byte");
        browser.screenshot("evaluation-2-metrics");
    }
}
