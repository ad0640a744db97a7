package org.llmplayground.preference.ui;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import org.llmplayground.support.LabBrowserTest;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Preferences lab's main path in Chromium: judge pairs written by the SFT demo model with the keyboard and the
 * buttons, undo, see the judged pairs and the export; train a short reward model (live loss and accuracy), score an
 * answer and list the pairs it gets wrong; a short DPO run with its rewards, accuracy and KL charts, then SFT vs DPO.
 */
@MicronautTest(transactional = false)
class PreferencesLabBrowserTest extends LabBrowserTest {
    @Override
    protected String route() {
        return "preferences";
    }

    @Override
    protected String readyId() {
        return "pref-next";
    }

    void tab(String label) {
        browser.driver().findElements(By.cssSelector("#pref-tabs vaadin-tab")).stream().filter(t -> t.getText().contains(label)).findFirst()
                .orElseThrow().click();
    }

    void key(String k) {
        browser.driver().findElement(By.tagName("body")).sendKeys(k);
    }

    @Test
    void judgeTrainARewardModelAndAlignWithDpo() {
        browser.open(jetty.baseUrl() + "/preferences", "pref-next");
        assertThat(browser.find("vaadin-details.pg-explainer").getText()).contains("Learning from preferences");
        browser.click("#pref-next");
        browser.await(d -> browser.find("#pref-prompt").getText().equals("Reverse the word: doubt"));
        assertThat(browser.find("#pref-answer-a").getText()).isNotEqualTo(browser.find("#pref-answer-b").getText());
        assertThat(browser.find("#pref-progress").getText()).isEqualTo("me judged 0 of 1 pairs of 'preference-demo' (21 prompts in the set).");
        key("1"); // A better, by key: the next pair comes
        browser.await(d -> browser.find("#pref-prompt").getText().equals("Reverse the word: didst"));
        assertThat(browser.find("#pref-progress").getText()).startsWith("me judged 1 of 2 pairs");
        browser.click("#pref-judge-b");
        // "bid": both sides answer "dib" draw after draw, so the set goes on to the next prompt
        browser.await(d -> browser.find("#pref-prompt").getText().equals("Sort the letters: wish"));
        key("u"); // undo: "didst" again
        browser.await(d -> browser.find("#pref-prompt").getText().equals("Reverse the word: didst"));
        assertThat(browser.find("#pref-collect-status").getText()).isEqualTo("Undone: judge this pair again.");
        browser.find("#pref-note input").sendKeys("1 2 close call"); // keys typed into the note do not judge
        assertThat(browser.find("#pref-prompt").getText()).isEqualTo("Reverse the word: didst");
        browser.click("#pref-judge-tie");
        browser.await(d -> browser.find("#pref-prompt").getText().equals("Sort the letters: wish"));
        browser.await(d -> browser.find("#pref-judged").getText().contains("me: tie (1 2 close call)"));
        assertThat(browser.find("#pref-export-counts").getText()).isEqualTo("1 pairs with a winner; left out: 1 ties, 0 both bad, 0 split, 1 not judged");
        browser.screenshot("preferences-1-collect");

        tab("Reward model");
        type("pref-reward-steps", "30");
        browser.click("#pref-reward-start");
        browser.awaitJob(d -> "succeeded".equals(browser.find("#pref-reward-status").getAttribute("data-state")));
        assertThat(browser.find("#pref-reward-accuracy").isDisplayed()).isTrue();
        browser.await(d -> browser.find("#pref-reward-run").getText().contains("reward model on preference-demo"));
        browser.click("#pref-score");
        browser.await(d -> browser.find("#pref-score-result").getText().startsWith("r = "));
        browser.click("#pref-check");
        browser.awaitJob(d -> browser.find("#pref-check-result").getText().startsWith("preference-demo: ")
                && browser.find("#pref-check-result").getText().contains("of 200 held-out test pairs ranked right"));
        browser.screenshot("preferences-2-reward");

        tab("DPO");
        type("pref-dpo-steps", "20");
        type("pref-dpo-beta", "0");
        browser.click("#pref-dpo-start");
        browser.await(d -> browser.find("#pref-dpo-error").getText().startsWith("β must be above 0 (got 0.0)"));
        type("pref-dpo-beta", "0.1");
        browser.click("#pref-dpo-start");
        browser.awaitJob(d -> "succeeded".equals(browser.find("#pref-dpo-status").getAttribute("data-state")));
        assertThat(browser.find("#pref-dpo-kl").isDisplayed()).isTrue();
        browser.await(d -> !browser.disabled("#pref-dpo-compare"));
        browser.click("#pref-dpo-compare");
        browser.awaitJob(d -> browser.find("#pref-compare-result").getText().startsWith("Exact match on 50 held-out prompts of preference-demo-onpolicy: SFT "));
        assertThat(count("#pref-compare vaadin-grid-cell-content")).isGreaterThan(50);
        scrollTo("#pref-dpo-rewards");
        browser.screenshot("preferences-3-dpo");
    }
}
