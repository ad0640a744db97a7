package org.llmplayground.bench;

import io.micronaut.context.ApplicationContext;
import org.llmplayground.app.web.JettyServer;
import org.llmplayground.model.Inspection;
import org.llmplayground.model.LoadedModel;
import org.llmplayground.model.ModelPresets;
import org.llmplayground.model.ModelService;
import org.llmplayground.support.Browser;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Attention visualisation latency for 64 tokens on the CPU, two ways:
 * <ul>
 *   <li>service: {@link ModelService#inspect} (forward pass with capture of every layer's attention, the activation
 *       statistics and the next-token distribution), median of 20 after 5 warm-ups;</li>
 *   <li>end to end in headless Chromium: from the click on "Look inside" to the heatmap drawn by ECharts (the
 *       chart's own timestamp), through the server round trip and push; median and worst of 10.</li>
 * </ul>
 * Models: GPT-2 small (124M, random weights, 64 GPT-2 tokens of text) and the bundled TinyStories 260K (64 ids).
 * <pre>./mvnw -q -Pbench test-compile exec:exec -Dbench=AttentionLatencyBench</pre>
 */
public final class AttentionLatencyBench {
    /** 6 sentences of 10 GPT-2 tokens and 4 more: exactly 64 tokens. */
    static final String TEXT_64 = "The quick brown fox jumps over the lazy dog. ".repeat(6) + "The quick brown fox";
    static final String IDS_64 = String.join(" ", IntStream.range(0, 64).mapToObj(i -> String.valueOf((i * 37 + 1) % 512)).toList());

    private AttentionLatencyBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Object> props = Map.of("playground.home", Files.createTempDirectory("latency-bench").toString(),
                "playground.port", "0");
        try (ApplicationContext ctx = ApplicationContext.run(props)) {
            ModelService models = ctx.getBean(ModelService.class);
            LoadedModel.ModelInfo gpt2 = models.build(ModelPresets.get("gpt2-small").config(), "gpt2-small (random weights)", 1337);
            List<String> rows = new ArrayList<>();
            rows.add(serviceRow(models, gpt2.id(), "GPT-2 small (124M)", TEXT_64));
            rows.add(serviceRow(models, ModelService.STORIES_MODEL, "TinyStories 260K", IDS_64));
            try (Browser browser = new Browser()) {
                rows.add(browserRow(browser, ctx.getBean(JettyServer.class).baseUrl(), gpt2.id(), "GPT-2 small (124M)", TEXT_64));
                rows.add(browserRow(browser, ctx.getBean(JettyServer.class).baseUrl(), ModelService.STORIES_MODEL, "TinyStories 260K", IDS_64));
            }
            System.out.println("| model, 64 tokens | measured | median ms | worst ms |");
            System.out.println("|---|---|---:|---:|");
            rows.forEach(System.out::println);
        }
    }

    static String serviceRow(ModelService models, String id, String name, String input) {
        Inspection check = models.inspect(id, input, 10);
        if (check.ids().length != 64) {
            throw new IllegalStateException(name + ": the input is " + check.ids().length + " tokens, not 64");
        }
        for (int i = 0; i < 5; i++) {
            models.inspect(id, input, 10);
        }
        double[] ms = new double[20];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            models.inspect(id, input, 10);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return String.format("| %s | service: forward + capture | %.1f | %.1f |", name, median(ms), max(ms));
    }

    static String browserRow(Browser browser, String baseUrl, String id, String name, String input) {
        browser.open(baseUrl + "/architecture", "tab-inside");
        browser.find("#tab-inside").click();
        browser.pick("inspect-model", "[" + id + "]");
        WebElement field = browser.find("#inspect-input input");
        field.sendKeys(Keys.chord(Keys.CONTROL, "a"), input, Keys.TAB);
        double[] ms = new double[11];
        for (int i = 0; i < ms.length; i++) {
            double t0 = ((Number) browser.js("window.__t0 = performance.now(); return window.__t0;")).doubleValue();
            browser.click("#inspect-run");
            browser.await(d -> {
                String at = d.findElement(By.id("inspect-heatmap")).getAttribute("data-rendered-at");
                return at != null && Double.parseDouble(at) > t0;
            });
            ms[i] = Double.parseDouble(browser.find("#inspect-heatmap").getAttribute("data-rendered-at")) - t0;
        }
        double[] timed = Arrays.copyOfRange(ms, 1, ms.length); // the first click also loads the chart script
        return String.format("| %s | browser: click → heatmap drawn | %.1f | %.1f |", name, median(timed), max(timed));
    }

    static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }

    static double max(double[] v) {
        return Arrays.stream(v).max().orElse(0);
    }
}
