package org.llmplayground.course.ui;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.llmplayground.support.Browser;
import org.llmplayground.support.LabBrowserTest;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A newcomer's first experiment, in headless Chromium, at machine speed: tutorial 1 (your first tokenizer) and
 * tutorial 3 (train a tiny GPT, generate from it) followed step by step beside their labs, each step passing the
 * app's own check before the next unlocks; the quiz answered. The compute time of each step (from the action to the
 * passed check) is written to target/tutorial-timing.txt — the goal is tokenizer → train → generate under 30 minutes.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TutorialBrowserTest extends LabBrowserTest {
    private static final Logger LOG = LoggerFactory.getLogger(TutorialBrowserTest.class);
    static final String SENTENCE = "To be, or not to be, that is the question.";
    static final Pattern TOKENS = Pattern.compile("([\\d,]+) tokens");
    final List<String> timing = new ArrayList<>();

    @Override
    protected String route() {
        return "tokenizer?tutorial=tokenizer";
    }

    @Override
    protected String readyId() {
        return "tutorial-panel";
    }

    @Override
    public java.util.Map<String, String> getProperties() {
        return org.llmplayground.support.TestApp.freshWorkspace("browser-tutorials");
    }

    /** Runs {@code action}, then the step's check until it passes; records how long that took. */
    void step(int n, String what, Runnable action) {
        long t0 = System.nanoTime();
        action.run();
        browser.click("#tutorial-check-" + n);
        browser.await(d -> d.findElement(By.id("tutorial-step-" + n)).getAttribute("class").contains("pg-step-passed"));
        timing.add(String.format("%-60s %7.1f s", what, (System.nanoTime() - t0) / 1e9));
    }

    void answer(int n, String value) {
        browser.find("#tutorial-answer-" + n + " input").sendKeys(Keys.chord(Keys.CONTROL, "a"), value, Keys.TAB);
    }

    String tokenCount() {
        Matcher m = TOKENS.matcher(browser.find("#inspector-stats").getText());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    @Test
    @Order(1)
    void tutorialOneYourFirstTokenizer() {
        assertThat(browser.find("#tutorial-title").getText()).isEqualTo("Tutorial 1: Your first tokenizer");
        assertThat(browser.find("#tutorial-progress").getText()).isEqualTo("0 of 3 steps");
        assertThat(browser.find("#tutorial-step-2").getAttribute("class")).contains("pg-step-locked");
        WebElement text = browser.find("#tok-text textarea");
        text.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        text.sendKeys(SENTENCE);
        browser.await(d -> browser.find("#inspector-stats").getText().startsWith(SENTENCE.length() + " characters"));
        // a wrong answer is refused with what to do, and the step stays open
        answer(1, "99");
        browser.click("#tutorial-check-1");
        browser.await(d -> browser.find("#tutorial-message-1").getText().startsWith("That is not how many tokens GPT-2"));
        browser.screenshot("tutorial-1-wrong-answer");
        step(1, "T1.1 GPT-2's tokens of a sentence (answer read from the lab)", () -> answer(1, tokenCount()));
        assertThat(browser.find("#tutorial-message-1").getText()).isEqualTo("✓ Right: GPT-2 (our BPE) makes 13 tokens of it.");

        step(2, "T1.2 train a BPE vocabulary of 512 on tinyshakespeare", () -> {
            browser.click("#tab-train");
            browser.find("#train-name input").sendKeys(Keys.chord(Keys.CONTROL, "a"), "my-first-bpe");
            browser.find("#train-vocab input").sendKeys(Keys.chord(Keys.CONTROL, "a"), "512", Keys.TAB);
            browser.click("#train-start");
            browser.awaitJob(d -> browser.find("#train-status").getText().startsWith("succeeded")
                    || !browser.find("#train-error").getText().isBlank());
            assertThat(browser.find("#train-status").getText()).contains("Saved as 'my-first-bpe'");
        });
        step(3, "T1.3 the same sentence with your tokenizer", () -> {
            browser.click("#train-use");
            browser.await(d -> browser.find("#inspector-stats").getText().contains("vocabulary 513"));
            answer(3, tokenCount());
        });
        assertThat(browser.find("#tutorial-progress").getText()).isEqualTo("3 of 3 steps — done!");
        // the quiz: a wrong answer is explained, the right one confirmed
        quiz(1, 0);
        browser.await(d -> browser.find("#tutorial-quiz-verdict-1").getText().startsWith("Not quite: the answer is"));
        quiz(2, 1);
        browser.await(d -> browser.find("#tutorial-quiz-verdict-2").getText().startsWith("Right. Byte-level BPE starts from the 256"));
        quiz(3, 1);
        browser.await(d -> browser.find("#tutorial-quiz-verdict-3").getText().startsWith("Right."));
        assertThat(browser.find("#tutorial-try").getText()).contains("Train a vocabulary of 2,000 tokens");
        scrollTo("#tutorial-quiz");
        browser.screenshot("tutorial-1-done-with-quiz");
        // progress is kept (H2) and shown on the home page
        browser.open(jetty.baseUrl() + "/", "home-course");
        browser.await(d -> browser.find("#home-tutorial-state-1").getText().contains("✓ done · quiz 2 of 3 · Review"));
        assertThat(browser.find("#home-tutorial-state-3").getText()).contains("0 of 3 steps · Start");
    }

    void quiz(int q, int option) {
        List<WebElement> radios = browser.driver().findElements(By.cssSelector("#tutorial-quiz-" + q + " vaadin-radio-button"));
        browser.js("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click()", radios.get(option));
    }

    @Test
    @Order(2)
    void tutorialThreeTrainATinyGptAndGenerateFromIt() throws IOException {
        browser.click("#tutorial-close");
        browser.open(jetty.baseUrl() + "/training?tutorial=train-gpt", "training-start");
        browser.await(d -> browser.find("#tutorial-title").getText().equals("Tutorial 3: Train a tiny GPT on Shakespeare"));
        long started = System.nanoTime();
        step(1, "T3.1 start the quickstart run", () -> {
            browser.await(d -> browser.find("#training-config input").getAttribute("value").equals("quickstart"));
            browser.click("#training-start");
            browser.await(d -> browser.disabled("#training-start") || !browser.find("#training-error").getText().isBlank());
            assertThat(browser.find("#training-error").getText()).isEmpty();
        });
        browser.screenshot("tutorial-3-training");
        // step 2 passes when an evaluation has put the val loss under 2.2: the learner presses Check now and then
        long t0 = System.nanoTime();
        browser.awaitJob(d -> {
            if (browser.find("#tutorial-step-2").getAttribute("class").contains("pg-step-passed")) {
                return true;
            }
            browser.click("#tutorial-check-2");
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        });
        timing.add(String.format("%-60s %7.1f s", "T3.2 train until val loss < 2.2", (System.nanoTime() - t0) / 1e9));
        assertThat(browser.find("#tutorial-message-2").getText()).matches("✓ Found the run 'quickstart' with best val loss [01]\\.\\d{3}\\.|"
                + "✓ Found the run 'quickstart' with best val loss 2\\.[01]\\d\\d\\.");
        browser.screenshot("tutorial-3-in-progress");
        step(3, "T3.3 generate from the newest checkpoint (greedy, ROMEO:)", () -> {
            // stop: the run saves a last checkpoint and the checkpoint list is drawn again, then open the newest one
            browser.click("#training-stop");
            browser.awaitJob(d -> browser.find("#training-run-status").getText().startsWith("stopped"));
            browser.awaitJob(d -> {
                List<WebElement> open = d.findElements(By.cssSelector("[id^=checkpoint-generate-]"));
                if (open.isEmpty()) {
                    return false;
                }
                browser.js("arguments[0].click()", open.get(open.size() - 1));
                return true;
            });
            browser.await(d -> d.getCurrentUrl().contains("/generation?model=run-"));
            select("gen-strategy", "Greedy");
            browser.find("#gen-prompt textarea").sendKeys(Keys.chord(Keys.CONTROL, "a"), "ROMEO:");
            type("gen-max-tokens", "10");
            browser.click("#gen-run");
            browser.await(d -> browser.find("#gen-stats").getText().contains("10 tokens"));
            answer(3, browser.find("#gen-output").getText());
        });
        assertThat(browser.find("#tutorial-progress").getText()).isEqualTo("3 of 3 steps — done!");
        browser.screenshot("tutorial-3-done");
        double total = (System.nanoTime() - started) / 1e9;
        timing.add(String.format("%-60s %7.1f s", "Tutorial 3 in all", total));
        Files.writeString(Browser.SCREENSHOTS.resolveSibling("tutorial-timing.txt"), String.join("\n", timing) + "\n");
        LOG.info("Tutorial timing:\n{}", String.join("\n", timing));
    }
}
