package org.llmplayground.model.ui;

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
import org.openqa.selenium.WebElement;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Architecture lab in headless Chromium: configure, see counts change, build, and look at attention heatmaps. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ArchitectureLabBrowserTest implements TestPropertyProvider {
    @Inject
    JettyServer jetty;
    @Inject
    org.llmplayground.core.Workspace workspace;
    Browser browser;

    @Override
    public Map<String, String> getProperties() {
        return TestApp.freshWorkspace("browser-architecture");
    }

    @BeforeAll
    void start() {
        browser = new Browser();
        browser.open(jetty.baseUrl() + "/architecture", "arch-total");
    }

    @AfterAll
    void stop() {
        browser.close();
    }

    String total() {
        return browser.find("#arch-total").getText();
    }

    void type(String fieldId, String value) {
        WebElement input = browser.find("#" + fieldId + " input");
        // AppLayout scrolls its content area, which WebDriver does not always scroll to (Chromium 14x: "not interactable")
        browser.js("arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});", input);
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), value, Keys.TAB);
    }

    @Test
    @Order(1)
    void countsFollowTheConfiguration() {
        browser.await(d -> total().equals("124,439,808 parameters (124.4M)"));
        assertThat(browser.find("#arch-breakdown").getText()).contains("38,597,376", "tied to the token embedding");
        type("arch-layers", "6");
        browser.await(d -> total().equals("81,912,576 parameters (81.9M)")); // 124,439,808 − 6 × 7,087,872
        browser.click("#arch-tied input");
        browser.await(d -> total().equals("120,509,952 parameters (120.5M)")); // + 50,257 × 768 for the head
        assertThat(browser.find("#arch-diagram").getText()).contains("× 6 blocks", "(1, 12, 1,024, 1,024)");
        browser.screenshot("architecture-1-configure");
        // the parameter pie: small slices carry no label of their own, so no two labels sit on each other
        browser.screenshotsOnScreens("architecture-pie", "#arch-breakdown-chart", () -> assertThat(browser.js(
                "return document.getElementById('arch-breakdown-chart')._chart.getOption().series[0].minShowLabelAngle")).isEqualTo(10.8));
    }

    @Test
    @Order(2)
    void anInvalidConfigSaysWhy() {
        type("arch-heads", "5");
        browser.await(d -> browser.find("#arch-error").getText().equals("Invalid model config: embeddingSize (768) must be divisible "
                + "by heads (5): each head gets embeddingSize / heads dimensions."));
        assertThat(browser.disabled("#arch-build")).isTrue();
        assertThat(total()).isEqualTo("No count until the config is valid");
        type("arch-heads", "12");
        browser.await(d -> browser.find("#arch-error").getText().isEmpty());
    }

    @Test
    @Order(3)
    void buildAPresetInDjlAndLookInside() {
        browser.pick("arch-preset", "Baby GPT");
        browser.await(d -> total().equals("10,745,088 parameters (10.7M)"));
        browser.click("#arch-build");
        browser.await(d -> browser.find("#arch-build-result").getText().startsWith("Built built-1: 10,745,088 parameters in DJL; "
                + "forward pass on 128 tokens → logits [1, 128, 65]"));
        browser.click("#arch-inspect-built");
        browser.await(d -> browser.find("#inspect-model input").getAttribute("value").contains("built-1"));
        browser.click("#inspect-run");
        browser.await(d -> browser.find("#inspect-timing").getText().startsWith("8 tokens"));
        browser.await(d -> browser.find("#inspect-heatmap").getAttribute("data-rendered") != null);
        // 44 tokens: every query row keeps a line of its own (≥ 14 px a row) instead of labels on top of each other
        // (the built model has random weights and no tokenizer: it takes token ids)
        type("inspect-input", String.join(" ", java.util.stream.IntStream.rangeClosed(1, 44).mapToObj(String::valueOf).toList()));
        browser.click("#inspect-run");
        browser.await(d -> browser.find("#inspect-timing").getText().startsWith("44 tokens"));
        browser.await(d -> browser.find("#inspect-heatmap").getSize().getHeight() >= 190 + 44 * 14);
        browser.screenshotsOnScreens("architecture-heatmap-44", "#inspect-heatmap", () -> assertThat(browser.js(
                "return document.getElementById('inspect-heatmap')._chart.getOption().yAxis[0].axisLabel.fontSize")).isEqualTo(9L));
    }

    @Test
    @Order(4)
    void attentionHeatmapsOfTheSortModel() {
        browser.pick("inspect-model", "gpt-nano sort");
        browser.await(d -> browser.find("#inspect-input input").getAttribute("value").equals("2 0 1 1 0 2 0 0 1"));
        String before = String.valueOf(browser.find("#inspect-heatmap").getAttribute("data-rendered"));
        browser.click("#inspect-run");
        browser.await(d -> browser.find("#inspect-timing").getText().startsWith("9 tokens"));
        browser.await(d -> !before.equals(String.valueOf(browser.find("#inspect-heatmap").getAttribute("data-rendered"))));
        // the options sent to the chart hold the 9 × 9 lower triangle (45 cells) and the tokens as labels
        Object cells = browser.js("const c=document.getElementById('inspect-heatmap')._last; return c.series[0].data.length + ' ' + c.yAxis.data.join(',');");
        assertThat(cells).isEqualTo("45 0:2,1:0,2:1,3:1,4:0,5:2,6:0,7:0,8:1");
        browser.pick("inspect-layer", "layer 2");
        browser.pick("inspect-head", "head 1");
        String rendered = String.valueOf(browser.find("#inspect-heatmap").getAttribute("data-rendered"));
        assertThat(Integer.parseInt(rendered)).isGreaterThanOrEqualTo(3);
        browser.await(d -> browser.find("#inspect-next").getAttribute("data-rendered") != null);
        Object next = browser.js("return document.getElementById('inspect-next')._last.xAxis.data[0];");
        assertThat(next).isEqualTo("1");
        browser.screenshot("architecture-2-look-inside");
    }

    @Test
    @Order(5)
    void importWeightsFromTheImportsFolder() throws Exception {
        Path imports = workspace.home().resolve("imports");
        Path target = Files.createDirectories(imports.resolve("gpt2-tiny"));
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.copy(Path.of("src/test/resources/fixtures/model/gpt2-tiny").resolve(f), target.resolve(f));
        }
        Files.writeString(imports.resolve("broken.bin"), "not a checkpoint");
        browser.open(jetty.baseUrl() + "/architecture", "tab-inside");
        browser.find("#tab-inside").click();
        browser.pick("import-weights-name", "broken.bin");
        browser.click("#import-weights");
        browser.await(d -> browser.find("#import-weights-message").getText().equals("Not a llama2.c checkpoint: shorter than its 28-byte header"));
        browser.pick("import-weights-name", "gpt2-tiny");
        browser.click("#import-weights");
        browser.await(d -> browser.find("#import-weights-message").getText()
                .equals("Imported import-gpt2-tiny: 17,592 parameters (Hugging Face GPT-2 (safetensors))."));
        browser.await(d -> browser.find("#inspect-model input").getAttribute("value").contains("import-gpt2-tiny"));
        browser.find("#inspect-input input").sendKeys(Keys.chord(Keys.CONTROL, "a"), "5 17 96 0", Keys.TAB);
        browser.click("#inspect-run");
        browser.await(d -> browser.find("#inspect-timing").getText().startsWith("4 tokens"));
    }
}
