package org.llmplayground.training.ui;

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
import org.openqa.selenium.Keys;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Training lab in headless Chromium: pick a config, change settings, start a run and see the loss chart and the
 * status grow by server push while it trains, pause and resume it, see samples and checkpoints, reload the page and
 * find the run again, and open a checkpoint in the Transformer lab.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrainingLabBrowserTest implements TestPropertyProvider {
    @Inject
    JettyServer jetty;
    Browser browser;

    @Override
    public Map<String, String> getProperties() {
        return TestApp.freshWorkspace("browser-training");
    }

    @BeforeAll
    void start() {
        browser = new Browser();
        browser.open(jetty.baseUrl() + "/training", "training-start");
    }

    @AfterAll
    void stop() {
        browser.close();
    }

    void type(String fieldId, String value) {
        browser.find("#" + fieldId + " input").sendKeys(Keys.chord(Keys.CONTROL, "a"), value, Keys.TAB);
    }

    /** Starts a run of the chosen config with this name and length (evaluations every 100 steps, samples every 200). */
    void startRun(String name, String maxSteps) {
        type("training-name", name);
        type("training-max-steps", maxSteps);
        type("training-eval-interval", "100");
        type("training-sample-interval", "200");
        browser.await(d -> browser.find("#training-estimate").getText().contains("for all steps"));
        browser.click("#training-start");
        browser.await(d -> browser.find("#training-run-title").getText().equals(name));
    }

    /** Points on the chart's given series, as last sent by the server. */
    int points(String chartId, int series) {
        Object n = browser.js("const c=document.getElementById(arguments[0])._last;"
                + "return c && c.series[arguments[1]] ? c.series[arguments[1]].data.length : -1;", chartId, series);
        return ((Number) n).intValue();
    }

    /** The run's own line (state, step, metrics); the job line above it has the bar and the time left. */
    String status() {
        return browser.find("#training-run-status").getText();
    }

    @Test
    @Order(1)
    void theFirstConfigOfferedIsAQuickOneEstimatedFromAMeasuredStep() {
        browser.await(d -> browser.find("#training-config input").getAttribute("value").equals("quickstart"));
        assertThat(browser.find("#training-layers input").getAttribute("value")).isEqualTo("2");
        assertThat(browser.find("#training-size input").getAttribute("value")).startsWith("Tiny");
        browser.await(d -> browser.find("#training-estimate").getText().startsWith("Estimate: "));
        assertThat(browser.find("#training-estimate").getText()).contains("A crash loses at most 500 steps (");
        assertThat(browser.find("#training-estimate").getText()).contains("1,024 tokens", "per step", "training memory about",
                "measured on this machine with this network");
        assertThat(browser.find("#training-name input").getAttribute("value")).isEqualTo("quickstart");
        assertThat(browser.find("vaadin-details.pg-explainer").getText()).contains("cross-entropy", "Perplexity", "warm-up",
                "overfitting");
        type("training-lr", "0");
        browser.click("#training-start");
        browser.await(d -> browser.find("#training-error").getText()
                .startsWith("Invalid training config: training.learning_rate must be greater than 0 and at most 10 (got 0.0)."));
        assertThat(browser.disabled("#training-start")).as("Start is usable again after a refused config").isFalse();
        assertThat(browser.disabled("#training-resume")).isTrue();
    }

    @Test
    @Order(2)
    void aRunStreamsItsCurvesByPushPausesResumesAndStops() {
        browser.pick("training-config", "debug");
        browser.await(d -> browser.find("#training-layers input").getAttribute("value").equals("2"));
        // far more steps than it will take: the debug model trains a step in milliseconds on one core, so a 600-step
        // run may end before a click on Pause reaches the server (the likely cause of a CI timeout waiting for "paused")
        startRun("paused run", "10000000");
        // one click, one run: Start stays off while the run is active; the next name offered is free
        browser.await(d -> browser.disabled("#training-start"));
        assertThat(browser.find("#training-name input").getAttribute("value")).isEqualTo("paused run 2");
        // the chart grows while we only watch: updates arrive by server push
        browser.await(d -> points("training-loss-chart", 0) > 20);
        int before = points("training-loss-chart", 0);
        browser.await(d -> points("training-loss-chart", 0) > before + 20);
        assertThat(status()).startsWith("running · step ");
        browser.await(d -> browser.find("#training-status").getText().contains(" of 10,000,000 steps"));
        assertThat(browser.find("#training-status").getAttribute("data-state")).isEqualTo("running");
        browser.screenshot("training-1-running");

        browser.click("#training-pause");
        browser.await(d -> status().startsWith("paused · step "));
        int paused = points("training-loss-chart", 0);
        // while it waits, checkpoints become more frequent: the status says from which step and what a crash costs
        assertThat(browser.find("#training-checkpoint-every input").getAttribute("value")).isNotEmpty();
        type("training-checkpoint-every", "50");
        browser.click("#training-checkpoint-apply");
        browser.await(d -> status().contains("Checkpoint every 50 steps from step ") && status().contains("a crash loses at most 49 steps"));
        browser.click("#training-resume");
        browser.await(d -> points("training-loss-chart", 0) > paused);
        browser.click("#training-stop");
        browser.awaitJob(d -> status().startsWith("stopped · step "));
        assertThat(status()).contains("resume continues from its checkpoint");
        browser.await(d -> !browser.disabled("#training-start"));
        assertThat(browser.disabled("#training-resume")).as("a stopped run can go on from its checkpoint").isFalse();
    }

    @Test
    @Order(3)
    void aRunFinishesWithItsEvaluationsSamplesAndCheckpoints() {
        startRun("browser run", "600");
        browser.awaitJob(d -> status().startsWith("finished · step 600 of 600"));
        assertThat(points("training-loss-chart", 2)).isEqualTo(6); // val loss at 100, 200, ..., 600
        assertThat(points("training-lr-chart", 0)).isGreaterThan(100);
        browser.await(d -> browser.find("#training-samples").getText().contains("Step 600"));
        assertThat(browser.find("#training-samples").getText()).contains("Step 200", "Step 400");
        browser.await(d -> browser.find("#training-checkpoints").getText().contains("600"));
        browser.await(d -> !browser.disabled("#training-start"));
        assertThat(browser.disabled("#training-resume")).as("a finished run has nothing to resume").isTrue();
        assertThat(browser.find("#training-status").getText()).startsWith("succeeded · 100%");
        browser.screenshot("training-2-finished");
        // the runs table and the charts read whole on a laptop screen and a small one, light and dark
        browser.screenshotsOnScreens("training-runs", "#training-runs",
                () -> assertThat(browser.truncatedCells("training-runs")).as("cells cut with …").isEmpty());
        browser.screenshotsOnScreens("training-charts", "#training-loss-chart", () -> { });
    }

    @Test
    @Order(4)
    void theRunSurvivesAReloadAndItsCheckpointOpensAsAModel() {
        browser.open(jetty.baseUrl() + "/training", "training-start");
        browser.await(d -> browser.find("#training-run-title").getText().equals("browser run"));
        browser.await(d -> points("training-loss-chart", 0) > 100);
        assertThat(status()).startsWith("finished · step 600 of 600");
        // dark mode: the chart's legend and axis labels take the theme's colours, not ECharts' dark grey
        browser.find("#theme-toggle").click();
        browser.await(d -> "dark".equals(browser.js("return document.documentElement.getAttribute('theme')")));
        browser.await(d -> String.valueOf(browser.js("const c = document.getElementById('training-loss-chart');"
                + "return c._chart.getOption().legend[0].textStyle.color === getComputedStyle(c).getPropertyValue('--lumo-body-text-color').trim()"
                + " && c._chart.getOption().xAxis[0].axisLabel.color === getComputedStyle(c).getPropertyValue('--lumo-secondary-text-color').trim()"))
                .equals("true"));
        browser.js("document.getElementById('training-loss-chart').scrollIntoView()");
        browser.screenshot("training-2b-dark");
        browser.find("#theme-toggle").click();
        browser.await(d -> browser.js("return document.documentElement.getAttribute('theme')") == null);
        browser.click("#checkpoint-open-600");
        browser.await(d -> d.getCurrentUrl().contains("/architecture?model=run-"));
        browser.await(d -> browser.find("#inspect-model input").getAttribute("value").contains("browser run @ step 600"));
        browser.screenshot("training-3-opened");
        // and in the generator: the trained checkpoint writes text there
        browser.open(jetty.baseUrl() + "/training", "training-start");
        browser.await(d -> browser.find("#training-checkpoints").getText().contains("600"));
        browser.click("#checkpoint-generate-600");
        browser.await(d -> d.getCurrentUrl().contains("/generation?model=run-"));
        browser.await(d -> browser.find("#gen-model input").getAttribute("value").contains("browser run @ step 600"));
        browser.find("#gen-max-tokens input").sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"), "30",
                org.openqa.selenium.Keys.TAB);
        browser.click("#gen-run");
        browser.await(d -> browser.find("#gen-stats").getText().contains("30 tokens"));
    }
}
