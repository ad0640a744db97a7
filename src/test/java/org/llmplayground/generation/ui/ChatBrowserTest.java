package org.llmplayground.generation.ui;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.llmplayground.support.LabBrowserTest;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Chat playground in headless Chromium: a reply streams in, is stored and survives a reload; regenerating makes
 * a branch; a second model answers side by side; export; the prompt tools fill a template into the chat.
 */
@MicronautTest(transactional = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChatBrowserTest extends LabBrowserTest {
    @Override
    protected String route() {
        return "chat";
    }

    @Override
    protected String readyId() {
        return "chat-send";
    }

    List<WebElement> messages() {
        return browser.driver().findElements(By.cssSelector("#chat-messages .chat-message:not(.chat-live)"));
    }

    /** Counts the text changes of streaming bubbles from now on (each one is a push from the server). */
    void countUpdates() {
        browser.js("window._updates = 0; new MutationObserver(m => { if (document.querySelector('#chat-messages .chat-live')) "
                + "window._updates += m.length; }).observe(document.getElementById('chat-messages'), "
                + "{subtree: true, characterData: true, childList: true});");
    }

    int updates() {
        return ((Number) browser.js("return window._updates;")).intValue();
    }

    @Test
    @Order(1)
    void aReplyStreamsInAndIsStored() {
        assertThat(browser.find("vaadin-details.pg-explainer").getText()).contains("chat template", "context window");
        type("gen-max-tokens", "90");
        browser.setValue("chat-system", "A play.");
        browser.setValue("chat-input", "Who goes there?");
        countUpdates();
        browser.click("#chat-send");
        browser.await(d -> messages().size() == 2);
        assertThat(messages().get(0).getText()).contains("You", "Who goes there?");
        assertThat(messages().get(1).getText()).startsWith("Assistant · shakespeare-char · ");
        assertThat(updates()).as("partial updates pushed while the reply was written").isGreaterThan(2);
        browser.await(d -> browser.find("#chat-list").getText().contains("Who goes there?"));
        browser.screenshot("chat-1-conversation");
    }

    @Test
    @Order(2)
    void regeneratingMakesABranch() {
        String first = messages().get(1).getText();
        browser.click("#chat-regenerate");
        browser.await(d -> browser.driver().findElements(By.cssSelector(".chat-branch-position")).stream().anyMatch(e -> e.getText().equals("2 / 2")));
        browser.find(".chat-branch-prev").click();
        browser.await(d -> browser.driver().findElements(By.cssSelector(".chat-branch-position")).stream().anyMatch(e -> e.getText().equals("1 / 2")));
        assertThat(messages().get(1).getText()).contains(first.substring(first.indexOf('\n') + 1));
    }

    @Test
    @Order(3)
    void aSecondModelAnswersSideBySide() {
        browser.pick("chat-compare-model", "Shakespeare");
        // typed as a user types and sent with Ctrl+Enter: the shortcut sends what the box holds (it once said
        // "Type a message first." because the value had not reached the server when the shortcut fired)
        WebElement box = browser.find("#chat-input textarea");
        box.click();
        box.sendKeys("Speak, good sir.");
        box.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
        browser.await(d -> browser.find("#chat-messages").getText().contains("Speak, good sir."));
        assertThat(browser.find("#chat-error").getText()).isEmpty();
        browser.await(d -> !d.findElements(By.cssSelector(".chat-side-by-side .chat-message")).isEmpty()
                && d.findElements(By.cssSelector(".chat-side-by-side .chat-message")).size() == 2
                && d.findElements(By.cssSelector(".chat-live")).isEmpty());
        scrollTo("#chat-messages");
        browser.screenshot("chat-2-side-by-side");
    }

    @Test
    @Order(4)
    void conversationsAreRenamedExportedAndSurviveAReload() {
        type("chat-title", "At the gate");
        browser.click("#chat-rename");
        browser.await(d -> browser.find("#chat-list").getText().contains("At the gate"));
        String href = browser.find("#chat-export-json").getAttribute("href");
        Object json = browser.js("const r = new XMLHttpRequest(); r.open('GET', arguments[0], false); r.send(); return r.responseText;", href);
        assertThat(json.toString()).contains("\"title\":\"At the gate\"", "\"role\":\"user\"", "Speak, good sir.");
        browser.open(jetty.baseUrl() + "/chat", "chat-send");
        browser.await(d -> browser.find("#chat-list").getText().contains("At the gate"));
        browser.driver().findElements(By.cssSelector("#chat-list vaadin-grid-cell-content")).stream()
                .filter(e -> e.getText().equals("At the gate")).findFirst().orElseThrow().click();
        browser.await(d -> messages().size() == 4);
        assertThat(messages().get(2).getText()).contains("Speak, good sir.");
    }

    @Test
    @Order(5)
    void promptToolsFillATemplateIntoTheChat() {
        browser.find("vaadin-tab:nth-of-type(2)").click();
        browser.pick("prompt-template", "creative · shakespeare");
        browser.await(d -> browser.find("#prompt-preview").getText().equals("ROMEO:\nBut soft, what light"));
        browser.setValue("prompt-var-speaker", "JULIET");
        browser.await(d -> browser.find("#prompt-preview").getText().equals("JULIET:\nBut soft, what light"));
        assertThat(browser.driver().findElements(By.cssSelector("#prompt-advice .prompt-suggestion"))).isNotEmpty();
        browser.click("#fewshot vaadin-details-summary");
        browser.click("#fewshot-build");
        browser.await(d -> browser.find("#prompt-preview").getText().endsWith("Input: The food was cold\nOutput:"));
        // saved twice under one name: two versions
        type("prompt-save-name", "my-fewshot");
        browser.click("#prompt-save");
        browser.await(d -> browser.find("#prompt-template input").getAttribute("value").equals("mine · my-fewshot (v1)"));
        browser.click("#prompt-save");
        browser.await(d -> browser.find("#prompt-template input").getAttribute("value").equals("mine · my-fewshot (v2)"));
        assertThat(browser.find("#prompt-versions").getText()).contains("v2");
        scrollTo("#chat-tabs");
        browser.screenshot("chat-3-prompt-tools");
        browser.pick("prompt-template", "classification · sentiment");
        browser.await(d -> browser.find("#prompt-preview").getText().startsWith("Classify the sentiment of the review"));
        browser.click("#prompt-use");
        browser.await(d -> String.valueOf(browser.js("return document.getElementById('chat-input').value"))
                .startsWith("Classify the sentiment of the review as positive, negative or neutral."));
    }

    @Test
    @Order(6)
    void badInputAndDelete() {
        browser.setValue("chat-input", "");
        browser.click("#chat-send");
        browser.await(d -> browser.find("#chat-error").getText().equals("Type a message first."));
        browser.setValue("chat-input", "Zounds! 1234");
        browser.click("#chat-send");
        browser.await(d -> browser.find("#chat-error").getText().startsWith("The character '1' (U+31) is not in this model's vocabulary"));
        // the page links the message to its troubleshooting entry
        browser.await(d -> !d.findElements(By.cssSelector("#chat-error a.pg-help-link")).isEmpty());
        assertThat(browser.find("#chat-error a.pg-help-link").getAttribute("href"))
                .endsWith("/docs/troubleshooting#the-tokenizer-does-not-cover-the-text");
        assertThat(browser.find("#chat-error").getText()).endsWith("How to fix this →");
        browser.screenshot("chat-error-help-link");
        browser.click("#chat-delete");
        browser.await(d -> !browser.find("#chat-list").getText().contains("At the gate"));
    }
}
