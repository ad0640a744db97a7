package org.llmplayground.core;

import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.ext.heading.anchor.HeadingAnchorExtension;
import org.commonmark.node.Node;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

import java.util.List;

/**
 * Markdown as the app shows it — the docs pages, the tutorials' explanations — rendered with CommonMark (tables,
 * heading ids). Raw HTML in the text is escaped, not rendered, and unsafe URLs are dropped; links between docs pages
 * ("troubleshooting.md#the-loss-turns-nan") become app links ("/docs/troubleshooting#the-loss-turns-nan"). Parser and
 * renderer are immutable and thread-safe, so one of each serves every request.
 */
public final class Markdown {
    private static final List<Extension> EXTENSIONS = List.of(TablesExtension.create(), HeadingAnchorExtension.create());
    private static final Parser PARSER = Parser.builder().extensions(EXTENSIONS).build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder().extensions(EXTENSIONS).escapeHtml(true).sanitizeUrls(true)
            .attributeProviderFactory(c -> (node, tag, attributes) -> {
                if (node instanceof org.commonmark.node.Link && attributes.containsKey("href")) {
                    attributes.put("href", appLink(attributes.get("href")));
                }
            }).build();

    private Markdown() {
    }

    public static Node parse(String markdown) {
        return PARSER.parse(markdown);
    }

    public static String render(Node document) {
        return RENDERER.render(document);
    }

    public static String html(String markdown) {
        return render(parse(markdown));
    }

    /**
     * "concepts.md#attention" → "/docs/concepts#attention", "labs/training.md" → "/docs/labs/training",
     * "../troubleshooting.md" → "/docs/troubleshooting"; "/tokenizer" and external links stay as they are.
     */
    public static String appLink(String href) {
        if (href.startsWith("http:") || href.startsWith("https:") || href.startsWith("/") || href.startsWith("#")) {
            return href;
        }
        String[] parts = href.split("#", 2);
        if (parts[0].endsWith(".md")) {
            String page = parts[0].substring(0, parts[0].length() - 3).replaceFirst("^(\\.\\./)+", "").replaceFirst("^\\./", "");
            return "/docs/" + page + (parts.length > 1 ? "#" + parts[1] : "");
        }
        return href;
    }
}
