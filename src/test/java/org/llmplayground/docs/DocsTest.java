package org.llmplayground.docs;

import com.vaadin.flow.router.Route;
import org.junit.jupiter.api.Test;
import org.llmplayground.app.ui.Labs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Troubleshooting;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        return Stream.concat(Stream.concat(Labs.ALL.stream().map(Labs.Lab::view), Labs.TOOLS.stream().map(Labs.Tool::view)),
                        Stream.of(org.llmplayground.app.ui.ApiDocsView.class))
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
                    String[] route = href.split("\\?tutorial=", 2);
                    assertThat(routes).as(p.name() + " → " + href).contains(route[0]);
                    if (route.length > 1) { // a tutorial opens beside its own lab
                        assertThat(TUTORIAL_LABS).as(p.name() + " → " + href).containsEntry(route[1], route[0]);
                    }
                } else {
                    assertThat(href).as(p.name() + ": a link that is neither a page nor a route").startsWith("https://");
                }
            }
        }
        assertThat(checked).contains("/docs/troubleshooting#the-loss-turns-nan", "/tokenizer", "/experiments", "/docs/labs/training",
                "/training?tutorial=train-gpt", "/rest-api");
    }

    /** The tutorials by id, each with the lab it runs beside. */
    static final Map<String, String> TUTORIAL_LABS = org.llmplayground.course.CourseService.FILES.stream()
            .map(f -> org.llmplayground.course.TutorialParser.parse(f, org.llmplayground.core.Resources.text("bundled/docs/tutorials/" + f)))
            .collect(Collectors.toMap(org.llmplayground.course.Tutorial::id, org.llmplayground.course.Tutorial::lab));

    /** Each lab and tool of the menu has a reference page of its controls, linked from the index, that links back to it. */
    @Test
    void everyLabHasAReferencePageOfItsControls() {
        String index = DOCS.page("index").html();
        for (String route : routes()) {
            if (route.equals("/docs") || route.equals("/rest-api")) {
                continue;
            }
            List<Docs.Page> refs = DOCS.pages().stream().filter(p -> p.name().startsWith("labs/") && p.html().contains("href=\"" + route + "\""))
                    .toList();
            assertThat(refs).as(route).isNotEmpty();
            assertThat(index).as(route).contains("href=\"/docs/" + refs.get(0).name() + "\"");
            assertThat(refs.get(0).html()).as(route).contains("<th>Control</th>", "<th>Default</th>");
        }
    }

    /**
     * Every error message that links to troubleshooting finds its entry: each entry's anchor is a heading of the page
     * with the entry's title, and the messages the app really throws (asserted where they are made: TrainerTest,
     * ChatServiceTest, WeightImportTest, HubClientTest, ModelLifecycleApiTest, WandbMirrorTest, TransformerApiTest) map to
     * their entry here too, while unrelated messages get no link.
     */
    @Test
    void everyTroubleshootingLinkFindsItsEntry() throws Exception {
        String html = DOCS.page("troubleshooting").html();
        for (Troubleshooting.Entry e : Troubleshooting.ENTRIES) {
            assertThat(html).as(e.anchor()).contains("<h2 id=\"" + e.anchor() + "\">"
                    + e.title().replace("&", "&amp;").replace("\"", "&quot;") + "</h2>");
            assertThat(e.href()).isEqualTo("/docs/troubleshooting#" + e.anchor());
        }
        Map<String, String> messages = new LinkedHashMap<>();
        messages.put("Training 'x' needs about 30.2 GiB (weights 1.0 GiB, gradients 1.0 GiB, AdamW 2.0 GiB, activations 26.2 GiB at "
                + "batch 64 × 1024 tokens); only 20.1 GiB is available. Lower batch_size or block_size, or pick a smaller model.", "out-of-memory");
        messages.put("java.lang.OutOfMemoryError: Java heap space", "out-of-memory");
        messages.put("[enforce fail at alloc_cpu.cpp:117] DefaultCPUAllocator: not enough memory: you tried to allocate 1024 bytes.",
                "out-of-memory");
        messages.put("The gradient norm became infinite at step 7 (loss 3.2100) (learning rate 1.00e+01); training stopped and there "
                + "is no earlier checkpoint. Try a lower learning_rate or stronger grad_clip.", "the-loss-turns-nan");
        messages.put("The character 'é' (U+E9) is not in this model's vocabulary of 65 characters.", "the-tokenizer-does-not-cover-the-text");
        messages.put("Tensor 'h.0.attn.c_attn.weight' is missing from the checkpoint", "an-import-fails");
        messages.put("The starting weights' 'embed.weight' has shape [65, 64], the model's is [50257, 64].", "an-import-fails");
        messages.put("Download of model.safetensors was interrupted (timeout); the partial file is kept: download again to resume.",
                "a-hub-download-fails");
        messages.put("Not enough disk space: the download needs 3.0 GiB and 1.2 GiB is free.", "a-hub-download-fails");
        messages.put("Model info for demo/private: HTTP 401, the Hub refused access (a gated or private model needs a token with "
                + "access to it).", "a-hub-download-fails");
        messages.put("W&B could not be reached (ConnectException: Connection refused)", "weights--biases-shows-failing");
        messages.forEach((message, anchor) -> assertThat(Troubleshooting.entryFor(message)).as(message)
                .hasValueSatisfying(e -> assertThat(e.anchor()).isEqualTo(anchor)));
        for (String unrelated : List.of("Unknown tokenizer 'gpt5'. Known: gpt2, cl100k_base.", "Type a message first.", "", "The config is empty.")) {
            assertThat(Troubleshooting.linkFor(unrelated)).as(unrelated).isEmpty();
        }
        // the browser runs the same patterns: they come to it as JSON, one object per entry
        JsonNode json = new ObjectMapper().readTree(Troubleshooting.entriesJson());
        assertThat(json).hasSize(Troubleshooting.ENTRIES.size());
        assertThat(json.get(1).get("pattern").asText()).isEqualTo("became (NaN|infinite) at step");
        assertThat(Troubleshooting.SCRIPT).contains("'/docs/troubleshooting#' + r.anchor");
    }

    @Test
    void searchFindsPagesWithEveryWord() {
        assertThat(DOCS.search("loss NaN")).extracting(Docs.Hit::page).contains("troubleshooting", "concepts");
        List<Docs.Hit> hits = DOCS.search("repetition penalty");
        assertThat(hits).extracting(Docs.Hit::page).containsExactly("labs/generation", "troubleshooting"); // in reading order
        assertThat(hits.get(1).snippet()).startsWith("Fix: sample with temperature 0.7–1.0 and top-p 0.9");
        // a table row reads as words, not as Markdown: "| Repetition penalty | 1 (off) | …"
        assertThat(hits.get(0).snippet()).startsWith("Repetition penalty · 1 (off) · Divides the logit of tokens already in the text");
        assertThat(DOCS.search("zzqx")).isEmpty();
        assertThatThrownBy(() -> DOCS.search("x")).hasMessage("Search for at least 2 characters.");
        assertThatThrownBy(() -> DOCS.page("nope")).isInstanceOf(BadInputException.class)
                .hasMessage("No documentation page 'nope'. Pages: index, concepts, labs/tokenizer, labs/transformer, labs/training, "
                        + "labs/generation, labs/data, labs/finetune, labs/preferences, labs/evaluation, labs/chat, labs/models, "
                        + "labs/experiments, api, configuration, troubleshooting, reliability.");
    }

    @Test
    void rawHtmlInAPageIsEscaped() {
        assertThat(Docs.appLink("concepts.md#token")).isEqualTo("/docs/concepts#token");
        assertThat(Docs.appLink("https://example.org/a.md")).isEqualTo("https://example.org/a.md");
        assertThat(DOCS.pages()).allSatisfy(p -> assertThat(p.html()).doesNotContain("<script"));
    }
}
