package org.llmplayground.app;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.app.web.JettyServer;
import org.llmplayground.support.Browser;
import org.llmplayground.support.TestApp;
import org.openqa.selenium.By;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The app shell in headless Chromium: home page, side navigation, dark/light theme, API docs and admin pages. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShellBrowserTest implements TestPropertyProvider {
    @Inject
    JettyServer jetty;
    Browser browser;

    @Override
    public Map<String, String> getProperties() {
        return TestApp.freshWorkspace("browser-shell");
    }

    @BeforeAll
    void start() {
        browser = new Browser();
    }

    @AfterAll
    void stop() {
        browser.close();
    }

    @Test
    void homeExplainsThePathAndLinksTheLabs() {
        browser.open(jetty.baseUrl() + "/", "home-lab-1");
        assertThat(browser.find("ol.pg-path").getText()).contains("Tokenize.", "Pre-train.");
        assertThat(browser.driver().findElements(By.cssSelector("vaadin-side-nav-item")).stream().map(e -> e.getText().trim()).toList())
                .contains("Home", "1. Tokenizer", "REST API", "Admin");
        // every step links its lab (every lab is built now: none says "coming")
        for (int step = 1; step <= 8; step++) {
            assertThat(browser.driver().findElements(By.cssSelector("#home-step-" + step + " a.pg-path-link"))).as("step " + step).isNotEmpty();
        }
        assertThat(browser.find("#home-step-4").getText()).contains("Lab 4: Generation", "Chat playground");
        assertThat(browser.find("#home-step-6").getText()).contains("Fine-tune", "Lab 6: Fine-tuning", "Lab 7: Preferences");
        assertThat(browser.find("#home-step-7").getText()).contains("Evaluate", "Lab 8: Evaluation");
        assertThat(browser.find("#home-step-8").getText()).contains("Track models", "Models", "Experiments").doesNotContain("coming");
        assertThat(browser.driver().findElements(By.cssSelector("#home-step-8 a"))).hasSize(2);
        assertThat(browser.driver().findElements(By.cssSelector("vaadin-side-nav-item")).stream().map(e -> e.getText().trim()).toList())
                .contains("Chat playground");
        browser.screenshot("shell-1-home");
        browser.driver().findElements(By.cssSelector("#home-step-5 a.pg-path-link")).get(0).click();
        browser.await(d -> d.getTitle().equals("Data · LLM Playground"));
        browser.open(jetty.baseUrl() + "/", "home-lab-1");
        browser.find("#home-lab-1").click();
        browser.find("#inspector-chips .tok");
        assertThat(browser.driver().getTitle()).isEqualTo("Tokenizer · LLM Playground");
        // every menu entry opens a page of the app (the REST API page once collided with the /api/* servlet)
        browser.driver().findElements(By.cssSelector("vaadin-side-nav-item")).stream()
                .filter(e -> e.getText().trim().equals("REST API")).findFirst().orElseThrow().click();
        browser.find("#api-operations");
        assertThat(browser.driver().getTitle()).isEqualTo("REST API · LLM Playground");
    }

    @Test
    void themeSwitchesToDarkAndIsRemembered() {
        browser.open(jetty.baseUrl() + "/tokenizer", "theme-toggle");
        browser.find("#inspector-chips .tok");
        browser.find("#theme-toggle").click();
        browser.await(d -> "dark".equals(browser.js("return document.documentElement.getAttribute('theme')")));
        // components really turn light-on-dark (waits out Lumo's colour transition before the screenshot)
        browser.await(d -> String.valueOf(browser.js("return getComputedStyle(document.querySelector('vaadin-side-nav-item')).color"))
                .equals("rgba(235, 243, 255, 0.9)"));
        browser.screenshot("shell-2-dark");
        browser.open(jetty.baseUrl() + "/", "home-lab-1");
        assertThat(browser.js("return document.documentElement.getAttribute('theme')")).isEqualTo("dark");
        browser.find("#theme-toggle").click();
        browser.await(d -> browser.js("return document.documentElement.getAttribute('theme')") == null);
    }

    @Test
    void apiPageListsTheOperationsWithTheirBodies() {
        browser.open(jetty.baseUrl() + "/rest-api", "api-operations");
        // before a selection: a hint, not empty boxes
        assertThat(browser.find("#api-hint").getText()).startsWith("Select an operation");
        assertThat(browser.driver().findElements(By.cssSelector("pre.pg-code")).stream().noneMatch(org.openqa.selenium.WebElement::isDisplayed)).isTrue();
        browser.await(d -> d.findElements(By.cssSelector("#api-operations vaadin-grid-cell-content")).stream()
                .anyMatch(c -> c.getText().equals("/api/v1/data/clean")));
        browser.driver().findElements(By.cssSelector("#api-operations vaadin-grid-cell-content")).stream()
                .filter(c -> c.getText().equals("/api/v1/data/clean")).findFirst().orElseThrow().click();
        browser.await(d -> d.findElements(By.cssSelector("pre.pg-code")).stream().anyMatch(p -> p.getText().contains("\"outputName\"")));
        // try it: the example request of encode is sent from the page and its answer shown
        browser.find("#api-filter input").sendKeys("tokenization/encode");
        browser.await(d -> d.findElements(By.cssSelector("#api-operations vaadin-grid-cell-content")).stream()
                .anyMatch(c -> c.getText().equals("/api/v1/tokenization/encode")));
        browser.driver().findElements(By.cssSelector("#api-operations vaadin-grid-cell-content")).stream()
                .filter(c -> c.getText().equals("/api/v1/tokenization/encode")).findFirst().orElseThrow().click();
        browser.await(d -> String.valueOf(browser.js("return document.querySelector('#api-try-body textarea').value")).contains("\"gpt2\""));
        // the same request to copy: curl and Python (run as printed in SpineTest)
        assertThat(browser.find("#api-example-curl").getText()).startsWith("curl -s -X POST '" + jetty.baseUrl() + "/api/v1/tokenization/encode'");
        assertThat(browser.find("#api-example-python").getText()).contains("urllib.request.Request(\"" + jetty.baseUrl() + "/api/v1/tokenization/encode\"");
        browser.click("#api-try-send");
        browser.await(d -> browser.find("#api-try-answer").getText().startsWith("200"));
        assertThat(browser.find("#api-try-answer").getText()).contains("\"ids\"", "15496");
        browser.screenshot("shell-3-api");
    }

    @Test
    void adminPageSaysHowToEnableTheConsole() {
        browser.open(jetty.baseUrl() + "/admin", "admin-console-disabled");
        assertThat(browser.find("#admin-console-disabled").getText()).contains("PLAYGROUND_ADMIN_PASSWORD");
    }
}
