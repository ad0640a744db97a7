package org.llmplayground.docs;

import com.vaadin.flow.router.Route;
import org.junit.jupiter.api.Test;
import org.llmplayground.app.ui.Labs;
import org.llmplayground.core.BadInputException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every documentation page renders, and every link in it resolves: to another page and a heading on it, or to a
 * route of the app (a lab or a tool of the menu).
 */
class DocsTest {
    static final Docs DOCS = new Docs();
    static final Pattern HREF = Pattern.compile("href=\"([^\"]*)\"");
    static final Pattern ID = Pattern.compile("id=\"([^\"]*)\"");

    static Set<String> routes() {
        return Stream.concat(Labs.ALL.stream().map(Labs.Lab::view), Labs.TOOLS.stream().map(Labs.Tool::view))
                .map(v -> "/" + v.getAnnotation(Route.class).value().replaceFirst("/:.*$", "")).collect(Collectors.toSet());
    }

    @Test
    void everyPageRendersWithItsTitle() {
        assertThat(DOCS.pages()).extracting(Docs.Page::name).containsExactlyElementsOf(Docs.PAGES);
        for (Docs.Page p : DOCS.pages()) {
            assertThat(p.html()).as(p.name()).startsWith("<h1");
            assertThat(p.title()).as(p.name()).isNotBlank().isNotEqualTo(p.name());
        }
        assertThat(DOCS.page("concepts").html()).contains("<h2 id=\"attention\">Attention</h2>");
    }

    @Test
    void everyLinkResolvesToAPageAndHeadingOrAnAppRoute() {
        Set<String> routes = routes();
        List<String> checked = new ArrayList<>();
        for (Docs.Page p : DOCS.pages()) {
            Matcher m = HREF.matcher(p.html());
            while (m.find()) {
                String href = m.group(1);
                checked.add(href);
                if (href.startsWith("/docs/")) {
                    String[] parts = href.substring(6).split("#", 2);
                    Docs.Page target = DOCS.page(parts[0]);
                    if (parts.length > 1) {
                        Set<String> ids = ID.matcher(target.html()).results().map(r -> r.group(1)).collect(Collectors.toSet());
                        assertThat(ids).as(p.name() + " → " + href).contains(parts[1]);
                    }
                } else if (href.startsWith("/")) {
                    assertThat(routes).as(p.name() + " → " + href).contains(href);
                } else {
                    assertThat(href).as(p.name() + ": a link that is neither a page nor a route").startsWith("https://");
                }
            }
        }
        assertThat(checked).contains("/docs/troubleshooting#the-loss-turns-nan", "/tokenizer", "/experiments");
    }

    @Test
    void searchFindsPagesWithEveryWord() {
        assertThat(DOCS.search("loss NaN")).extracting(Docs.Hit::page).contains("troubleshooting", "concepts");
        assertThat(DOCS.search("repetition penalty").get(0).snippet()).startsWith("Fix: sample with temperature 0.7–1.0 and top-p 0.9");
        assertThat(DOCS.search("zzqx")).isEmpty();
        assertThatThrownBy(() -> DOCS.search("x")).hasMessage("Search for at least 2 characters.");
        assertThatThrownBy(() -> DOCS.page("nope")).isInstanceOf(BadInputException.class)
                .hasMessage("No documentation page 'nope'. Pages: index, concepts, troubleshooting, reliability.");
    }

    @Test
    void rawHtmlInAPageIsEscaped() {
        assertThat(Docs.appLink("concepts.md#token")).isEqualTo("/docs/concepts#token");
        assertThat(Docs.appLink("https://example.org/a.md")).isEqualTo("https://example.org/a.md");
        assertThat(DOCS.pages()).allSatisfy(p -> assertThat(p.html()).doesNotContain("<script"));
    }
}
