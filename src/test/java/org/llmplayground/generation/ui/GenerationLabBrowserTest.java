package org.llmplayground.generation.ui;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.llmplayground.support.LabBrowserTest;
import org.openqa.selenium.By;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Generation lab in headless Chromium: tokens stream in and can be stopped, a finished generation shows its
 * coloured path and the distribution of a clicked step, beam search draws its tree, strategies compare side by side,
 * and bad settings get messages.
 */
@MicronautTest(transactional = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GenerationLabBrowserTest extends LabBrowserTest {
    @Override
    protected String route() {
        return "generation";
    }

    @Override
    protected String readyId() {
        return "gen-run";
    }

    String stats() {
        return browser.find("#gen-stats").getText();
    }

    @Test
    @Order(1)
    void tokensStreamInAndCanBeStopped() {
        assertThat(browser.find("#gen-model input").getAttribute("value")).startsWith("Shakespeare");
        assertThat(browser.find("vaadin-details.pg-explainer").getText()).contains("Greedy", "Top-p", "Beam search", "KV cache");
        type("gen-max-tokens", "4000");
        browser.click("#gen-run");
        // chips arrive while the generation is still running: they come by server push
        browser.await(d -> count("#gen-output .gen-token") > 30 && stats().startsWith("Generating"));
        assertThat(browser.disabled("#gen-stop-button")).isFalse();
        browser.click("#gen-stop-button");
        browser.await(d -> stats().contains("stopped by you"));
        assertThat(count("#gen-output .gen-token")).isLessThan(4000);
    }

    @Test
    @Order(2)
    void aFinishedGenerationShowsItsPathAndEachStepsDistribution() {
        type("gen-max-tokens", "120");
        type("gen-seed", "7");
        type("gen-top-k", "20");
        browser.click("#gen-run");
        browser.await(d -> stats().contains("120 tokens"));
        assertThat(stats()).contains("reached max tokens", "seed 7", "tokens/s", "first token");
        assertThat(count("#gen-output .gen-token")).isEqualTo(120);
        String first = browser.find("#gen-output").getText();
        // the last step is shown; click the 5th token
        browser.await(d -> browser.find("#gen-stages").getText().contains("top-k 20 (20 tokens left)"));
        browser.driver().findElements(By.cssSelector("#gen-output .gen-token")).get(4).click();
        browser.await(d -> browser.find("h3").getText().length() >= 0 && browser.driver().findElements(By.xpath("//h3[starts-with(., 'Step 5: chose')]")).size() == 1);
        assertThat(browser.find("#gen-stages").getText()).contains("model (", "temperature 0.8", "top-k 20");
        Object series = browser.js("const c=document.getElementById('gen-step-chart')._last; return c.series.length;");
        assertThat(((Number) series).intValue()).isEqualTo(2);
        scrollTo("#gen-output");
        browser.screenshot("generation-1-path");
        // the step's candidates as horizontal bars: token labels level and whole, ≥ 24 px a bar
        assertThat(browser.js("return document.getElementById('gen-step-chart')._chart.getOption().yAxis[0].type")).isEqualTo("category");
        browser.screenshotsOnScreens("generation-step", "#gen-step-chart", () -> { });
        // the same seed gives the same text
        type("gen-seed", "8");
        browser.click("#gen-run");
        browser.await(d -> stats().contains("seed 8"));
        assertThat(browser.find("#gen-output").getText()).isNotEqualTo(first);
        type("gen-seed", "7");
        browser.click("#gen-run");
        browser.await(d -> stats().contains("seed 7"));
        assertThat(browser.find("#gen-output").getText()).isEqualTo(first);
    }

    @Test
    @Order(3)
    void beamSearchDrawsItsTree() {
        select("gen-strategy", "Beam search");
        type("gen-beam-width", "3");
        type("gen-max-tokens", "10");
        browser.click("#gen-run");
        browser.await(d -> stats().startsWith("beam 3 · 10 tokens"));
        Object nodes = browser.js("const c=document.getElementById('gen-beam-tree')._last;"
                + "let n=0; const walk=x=>{n++; (x.children||[]).forEach(walk);}; walk(c.series[0].data[0]); return n;");
        assertThat(((Number) nodes).intValue()).isGreaterThan(20);
        assertThat(count("#gen-hypotheses vaadin-grid-cell-content")).isGreaterThan(3);
        scrollTo("#gen-beam-tree");
        browser.screenshot("generation-2-beam");
    }

    @Test
    @Order(4)
    void strategiesCompareSideBySide() {
        select("gen-strategy", "Sampling");
        type("gen-max-tokens", "40");
        type("gen-temperature", "0.7");
        browser.click("#gen-compare");
        // the form's own settings first, then the other strategies with the form's temperature, length and seed
        browser.await(d -> stats().equals("Compared 5 strategies (the first row is your settings)."));
        String grid = browser.find("#gen-compare-grid").getText();
        assertThat(grid).contains("yours: ", "greedy", "beam 4", "top-k 40, T 0.7", "top-p 0.9, T 0.7", "ms");
        // whole texts: 40 characters of the character-level model in every card, line breaks kept
        for (var text : browser.driver().findElements(org.openqa.selenium.By.cssSelector("#gen-compare-grid .pg-compare-text"))) {
            assertThat(String.valueOf(browser.js("return arguments[0].textContent.length", text))).isEqualTo("40");
        }
        scrollTo("#gen-compare-grid");
        browser.screenshot("generation-3-compare");
    }

    @Test
    @Order(5)
    void badInputGetsAMessage() {
        browser.setValue("gen-prompt", "");
        browser.click("#gen-run");
        browser.await(d -> browser.find("#gen-error").getText().equals("The prompt is empty: give the model some text to continue."));
        browser.setValue("gen-prompt", "x".repeat(200));
        browser.click("#gen-run");
        browser.await(d -> browser.find("#gen-error").getText().startsWith("The prompt has 200 tokens;"));
        browser.setValue("gen-prompt", "ROMEO:");
        select("gen-strategy", "Beam search");
        browser.find("#gen-beam-width input").sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"),
                org.openqa.selenium.Keys.BACK_SPACE, org.openqa.selenium.Keys.TAB);
        browser.click("#gen-run");
        browser.await(d -> browser.find("#gen-error").getText().equals("Beam width: enter a whole number from 1 to 16."));
    }
}
