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
        browser.open(jetty.baseUrl() + "/finetune", "finetune-start"); // a fresh page: the other test may have run first
        assertThat(browser.find("vaadin-details.pg-explainer").getText()).contains("Teaching a model to follow instructions");
        browser.await(d -> browser.find("#finetune-preview-info").getText().equals("6,000 train / 200 validation / 200 test examples (alpaca layout)"));
        assertThat(browser.find("#finetune-preview").getText()).contains("User: ", "Assistant:");
        assertThat(browser.find("#finetune-trainable").getText()).startsWith("LoRA trains 131,072 of ").contains("parameters (");
        assertThat(browser.find("#finetune-base input").getAttribute("value")).startsWith("Shakespeare (char GPT, trained here)");
        // the block diagram: qkv, o, up and down highlighted in each of the 4 blocks; leave block 0 out: 12
        assertThat(browser.driver().findElements(By.cssSelector("#finetune-diagram .pg-adapted"))).hasSize(16);
        option("#finetune-layers vaadin-checkbox", "0");
        browser.await(d -> d.findElements(By.cssSelector("#finetune-diagram .pg-adapted")).size() == 12);
        browser.await(d -> browser.find("#finetune-trainable").getText().startsWith("LoRA trains 98,304 of "));
        option("#finetune-layers vaadin-checkbox", "0");
        // QLoRA: the base's block matrices as q4_0, and the memory that saves, before starting
        option("#finetune-method vaadin-radio-button", "QLoRA");
        browser.await(d -> browser.find("#finetune-memory").getText().contains("the blocks' linear layers as q4_0: 0.49 MB instead of 3.15 MB"));
        assertThat(browser.find("#finetune-quantization").isDisplayed()).isTrue();
        assertThat(browser.find("#finetune-trainable").getText()).startsWith("QLoRA trains 131,072 of ");
        option("#finetune-method vaadin-radio-button", "LoRA");
        type("finetune-rank", "4");
        browser.await(d -> browser.find("#finetune-trainable").getText().startsWith("LoRA trains 32,768 of "));
        assertThat(browser.find("#finetune-memory").getText()).startsWith("Memory: weights 3.27 MB + adapters' gradients and AdamW moments 0.39 MB");
        type("finetune-steps", "40");
        browser.screenshot("finetune-1-setup");
        browser.click("#finetune-start");
        browser.awaitJob(d -> "succeeded".equals(browser.find("#finetune-status").getAttribute("data-state")));
        assertThat(browser.find("#finetune-loss-chart").isDisplayed()).isTrue();
        assertThat(browser.find("#finetune-sample").getText()).startsWith("Answers at step 40:\n").contains(" → ");
        browser.await(d -> !browser.disabled("#finetune-compare"));
        browser.click("#finetune-compare");
        browser.awaitJob(d -> browser.find("#finetune-accuracy").getText().startsWith("Exact match on 200 held-out test instructions: base 0.0 % → fine-tuned "));
        assertThat(browser.driver().findElements(By.cssSelector("#finetune-answers vaadin-grid-cell-content")).stream()
                .anyMatch(c -> c.getText().startsWith("✗ "))).isTrue();
        scrollTo("#finetune-accuracy");
        browser.screenshot("finetune-2-compare");
        browser.click("#finetune-merge");
        browser.await(d -> browser.find("#finetune-merged").getText().startsWith("Saved and loaded as model 'import-my-fine-tuned'"));
        assertThat(browser.find("#finetune-open-chat").getAttribute("href")).endsWith("/chat?model=import-my-fine-tuned&template=plain");
        browser.click("#finetune-open-chat");
        browser.await(d -> d.findElements(By.id("chat-template")).size() == 1);
        browser.await(d -> browser.find("#gen-model input").getAttribute("value").contains("my-fine-tuned"));
        assertThat(browser.find("#chat-template").getText()).containsIgnoringCase("plain");
    }

    @Test
    void anUploadedSetIsCheckedThenSelectedAndPreviewed() throws Exception {
        browser.open(jetty.baseUrl() + "/finetune", "finetune-start");
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("sft-upload");
        java.nio.file.Path bad = java.nio.file.Files.writeString(dir.resolve("two.jsonl"), """
                {"instruction": "Say hi", "output": "hi"}
                {"instruction": "Say no", "output": ""}
                {"instruction": "Say yes", "output": "yes"}
                """);
        upload(bad);
        browser.await(d -> browser.find("#finetune-upload-status").getText().startsWith(
                "two.jsonl has 2 usable examples; a fine-tuning set needs at least 3 (train, validation and test). line 2:"));
        StringBuilder good = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            good.append("{\"messages\": [{\"role\": \"user\", \"content\": \"Echo ").append(i)
                    .append("\"}, {\"role\": \"assistant\", \"content\": \"").append(i).append("\"}]}\n");
        }
        upload(java.nio.file.Files.writeString(dir.resolve("echo.jsonl"), good));
        browser.await(d -> browser.find("#finetune-upload-status").getText().equals("Uploaded finetune/echo.jsonl: 20 examples (messages layout)."));
        assertThat(browser.find("#finetune-dataset input").getAttribute("value")).isEqualTo("finetune/echo.jsonl");
        browser.await(d -> browser.find("#finetune-preview").getText().contains("User: Echo "));
        browser.screenshot("finetune-3-upload");
    }

    void upload(java.nio.file.Path file) {
        browser.find("#finetune-upload").getShadowRoot().findElement(By.cssSelector("input[type=file]")).sendKeys(file.toAbsolutePath().toString());
    }

    /** Clicks the radio button or checkbox of a group whose label is {@code label}. */
    void option(String css, String label) {
        browser.driver().findElements(By.cssSelector(css)).stream().filter(r -> r.getText().strip().equals(label)).findFirst()
                .orElseThrow(() -> new AssertionError("no option '" + label + "' in " + css)).click();
    }
}
