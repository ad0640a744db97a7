package org.llmplayground.registry.ui;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import org.llmplayground.support.LabBrowserTest;
import org.openqa.selenium.By;

import static org.assertj.core.api.Assertions.assertThat;

/** The Models page in Chromium: the registry's list, gpt2-mini quantized to int8, its report against the original, then deleted. */
@MicronautTest(transactional = false)
class ModelsBrowserTest extends LabBrowserTest {
    @Override
    protected String route() {
        return "models";
    }

    @Override
    protected String readyId() {
        return "models-grid";
    }

    @Test
    void quantizeAModelAndReadItsReport() {
        browser.await(d -> browser.find("#models-grid").getText().contains("gpt2-mini"));
        assertThat(browser.find("#models-grid").getText()).contains("shakespeare-char", "stories260k", "bundled", "gpt2", "llama");
        selectRow("gpt2-mini");
        browser.click("#models-quantize");
        browser.await(d -> browser.find("#models-status").getText().startsWith("gpt2-mini-int8: "));
        assertThat(browser.find("#models-grid").getText()).contains("gpt2-mini-int8", "quantized");
        browser.click("#models-report");
        browser.await(d -> browser.find("#models-status").getText().contains("perplexity: "));
        assertThat(browser.find("#models-status").getText()).startsWith("gpt2-mini-int8 (int8) vs gpt2-mini:").contains("size_bytes: ", "(-7");
        browser.screenshot("models-1-quantized");
        browser.click("#models-delete");
        browser.await(d -> browser.find("#models-status").getText().startsWith("Deleted gpt2-mini-int8; "));
        assertThat(browser.find("#models-grid").getText()).doesNotContain("gpt2-mini-int8");
    }

    /** Clicks the grid row whose first cell is exactly {@code id}. */
    void selectRow(String id) {
        browser.await(d -> d.findElements(By.cssSelector("#models-grid vaadin-grid-cell-content")).stream()
                .filter(c -> c.getText().strip().equals(id)).findFirst().orElse(null)).click();
    }
}
