package org.llmplayground.support;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * Headless Debian Chromium driven by Selenium, started as the project's standards say: no sandbox (root in CI),
 * no GPU, no QUIC, no background networking (this machine has no internet), and a fresh profile each time.
 * Needs {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} (Debian: apt-get install chromium chromium-driver).
 */
public final class Browser implements AutoCloseable {
    public static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private final WebDriver driver;
    private final WebDriverWait wait;
    private int timeouts;

    public Browser() {
        File chromium = new File("/usr/bin/chromium");
        File chromedriver = new File("/usr/bin/chromedriver");
        if (!chromium.canExecute() || !chromedriver.canExecute()) {
            throw new IllegalStateException("Browser tests need Debian's Chromium: apt-get install -y chromium chromium-driver");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1800", "--user-data-dir=" + freshProfile());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver).build();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, Duration.ofSeconds(60));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class); // re-rendered chips: just read again
    }

    private static String freshProfile() {
        try {
            return Files.createTempDirectory("chromium-profile").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public WebDriver driver() {
        return driver;
    }

    /** Opens a Vaadin page and waits until the element with {@code readyId} is there. */
    public void open(String url, String readyId) {
        driver.get(url);
        await(d -> !d.findElements(By.id(readyId)).isEmpty());
    }

    /** Waits for the condition; on timeout saves a screenshot (target/screenshots/timeout-N.png) to show why. */
    public <T> T await(ExpectedCondition<T> condition) {
        try {
            return wait.until(condition);
        } catch (org.openqa.selenium.TimeoutException e) {
            Path shot = screenshot("timeout-" + System.currentTimeMillis() + "-" + (++timeouts));
            throw new org.openqa.selenium.TimeoutException("Condition not met; page at that moment: " + shot, e);
        }
    }

    /**
     * Waits for the end of background work (a job's final state): as long as it takes on a busy machine, up to 15
     * minutes. The condition says what is awaited; no time here assumes a quiet machine.
     */
    public <T> T awaitJob(ExpectedCondition<T> condition) {
        WebDriverWait longWait = new WebDriverWait(driver, Duration.ofMinutes(15), Duration.ofMillis(250));
        longWait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        try {
            return longWait.until(condition);
        } catch (org.openqa.selenium.TimeoutException e) {
            Path shot = screenshot("timeout-" + System.currentTimeMillis() + "-" + (++timeouts));
            throw new org.openqa.selenium.TimeoutException("Job did not end; page at that moment: " + shot, e);
        }
    }

    public WebElement find(String css) {
        return await(d -> {
            var found = d.findElements(By.cssSelector(css));
            return found.isEmpty() ? null : found.get(0);
        });
    }

    /**
     * Scrolls the element to the middle of its scroll container, then clicks it like a user. (AppLayout scrolls its
     * content area, not the window, and WebDriver's own scrolling can leave the element outside the viewport.)
     */
    public void click(String css) {
        WebElement e = find(css);
        js("arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});", e);
        e.click();
    }

    /** Whether a Vaadin component is disabled (WebDriver's isEnabled() only knows native form controls). */
    public boolean disabled(String css) {
        return find(css).getAttribute("disabled") != null;
    }

    public Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Sets a Vaadin field's value from script (for text the keyboard cannot type, like emoji) and fires change. */
    public void setValue(String id, String value) {
        js("const f=document.getElementById(arguments[0]); f.value=arguments[1];"
                + "f.dispatchEvent(new Event('input',{bubbles:true})); f.dispatchEvent(new Event('change',{bubbles:true}));", id, value);
    }

    /** Picks an item of a vaadin-combo-box: opens it (items load lazily), waits for the item, clicks it. */
    public void pick(String comboId, String labelPart) {
        WebElement input = find("#" + comboId + " input");
        js("arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});", input);
        input.click();
        WebElement item = await(d -> d.findElements(By.cssSelector("vaadin-combo-box-item")).stream()
                .filter(i -> i.getText().contains(labelPart)).findFirst().orElse(null));
        item.click();
        await(d -> String.valueOf(js("return document.getElementById(arguments[0]).opened", comboId)).equals("false"));
    }

    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path target = SCREENSHOTS.resolve(name + ".png");
            Files.copy(((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The two screens the labs must read well on (a laptop and a small laptop/projector), both themes of each. */
    public static final int[][] SCREENS = {{1440, 900}, {1280, 720}};
    private static final int[] TALL = {1400, 1800};

    /** Resizes the window so the page's viewport is {@code width × height} CSS pixels. */
    public void viewport(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
        Object inner = js("return [window.innerWidth, window.innerHeight];");
        java.util.List<?> wh = (java.util.List<?>) inner;
        int dw = width - ((Number) wh.get(0)).intValue();
        int dh = height - ((Number) wh.get(1)).intValue();
        if (dw != 0 || dh != 0) { // a window frame around the page: grow the window by it
            driver.manage().window().setSize(new Dimension(width + dw, height + dh));
        }
    }

    /** Switches the app's theme with its own header button, and waits until the page shows it. */
    public void theme(boolean dark) {
        boolean now = "dark".equals(js("return document.documentElement.getAttribute('theme')"));
        if (now != dark) {
            click("#theme-toggle");
            await(d -> dark == "dark".equals(js("return document.documentElement.getAttribute('theme')")));
        }
    }

    /**
     * Text cut with "…" in a grid: a cell's content box is narrower than its text ({@code vaadin-grid-cell-content} is
     * where Lumo puts {@code text-overflow: ellipsis}). Returns the texts of the cut cells, empty when all are whole.
     */
    public java.util.List<String> truncatedCells(String gridId) {
        Object cut = js("const g=document.getElementById(arguments[0]);"
                + "return Array.from(g.querySelectorAll('vaadin-grid-cell-content'))"
                + ".filter(c=>c.offsetParent!==null && c.textContent.trim() && c.scrollWidth>c.clientWidth+1)"
                + ".map(c=>c.textContent.trim());", gridId);
        return ((java.util.List<?>) cut).stream().map(String::valueOf).toList();
    }

    /**
     * Screenshots {@code name-WxH-light/dark.png} of the element {@code css} scrolled to the top of the viewport, at
     * each of {@link #SCREENS} in both themes; {@code check} runs at each (e.g. no cut cells) and the window returns to
     * its tall test size, light theme.
     */
    public void screenshotsOnScreens(String name, String css, Runnable check) {
        try {
            for (int[] screen : SCREENS) {
                viewport(screen[0], screen[1]);
                for (boolean dark : new boolean[]{false, true}) {
                    theme(dark);
                    js("arguments[0].scrollIntoView({block:'start'});", find(css));
                    pauseForLayout();
                    check.run();
                    screenshot(name + "-" + screen[0] + "x" + screen[1] + (dark ? "-dark" : "-light"));
                }
            }
        } finally {
            theme(false);
            driver.manage().window().setSize(new Dimension(TALL[0], TALL[1]));
        }
    }

    /**
     * Waits for two animation frames (the resize observers and chart re-layout have run), or 3 s at most: a headless
     * Chromium under load may not schedule frames for a while (CI once waited past the 30 s script timeout), and a
     * screenshot a little early is better than a failed run.
     */
    private void pauseForLayout() {
        ((JavascriptExecutor) driver).executeAsyncScript(
                "const done=arguments[arguments.length-1]; let once=false; const f=()=>{if(!once){once=true;done();}};"
                        + "requestAnimationFrame(()=>requestAnimationFrame(()=>setTimeout(f,600))); setTimeout(f,3000);");
    }

    @Override
    public void close() {
        driver.quit();
    }
}
