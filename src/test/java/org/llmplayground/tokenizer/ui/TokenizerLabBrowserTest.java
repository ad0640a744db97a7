package org.llmplayground.tokenizer.ui;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.llmplayground.app.web.JettyServer;
import org.llmplayground.support.Browser;
import org.llmplayground.support.TestApp;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Tokenizer lab in headless Chromium: type text and see chips, switch tokenizer, compare, train a vocabulary and
 * use it, measure coverage, and the bad-input messages. Screenshots go to target/screenshots/.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TokenizerLabBrowserTest implements TestPropertyProvider {
    @Inject
    JettyServer jetty;
    Browser browser;

    @Override
    public Map<String, String> getProperties() {
        return TestApp.freshWorkspace("browser-tokenizer");
    }

    @BeforeAll
    void start() {
        browser = new Browser();
        browser.open(jetty.baseUrl() + "/tokenizer", "inspector-chips");
    }

    @AfterAll
    void stop() {
        browser.close();
    }

    List<WebElement> chips(String container) {
        return browser.driver().findElements(By.cssSelector(container + " .tok"));
    }

    @Test
    @Order(1)
    void typedTextBecomesChipsWithIdsOnHover() {
        WebElement text = browser.find("#tok-text textarea");
        text.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        text.sendKeys("Hello world! Tokenizers split text into pieces.");
        browser.await(d -> chips("#inspector-chips").size() == 10
                && chips("#inspector-chips").get(0).getAttribute("data-id").equals("15496"));
        WebElement hello = chips("#inspector-chips").get(0);
        assertThat(hello.getText()).isEqualTo("Hello");
        assertThat(hello.getAttribute("title")).isEqualTo("id 15496 · bytes 48 65 6C 6C 6F · 'Hello'");
        assertThat(chips("#inspector-chips").get(1).getText()).isEqualTo("·world"); // the space is part of the token
        assertThat(browser.find("#inspector-stats").getText()).startsWith("47 characters · 10 tokens · 4.70 characters/token");
        assertThat(browser.find("#inspector-ids textarea").getAttribute("value"))
                .isEqualTo("[15496, 995, 0, 29130, 11341, 6626, 2420, 656, 5207, 13]");
        assertThat(browser.find("#inspector-cost").getText()).isEqualTo("Estimated cost: $0.005000 for 10 tokens");
        browser.await(d -> "1".equals(browser.find("#inspector-histogram").getAttribute("data-rendered"))
                || Integer.parseInt(String.valueOf(browser.find("#inspector-histogram").getAttribute("data-rendered"))) >= 1);
        browser.screenshot("tokenizer-1-inspector");
    }

    @Test
    @Order(2)
    void anotherTokenizerGivesOtherIds() {
        browser.pick("inspector-tokenizer", "GPT-3.5 / GPT-4 (cl100k_base)");
        browser.await(d -> "9906".equals(chips("#inspector-chips").get(0).getAttribute("data-id")));
        browser.pick("inspector-tokenizer", "GPT-2 (our BPE)");
        browser.await(d -> "15496".equals(chips("#inspector-chips").get(0).getAttribute("data-id")));
    }

    @Test
    @Order(3)
    void emojiBytesAndPreCleaning() {
        browser.setValue("tok-text", "café 😀<p>x&amp;y</p>");
        // GPT-2 has no token for 😀 (bytes F0 9F 98 80): token 30325 is " " + its first three bytes, 222 the last
        browser.await(d -> chips("#inspector-chips").stream().map(WebElement::getText).toList()
                .containsAll(List.of("‹20 F0 9F 98›", "‹80›")));
        browser.find("#inspector-preclean input").click();
        browser.await(d -> browser.find("#inspector-cleaned").getText().equals("café 😀x&y"));
        assertThat(browser.find("#inspector-cleaning-changes").getText()).startsWith("HTML removal:");
        browser.screenshot("tokenizer-2-precleaning");
        browser.find("#inspector-preclean input").click();
    }

    @Test
    @Order(4)
    void badInputGetsAClearMessage() {
        browser.setValue("tok-text", "");
        browser.await(d -> browser.find("#inspector-error").getText().equals("Type or paste some text above to see its tokens."));
        assertThat(chips("#inspector-chips")).isEmpty();

        // 10 MB of text: every token is counted, the first 2,000 are shown
        browser.setValue("tok-text", "The quick brown fox. ".repeat(499321));
        browser.await(d -> browser.find("#inspector-chips-note").getText().equals("Showing the first 2,000 of 2,496,606 tokens."));
        assertThat(chips("#inspector-chips")).hasSize(2000);

        browser.setValue("tok-text", "x".repeat(10485761));
        browser.await(d -> browser.find("#inspector-error").getText()
                .equals("The text has 10,485,761 characters; the limit is 10,485,760. For whole corpora upload a file and use Coverage."));
        browser.setValue("tok-text", "Hello world! Tokenizers split text into pieces.");
        browser.await(d -> chips("#inspector-chips").size() == 10);
    }

    @Test
    @Order(5)
    void comparisonShowsTheTokenizersSideBySide() {
        browser.find("#tab-compare").click();
        browser.await(d -> d.findElements(By.cssSelector("#compare-columns .pg-compare-column")).size() == 3);
        List<WebElement> columns = browser.driver().findElements(By.cssSelector("#compare-columns .pg-compare-column"));
        assertThat(columns.stream().map(c -> c.getAttribute("data-tokenizer")).toList())
                .containsExactly("gpt2", "cl100k_base", "o200k_base");
        for (WebElement column : columns) {
            assertThat(column.findElements(By.cssSelector(".tok"))).isNotEmpty();
            assertThat(column.getText()).contains("tokens");
        }
        browser.screenshot("tokenizer-3-compare");
    }

    @Test
    @Order(6)
    void trainAVocabularyWatchItFinishAndUseIt() {
        browser.find("#tab-train").click();
        WebElement name = browser.find("#train-name input");
        name.sendKeys(Keys.chord(Keys.CONTROL, "a"), "browser-bpe");
        WebElement vocab = browser.find("#train-vocab input");
        vocab.sendKeys(Keys.chord(Keys.CONTROL, "a"), "400", Keys.TAB);
        browser.find("#train-start").click();
        browser.await(d -> browser.find("#train-status").getText().startsWith("succeeded · 100%"));
        assertThat(browser.find("#train-status").getText()).contains("Saved as 'browser-bpe'");
        List<WebElement> mergeCells = browser.driver().findElements(By.cssSelector("#train-merges vaadin-grid-cell-content"));
        // 400 - 256 = 144 merges: the newest row is merge #144, which made token 399
        assertThat(mergeCells.stream().map(WebElement::getText).toList()).contains("144", "399");
        browser.screenshot("tokenizer-4-trained");

        browser.find("#train-use").click();
        browser.await(d -> browser.find("#inspector-tokenizer input").getAttribute("value").contains("browser-bpe"));
        browser.await(d -> browser.find("#inspector-stats").getText().contains("vocabulary 401"));
        assertThat(chips("#inspector-chips")).isNotEmpty();
    }

    @Test
    @Order(7)
    void trainingRefusesATakenNameAndATinyVocabulary() {
        browser.find("#tab-train").click();
        browser.find("#train-name input").sendKeys(Keys.chord(Keys.CONTROL, "a"), "browser-bpe");
        browser.find("#train-start").click();
        browser.await(d -> browser.find("#train-error").getText()
                .equals("A tokenizer with the id 'browser-bpe' already exists. Choose another name or delete the existing one first."));
        browser.find("#train-name input").sendKeys(Keys.chord(Keys.CONTROL, "a"), "tiny");
        browser.find("#train-vocab input").sendKeys(Keys.chord(Keys.CONTROL, "a"), "100", Keys.TAB);
        browser.find("#train-start").click();
        browser.await(d -> browser.find("#train-error").getText().contains("The vocabulary size must be between 257 and 65,536"));
    }

    @Test
    @Order(8)
    void uploadsAreCheckedAndUsable() throws Exception {
        browser.find("#tab-train").click();
        Path dir = Files.createTempDirectory("uploads");
        Path latin1 = Files.write(dir.resolve("menu.txt"), "café crème".getBytes(StandardCharsets.ISO_8859_1));
        uploadFile("train-upload", latin1);
        browser.await(d -> browser.find("#train-upload-message").getText()
                .equals("The file 'menu.txt' is not UTF-8 text: invalid byte 0xE9 at offset 3. Save it as UTF-8 and try again."));
        Path good = Files.writeString(dir.resolve("poem.txt"), "the rain in spain stays mainly in the plain. ".repeat(200));
        uploadFile("train-upload", good);
        browser.await(d -> browser.find("#train-upload-message").getText().equals("Uploaded poem.txt (8.8 KB)."));
        assertThat(browser.find("#train-corpus input").getAttribute("value")).isEqualTo("poem.txt (uploaded)");
        browser.find("#train-name input").sendKeys(Keys.chord(Keys.CONTROL, "a"), "rain");
        browser.find("#train-vocab input").sendKeys(Keys.chord(Keys.CONTROL, "a"), "300", Keys.TAB);
        browser.find("#train-start").click();
        browser.await(d -> browser.find("#train-status").getText().startsWith("succeeded · 100% · Saved as 'rain'"));
    }

    void uploadFile(String uploadId, Path file) {
        WebElement input = browser.find("#" + uploadId).getShadowRoot().findElement(By.cssSelector("input[type=file]"));
        input.sendKeys(file.toAbsolutePath().toString());
    }

    @Test
    @Order(9)
    void aRunningTrainingSurvivesAReloadAndCanBeCancelled() {
        browser.find("#tab-train").click();
        browser.pick("train-corpus", "Tiny Shakespeare");
        browser.find("#train-name input").sendKeys(Keys.chord(Keys.CONTROL, "a"), "long-one");
        browser.find("#train-vocab input").sendKeys(Keys.chord(Keys.CONTROL, "a"), "60000", Keys.TAB);
        browser.pick("train-pattern", "None (basic)");
        browser.find("#train-start").click();
        browser.await(d -> browser.find("#train-status").getText().startsWith("running"));

        browser.open(jetty.baseUrl() + "/tokenizer", "tab-train"); // a page reload: the job goes on
        browser.find("#tab-train").click();
        browser.await(d -> browser.find("#train-status").getText().startsWith("running"));
        browser.await(d -> browser.find("#train-cancel").isEnabled());
        browser.find("#train-cancel").click();
        browser.await(d -> browser.find("#train-status").getText().startsWith("cancelled"));
        assertThat(browser.find("#train-start").isEnabled()).isTrue();
    }

    @Test
    @Order(10)
    void aMalformedTokenizerJsonIsRefusedAndNothingIsSaved() throws Exception {
        browser.find("#tab-train").click();
        browser.find("#import-name input").sendKeys("broken");
        Path bad = Files.writeString(Files.createTempDirectory("import").resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\"}}");
        uploadFile("import-upload", bad);
        browser.await(d -> browser.find("#import-message").getText().equals("Not a valid tokenizer.json: model.vocab is missing"));
        assertThat(browser.find("#train-saved").getText()).doesNotContain("broken");
    }

    @Test
    @Order(11)
    void coverageOfShakespeare() {
        browser.find("#tab-coverage").click();
        browser.find("#coverage-run").click();
        browser.await(d -> browser.find("#coverage-stats").getText().startsWith("gpt2 on tinyshakespeare: 338,025 tokens"));
        browser.await(d -> d.findElements(By.cssSelector("#coverage-top vaadin-grid-cell-content")).size() > 20);
        browser.screenshot("tokenizer-5-coverage");
    }
}
