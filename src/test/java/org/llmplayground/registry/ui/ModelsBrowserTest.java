package org.llmplayground.registry.ui;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okio.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.llmplayground.support.LabBrowserTest;
import org.openqa.selenium.By;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Models page in Chromium: the registry's list; gpt2-mini quantized to int8 with its report and a histogram of
 * one layer before and after; the diff of the two; a model card and its export; a download from a mock Hugging Face
 * Hub into the registry; the quantized model deleted.
 */
@MicronautTest(transactional = false)
class ModelsBrowserTest extends LabBrowserTest {
    final MockWebServer hub = new MockWebServer();

    @Override
    protected String route() {
        return "models";
    }

    @Override
    protected String readyId() {
        return "models-grid";
    }

    @Override
    public Map<String, String> getProperties() {
        Map<String, byte[]> files = new HashMap<>();
        try {
            files.put("config.json", Files.readAllBytes(Path.of("models/gpt2-mini/config.json")));
            files.put("model.safetensors", Files.readAllBytes(Path.of("models/gpt2-mini/model.safetensors")));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String tree = "[{\"type\":\"file\",\"path\":\"config.json\",\"size\":" + files.get("config.json").length + "},{\"type\":\"file\","
                + "\"path\":\"model.safetensors\",\"size\":" + files.get("model.safetensors").length + "},{\"type\":\"file\",\"path\":\"README.md\",\"size\":9}]";
        hub.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                if (r.getPath().startsWith("/api/models/demo/tiny-gpt2/tree/main")) {
                    return new MockResponse().setBody(tree);
                }
                byte[] body = files.get(r.getPath().replace("/demo/tiny-gpt2/resolve/main/", ""));
                return body == null ? new MockResponse().setResponseCode(404) : new MockResponse().setBody(new Buffer().write(body));
            }
        });
        Map<String, String> p = new HashMap<>(super.getProperties());
        p.put("playground.hub.endpoint", hub.url("/").toString());
        return p;
    }

    @AfterAll
    void stopHub() throws IOException {
        hub.shutdown();
    }

    void openTab(String label) {
        browser.driver().findElements(By.cssSelector("vaadin-tab")).stream().filter(t -> t.getText().equals(label)).findFirst()
                .orElseThrow().click();
    }

    @Test
    void quantizeDiffCardExportDownloadAndDelete() {
        browser.await(d -> browser.find("#models-grid").getText().contains("gpt2-mini"));
        assertThat(browser.find("#models-grid").getText()).contains("shakespeare-char", "stories260k", "bundled", "gpt2", "llama");
        selectRow("gpt2-mini");
        browser.click("#models-quantize");
        browser.await(d -> browser.find("#models-status").getText().startsWith("gpt2-mini-int8: "));
        assertThat(browser.find("#models-grid").getText()).contains("gpt2-mini-int8", "quantized");
        browser.click("#models-report");
        browser.await(d -> browser.find("#models-status").getText().contains("perplexity: "));
        assertThat(browser.find("#models-status").getText()).startsWith("gpt2-mini-int8 (int8) vs gpt2-mini:").contains("size_bytes: ", "(-7");
        browser.await(d -> browser.find("#models-histogram").isDisplayed());
        scrollTo("#models-histogram");
        browser.screenshot("models-1-quantized");

        openTab("Diff"); // gpt2-mini-int8 is selected (quantizing selects the new model): the diff starts from its parent
        browser.await(d -> browser.find("#diff-a").getText().contains("gpt2-mini"));
        browser.click("#diff-run");
        browser.awaitJob(d -> browser.find("#diff-status").getText().startsWith("Overall") || browser.find("#diff-status").getAttribute("class").contains("pg-error"));
        assertThat(browser.find("#diff-status").getText()).startsWith("Overall ‖B − A‖/‖A‖ = 0.00");
        assertThat(browser.find("#diff-tensors").getText()).contains("tok_emb.weight");
        assertThat(browser.find("#diff-outputs").getText()).contains("The meaning of life is");
        scrollTo("#diff-status");
        browser.screenshot("models-2-diff");

        openTab("Card and export");
        browser.await(d -> browser.find("#card-preview").getText().contains("Intended use"));
        browser.click("#card-export");
        browser.await(d -> browser.find("#card-status").getText().contains("is quantized (int8)"));
        browser.click("#card-model");
        browser.await(d -> d.findElements(By.cssSelector("vaadin-select-item")).stream()
                .filter(i -> i.isDisplayed() && i.getText().strip().equals("gpt2-mini")).findFirst().orElse(null)).click();
        browser.await(d -> browser.find("#card-preview").getText().contains("GPT-2 mini (WikiText-2)"));
        browser.click("#card-export");
        browser.await(d -> browser.find("#card-status").getText().startsWith("Exported as a gpt2 folder"));
        assertThat(browser.find("#card-status").getText()).contains("config.json", "model.safetensors", "vocab.json", "README.md");
        assertThat(browser.find("#card-zip").getAttribute("href")).endsWith("/api/v1/models/gpt2-mini/export.zip");
        browser.screenshot("models-3-card");

        openTab("Download from the Hub");
        type("hub-repo", "demo/tiny-gpt2");
        browser.click("#hub-list");
        browser.await(d -> browser.find("#hub-files").getText().contains("model.safetensors"));
        assertThat(browser.find("#hub-files").getText()).contains("skipped"); // README.md
        browser.click("#hub-download");
        browser.awaitJob(d -> browser.find("#hub-message").getText().startsWith("Downloaded") || browser.find("#hub-message").getAttribute("class").contains("pg-error"));
        assertThat(browser.find("#hub-message").getText()).startsWith("Downloaded and imported as import-hub-demo-tiny-gpt2");
        browser.screenshot("models-4-hub");

        openTab("All models");
        browser.await(d -> browser.find("#models-grid").getText().contains("import-hub-demo-tiny-gpt2"));
        assertThat(browser.find("#models-grid").getText()).contains("downloaded", "huggingface.co/demo/tiny-gpt2");
        selectRow("gpt2-mini-int8");
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
