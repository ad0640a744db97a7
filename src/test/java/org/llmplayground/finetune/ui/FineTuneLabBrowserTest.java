package org.llmplayground.finetune.ui;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import org.llmplayground.support.LabBrowserTest;
import org.openqa.selenium.By;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Fine-tuning lab's main path in Chromium: the demo set's examples through the template (prompt greyed, reply
 * learned), what LoRA trains before starting, a short LoRA run with its live loss, then base vs fine-tuned on the
 * 200 held-out test instructions, side by side.
 */
@MicronautTest(transactional = false)
class FineTuneLabBrowserTest extends LabBrowserTest {
    @Override
    protected String route() {
        return "finetune";
    }

    @Override
    protected String readyId() {
        return "finetune-start";
    }

    String status() {
        return browser.find("#finetune-status").getText();
    }

    @Test
    void aShortLoraRunIsComparedWithItsBase() {
        assertThat(browser.find("vaadin-details.pg-explainer").getText()).contains("Teaching a model to follow instructions");
        browser.await(d -> browser.find("#finetune-preview-info").getText().equals("3,000 train / 200 validation / 200 test examples (alpaca layout)"));
        assertThat(browser.find("#finetune-preview").getText()).contains("User: ", "Assistant:");
        assertThat(browser.find("#finetune-trainable").getText()).startsWith("LoRA trains 131,072 of ").contains("parameters (");
        type("finetune-rank", "4");
        browser.await(d -> browser.find("#finetune-trainable").getText().startsWith("LoRA trains 32,768 of "));
        type("finetune-steps", "40");
        browser.screenshot("finetune-1-setup");
        browser.click("#finetune-start");
        browser.awaitJob(d -> "succeeded".equals(browser.find("#finetune-status").getAttribute("data-state")));
        assertThat(browser.find("#finetune-loss-chart").isDisplayed()).isTrue();
        assertThat(browser.find("#finetune-sample").getText()).startsWith("Sample at step 40: ");
        browser.await(d -> !browser.disabled("#finetune-compare"));
        browser.click("#finetune-compare");
        browser.awaitJob(d -> browser.find("#finetune-accuracy").getText().startsWith("Exact match on 200 held-out test instructions: base 0.0 % → fine-tuned "));
        assertThat(browser.driver().findElements(By.cssSelector("#finetune-answers vaadin-grid-cell-content")).stream()
                .anyMatch(c -> c.getText().startsWith("✗ "))).isTrue();
        scrollTo("#finetune-accuracy");
        browser.screenshot("finetune-2-compare");
        browser.click("#finetune-merge");
        browser.await(d -> browser.find("#finetune-merged").getText().startsWith("Saved and loaded as model 'import-my-fine-tuned'"));
        assertThat(browser.find("#finetune-merged a").getAttribute("href")).endsWith("/chat");
    }
}
