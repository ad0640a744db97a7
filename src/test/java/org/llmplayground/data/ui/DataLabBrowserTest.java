package org.llmplayground.data.ui;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okio.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.llmplayground.support.LabBrowserTest;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Data lab in headless Chromium: the bundled WikiText-2 goes through every stage and a split as a job; the
 * funnel, the stage table, before/after examples and the statistics appear by push; the result is handed to the
 * Training lab. An uploaded JSONL file with a broken line is previewed, cleaned, and the broken line reported.
 */
@MicronautTest(transactional = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DataLabBrowserTest extends LabBrowserTest {
    static final byte[] SHARD = ("{\"text\": \"A dataset shard from the Hub, long enough to pass the quality rules of this pipeline with ease.\"}\n")
            .repeat(50).getBytes(StandardCharsets.UTF_8);
    final MockWebServer hub = new MockWebServer();
    @jakarta.inject.Inject
    org.llmplayground.data.DatasetFiles files;
    @jakarta.inject.Inject
    org.llmplayground.corpus.CorpusStore corpora;
    @jakarta.inject.Inject
    org.llmplayground.data.DataService data;
    @jakarta.inject.Inject
    org.llmplayground.core.jobs.JobRunner jobs;

    /** A local server speaking the Hub's URLs, with one dataset of one JSONL file. */
    @Override
    public Map<String, String> getProperties() {
        hub.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                if (r.getPath().startsWith("/api/datasets/demo/shards/tree/main")) {
                    return new MockResponse().setBody("[{\"type\":\"file\",\"path\":\"train.jsonl\",\"size\":" + SHARD.length + "},"
                            + "{\"type\":\"file\",\"path\":\"README.md\",\"size\":10},{\"type\":\"file\",\"path\":\"logo.png\",\"size\":3}]");
                }
                if (r.getPath().equals("/articles/library.html")) {
                    return new MockResponse().setHeader("Content-Type", "text/html; charset=utf-8").setBody("<html><head><title>Library</title>"
                            + "<script>track()</script></head><body><nav>Home | About</nav><p>The city library opened a new reading room "
                            + "on the second floor, and visitors liked the quiet desks by the windows.</p><p>It is open every day.</p></body></html>");
                }
                if (r.getPath().equals("/datasets/demo/shards/resolve/main/train.jsonl")) {
                    return new MockResponse().setBody(new Buffer().write(SHARD));
                }
                return new MockResponse().setResponseCode(404);
            }
        });
        Map<String, String> p = new HashMap<>(super.getProperties());
        p.put("playground.hub.endpoint", hub.url("/").toString());
        p.put("playground.fetch.allow-private", "true"); // the mock web pages live on loopback
        return p;
    }

    @AfterAll
    void stopHub() throws Exception {
        hub.shutdown();
    }

    @Override
    protected String route() {
        return "data";
    }

    @Override
    protected String readyId() {
        return "data-run";
    }

    String status() {
        return browser.find("#data-status").getText();
    }

    /** Runs the pipeline and waits for this run's job (not the previous one's line) to end; returns its final state. */
    String runPipeline() {
        String before = browser.find("#data-status").getAttribute("data-job");
        browser.click("#data-run");
        browser.await(d -> {
            WebElement s = browser.find("#data-status");
            String job = s.getAttribute("data-job");
            return job != null && !job.equals(before) && List.of("succeeded", "failed", "cancelled").contains(s.getAttribute("data-state"));
        });
        return browser.find("#data-status").getAttribute("data-state");
    }

    @Test
    @Order(1)
    void badSettingsGetAMessage() {
        assertThat(browser.find("vaadin-details.pg-explainer").getText()).contains("MinHash", "Jaccard", "Gopher");
        assertThat(browser.find("#data-lsh-curve").getText()).contains("50 × 3 = 150", "J=0.50 → 99.9 %");
        browser.find("#data-output-name input").sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE, Keys.TAB);
        browser.click("#data-run");
        browser.await(d -> browser.find("#data-error").getText().equals("Name the cleaned dataset with 1 to 80 letters, digits, spaces, '_', '.' or '-'."));
        type("data-output-name", "wiki clean");
        type("data-threshold", "1.5");
        browser.click("#data-run");
        browser.await(d -> browser.find("#data-error").getText().startsWith("Near dedup needs 1–10 shingle words"));
        type("data-threshold", "0.35");
    }

    @Test
    @Order(2)
    void wikitextRunsThroughThePipelineAndShowsWhatEachStageDid() {
        browser.click("#data-preview");
        browser.await(d -> browser.find("#data-preview-text").getText().contains("[1]"));
        scrollTo("#data-source-kind");
        browser.screenshot("data-0-setup");
        // the raw source's statistics first, to compare with the cleaned result
        browser.click("#data-measure");
        browser.await(d -> browser.find("#data-measure-status").getText().endsWith("as it is, before cleaning."));
        assertThat(browser.find("#data-numbers").getText()).contains("1,160", "documents", "tokens (gpt2)");
        assertThat(browser.driver().findElements(By.id("data-funnel")).stream().noneMatch(WebElement::isDisplayed)).isTrue();
        type("data-min-words", "20");
        assertThat(runPipeline()).isEqualTo("succeeded");
        assertThat(browser.find("#data-error").getText()).isEmpty();
        Object funnelSteps = browser.js("return document.getElementById('data-funnel')._last.series[0].data.length");
        assertThat(((Number) funnelSteps).intValue()).isEqualTo(7); // read + 6 stages
        String table = browser.find("#data-stage-table").getText();
        assertThat(table).contains("normalize", "language", "pii", "quality", "exact dedup", "near dedup", "too few words");
        assertThat(browser.find("#data-numbers").getText()).contains("documents", "tokens (gpt2)", "vocabulary");
        assertThat(browser.find("#data-stats-details").getText()).contains("Words per document: p5", "eng 539", "too short to tell 621"); // headings like " = Gameplay = " are too short to judge
        assertThat(browser.find("#data-split-result").getText()).contains("train", "val", "test", "tokens", "tokenized with gpt2");
        Object bins = browser.js("return document.getElementById('data-histogram')._last.series[0].data.length");
        assertThat(((Number) bins).intValue()).isGreaterThan(3);
        WebElement quality = browser.driver().findElements(By.cssSelector("#data-examples vaadin-details")).stream()
                .filter(d -> d.getText().startsWith("quality")).findFirst().orElseThrow();
        browser.js("arguments[0].scrollIntoView({block: 'center'}); arguments[0].opened = true;", quality);
        browser.await(d -> browser.find("#data-examples").getText().contains("→ removed"));
        scrollTo("#data-funnel");
        browser.screenshot("data-1-results");
        scrollTo("#data-numbers");
        browser.screenshot("data-2-statistics");
        // every stage's reasons whole ("Why"), on a laptop screen and a small one, light and dark; the pie too
        browser.screenshotsOnScreens("data-stages", "#data-stage-table",
                () -> assertThat(browser.truncatedCells("data-stage-table")).as("cells cut with …").isEmpty());
        browser.screenshotsOnScreens("data-charts", "#data-histogram", () -> { });
        browser.click("#data-use-for-training");
        browser.await(d -> !d.findElements(By.id("training-corpus")).isEmpty());
        browser.await(d -> browser.find("#training-corpus input").getAttribute("value").startsWith("data-"));
        assertThat(browser.find("#training-tokenizer input").getAttribute("value")).isEqualTo("gpt2");
        // the split's val part validates instead of a held-out share of the train part
        assertThat(browser.find("#training-val-corpus input").getAttribute("value")).startsWith("data-")
                .isNotEqualTo(browser.find("#training-corpus input").getAttribute("value"));
    }

    @Test
    @Order(3)
    void anUploadedJsonlFileIsPreviewedAndItsBrokenLineCounted() throws Exception {
        browser.open(jetty.baseUrl() + "/data", "data-run");
        Path file = Files.createTempDirectory("upload").resolve("reviews.jsonl");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            b.append("{\"id\": ").append(i).append(", \"body\": \"Review number ").append(i)
                    .append(" says the library opened a new reading room on the second floor, and visitors liked the quiet desks there.\"}\n");
            if (i == 10) {
                b.append("this line is not JSON\n");
            }
        }
        Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
        browser.driver().findElements(By.cssSelector("#data-source-kind vaadin-radio-button")).stream()
                .filter(r -> r.getText().startsWith("A file")).findFirst().orElseThrow().click();
        browser.await(d -> d.findElement(By.id("data-file")).isDisplayed());
        WebElement input = browser.find("#data-upload").getShadowRoot().findElement(By.cssSelector("input[type=file]"));
        input.sendKeys(file.toAbsolutePath().toString());
        browser.await(d -> browser.find("#data-preview-text").getText().contains("fields: id, body · reading 'body'"));
        browser.click("#data-stage-language");
        browser.click("#data-split");
        type("data-min-words", "5");
        type("data-output-name", "reviews clean");
        assertThat(runPipeline()).isEqualTo("succeeded");
        assertThat(browser.find("#data-stats-details").getText()).contains("Skipped while reading: 1 (line 12: not JSON)");
        // 30 reviews differ only in their number: near dedup keeps one
        assertThat(browser.find("#data-stage-table").getText()).contains("near duplicate");
    }

    @Test
    @Order(4)
    void hubFilesAreListedDownloadedAndThenReadLikeAnyFile() {
        browser.open(jetty.baseUrl() + "/data", "data-run");
        browser.driver().findElements(By.cssSelector("#data-source-kind vaadin-radio-button")).stream()
                .filter(r -> r.getText().startsWith("Hugging Face Hub")).findFirst().orElseThrow().click();
        type("data-hub-dataset", "demo/shards");
        browser.click("#data-hub-list");
        browser.await(d -> browser.find("#data-hub-status").getText().equals("2 readable files of 3"));
        browser.driver().findElements(By.cssSelector("#data-hub-files vaadin-checkbox")).stream()
                .filter(c -> c.getText().startsWith("train.jsonl")).findFirst().orElseThrow().click();
        browser.click("#data-hub-download");
        // done: the lab switches to the downloaded file and previews it
        browser.await(d -> browser.find("#data-preview-text").getText().contains("reading 'text'"));
        assertThat(browser.find("#data-file input").getAttribute("value")).startsWith("hub/demo/shards/main/train.jsonl");
        assertThat(browser.find("#data-preview-text").getText()).contains("A dataset shard from the Hub");
    }

    @Test
    @Order(5)
    void webPagesAreFetchedAndCleaned() {
        browser.open(jetty.baseUrl() + "/data", "data-run");
        browser.driver().findElements(By.cssSelector("#data-source-kind vaadin-radio-button")).stream()
                .filter(r -> r.getText().startsWith("Web pages")).findFirst().orElseThrow().click();
        browser.find("#data-urls textarea").sendKeys(hub.url("/articles/library.html").toString() + "\n" + hub.url("/missing.html"));
        type("data-min-words", "5");
        browser.click("#data-split");
        type("data-output-name", "web pages");
        assertThat(runPipeline()).isEqualTo("succeeded");
        assertThat(browser.find("#data-stats-details").getText()).contains("Skipped while reading: 1", "/missing.html");
        assertThat(browser.find("#data-numbers").getText()).startsWith("1\ndocuments");
        // the page's visible text was saved as the corpus; scripts are gone
        String saved = corpora.read(corpora.list().stream().filter(c -> c.name().equals("web pages.txt")).findFirst().orElseThrow().id());
        assertThat(saved).contains("The city library opened a new reading room on the second floor").doesNotContain("track()");
    }

    @Test
    @Order(6)
    void aLongRunShowsProgressAndTimeLeftAndCanBeCancelled() throws Exception {
        new org.llmplayground.bench.SyntheticCorpus(11).write(files.dir().resolve("big.jsonl"), 60L << 20);
        browser.open(jetty.baseUrl() + "/data", "data-run");
        browser.driver().findElements(By.cssSelector("#data-source-kind vaadin-radio-button")).stream()
                .filter(r -> r.getText().startsWith("A file")).findFirst().orElseThrow().click();
        browser.pick("data-file", "big.jsonl");
        browser.await(d -> browser.find("#data-preview-text").getText().contains("reading 'text'"));
        type("data-output-name", "never saved");
        browser.click("#data-run");
        browser.await(d -> status().startsWith("running") && status().contains("documents read") && status().contains("left"));
        assertThat(browser.find("#data-progress").getAttribute("value")).isNotNull();
        browser.click("#data-cancel");
        browser.await(d -> status().startsWith("Cancelled: the source is untouched"));
        assertThat(browser.disabled("#data-cancel")).isTrue();
        assertThat(files.dir().resolve("big.jsonl")).exists();
    }

    @Test
    @Order(7)
    void aFailedRunIsShownAfterAReloadAndRunsAgainWithOneClick() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createDirectories(files.dir().resolve("uploads")).resolve("later.txt");
        java.nio.file.Files.writeString(file, "");
        var request = new org.llmplayground.data.DataService.PipelineRequest(new org.llmplayground.data.DataService.CleanRequest(
                org.llmplayground.data.DataSource.file("uploads/later.txt", null), "later clean",
                new org.llmplayground.data.DataService.Stages(null, null, 0, null, null, true, null), null), null);
        var failed = jobs.await(data.startPipeline(request).id(), java.time.Duration.ofSeconds(30));
        assertThat(failed.state()).isEqualTo(org.llmplayground.core.jobs.JobState.FAILED);
        browser.open(jetty.baseUrl() + "/data", "data-run"); // a reload finds the failed job and offers it again
        browser.await(d -> status().startsWith("failed") && status().contains("later.txt is empty"));
        java.nio.file.Files.writeString(file, "The file arrived after all.\n\nIt has two documents now.\n");
        browser.click("#data-rerun");
        browser.await(d -> "succeeded".equals(browser.find("#data-status").getAttribute("data-state"))
                && !failed.id().equals(browser.find("#data-status").getAttribute("data-job")));
        browser.await(d -> browser.find("#data-funnel").isDisplayed());
        assertThat(browser.driver().findElement(By.id("data-rerun")).isDisplayed()).isFalse();
        browser.screenshot("data-run-again");
    }
}
