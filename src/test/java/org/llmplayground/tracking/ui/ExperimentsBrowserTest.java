package org.llmplayground.tracking.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import org.llmplayground.support.LabBrowserTest;
import org.llmplayground.support.TestApp;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Experiments page in Chromium: two training runs that differ in learning rate are listed, selected and compared
 * (overlaid loss curves on a log scale, a config diff that names the learning rate), then one is opened and run again.
 */
@MicronautTest(transactional = false)
class ExperimentsBrowserTest extends LabBrowserTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected String route() {
        return "experiments";
    }

    @Override
    protected String readyId() {
        return "runs-grid";
    }

    String train(String name, double lr) throws Exception {
        String yaml = "name: " + name + "\nseed: 3\nmodel: {num_layers: 1, hidden_size: 16, num_heads: 2, context_length: 16, dropout: 0}\n"
                + "training: {batch_size: 4, block_size: 16, max_steps: 20, eval_interval: 10, eval_batches: 1, save_interval: 20, learning_rate: "
                + lr + "}\nsampling: {interval: 20, length: 10}\n";
        String id = JSON.readTree(TestApp.postJson(jetty.baseUrl() + "/api/v1/training/jobs/start", JSON.writeValueAsString(Map.of("yaml", yaml))).body())
                .get("id").asText();
        for (int i = 0; i < 2400; i++) {
            String state = JSON.readTree(TestApp.get(jetty.baseUrl() + "/api/v1/runs/" + id).body()).at("/run/state").asText();
            if (!List.of("queued", "running").contains(state)) {
                return id;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("run " + name + " did not finish");
    }

    /** The selection checkboxes of the runs grid's rows (the header's select-all left out), top to bottom. */
    List<WebElement> rowCheckboxes() {
        return browser.driver().findElements(By.cssSelector("#runs-grid vaadin-checkbox")).stream()
                .filter(b -> !"selectAllCheckbox".equals(b.getAttribute("id")) && !"Select All".equals(b.getAttribute("aria-label"))).toList();
    }

    /** Ticks (or unticks) the selection box of row {@code i}. */
    void tick(int i) {
        browser.js("arguments[0].click()", rowCheckboxes().get(i));
    }

    @Test
    void compareTwoRunsAndRunOneAgain() throws Exception {
        String slow = train("slow lr", 1e-4);
        train("fast lr", 3e-3);
        browser.open(jetty.baseUrl() + "/experiments", "runs-grid");
        browser.await(d -> browser.find("#runs-grid").getText().contains("slow lr") && browser.find("#runs-grid").getText().contains("fast lr"));
        assertThat(browser.find("#runs-grid").getText()).contains("pre-training", "finished", "best_val_loss");
        browser.await(d -> rowCheckboxes().size() >= 2);
        tick(0);
        tick(1);
        browser.click("#runs-compare");
        browser.await(d -> browser.find("#runs-status").getText().startsWith("Comparing 2 runs"));
        assertThat(browser.find("#runs-status").getText()).isEqualTo("Comparing 2 runs: 2 config keys differ (listed first).");
        assertThat(browser.find("#runs-diff").getText()).contains("training.learning_rate", "1.0E-4", "0.003", "differs");
        browser.click("#runs-log");
        browser.await(d -> browser.find("#runs-chart").isDisplayed());
        scrollTo("#runs-chart");
        browser.screenshot("experiments-1-compare");

        tick(0); // leaves "slow lr", the older run, selected alone: its record opens
        browser.await(d -> browser.find("#runs-record").getText().contains("seed: 3"));
        assertThat(browser.find("#runs-record").getText()).contains("code: ", "env.engine: PyTorch", "artifact: type=checkpoint");
        browser.click("#runs-again");
        browser.await(d -> browser.find("#runs-status").getText().startsWith("Started 'slow lr (again)'"));
        browser.await(d -> browser.find("#runs-grid").getText().contains("slow lr (again)"));
        browser.screenshot("experiments-2-record");

        // the Training lab links a run here: experiments?run=<id> opens its record
        browser.open(jetty.baseUrl() + "/experiments?run=" + slow, "runs-grid");
        browser.await(d -> browser.find("#runs-record").getText().contains("id: " + slow));

        // the Docs page (in the same menu): troubleshooting rendered from docs/troubleshooting.md, and its search
        browser.open(jetty.baseUrl() + "/docs/troubleshooting", "docs-content");
        browser.await(d -> browser.find("#docs-content").getText().contains("The loss turns NaN"));
        type("docs-search", "repetition penalty");
        browser.await(d -> browser.find("#docs-results").getText().contains("Troubleshooting: Fix: sample with temperature"));
        browser.screenshot("docs-1-troubleshooting");
        // a lab's reference page (a nested path, docs/labs/training.md) through the menu of pages
        browser.click("#docs-link-labs-training");
        browser.await(d -> browser.find("#docs-content").getText().contains("Lab 3 · Training: every control"));
        assertThat(browser.find("#docs-content").getText()).contains("Gradient accumulation", "quickstart");
        assertThat(browser.driver().getCurrentUrl()).endsWith("/docs/labs/training");
        browser.screenshot("docs-2-lab-reference");
    }
}
