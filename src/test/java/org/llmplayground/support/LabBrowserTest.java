package org.llmplayground.support;

import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.app.web.JettyServer;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

import java.util.Map;

/**
 * The shared frame of a lab's browser test: a fresh workspace, the running app, one headless Chromium for the
 * class opened on the lab's route. Subclasses add {@code @MicronautTest(transactional = false)}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class LabBrowserTest implements TestPropertyProvider {
    @Inject
    protected JettyServer jetty;
    protected Browser browser;

    /** The workspace name and the lab's route, e.g. "generation", and an element id that shows the page is ready. */
    protected abstract String route();

    protected abstract String readyId();

    @Override
    public Map<String, String> getProperties() {
        return TestApp.freshWorkspace("browser-" + route());
    }

    @BeforeAll
    void openBrowser() {
        browser = new Browser();
        browser.open(jetty.baseUrl() + "/" + route(), readyId());
    }

    @AfterAll
    void closeBrowser() {
        browser.close();
    }

    /** Types into a Vaadin text/number field and leaves it (so the value is sent). */
    protected void type(String fieldId, String value) {
        browser.find("#" + fieldId + " input").sendKeys(Keys.chord(Keys.CONTROL, "a"), value, Keys.TAB);
    }

    /** Picks an item of a vaadin-select by its visible text. */
    protected void select(String selectId, String label) {
        browser.click("#" + selectId);
        browser.await(d -> d.findElements(By.cssSelector("vaadin-select-item")).stream()
                .filter(i -> i.isDisplayed() && i.getText().contains(label)).findFirst().orElse(null)).click();
        browser.await(d -> browser.find("#" + selectId).getText().contains(label)
                || String.valueOf(browser.js("return document.getElementById(arguments[0]).opened", selectId)).equals("false"));
    }

    protected int count(String css) {
        return browser.driver().findElements(By.cssSelector(css)).size();
    }

    protected void scrollTo(String css) {
        browser.js("document.querySelector(arguments[0]).scrollIntoView({block: 'start'})", css);
    }
}
