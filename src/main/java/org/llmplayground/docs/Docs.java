package org.llmplayground.docs;

import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.commonmark.node.Heading;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.node.AbstractVisitor;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Markdown;
import org.llmplayground.core.Resources;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The documentation: the Markdown files of the repository's docs/ folder (shipped in the jar as bundled/docs/),
 * rendered with CommonMark (tables, heading ids) — the same text on GitHub and in the app. Links between pages
 * ("troubleshooting.md#the-loss-turns-nan") become app links ("/docs/troubleshooting#the-loss-turns-nan"); raw HTML in a
 * page is escaped, not rendered. Search finds pages whose text contains every word of a query.
 */
@Singleton
public class Docs {
    /** The pages, in reading order. */
    public static final List<String> PAGES = List.of("index", "concepts", "labs/tokenizer", "labs/transformer", "labs/training",
            "labs/generation", "labs/data", "labs/finetune", "labs/preferences", "labs/evaluation", "labs/chat", "labs/models",
            "labs/experiments", "api", "configuration", "troubleshooting", "reliability");
    private final Map<String, Page> pages = new LinkedHashMap<>();

    /** A page: its name, title (the first heading), Markdown and HTML. */
    @Serdeable
    public record Page(String name, String title, String markdown, String html) {
    }

    /** A search hit: the page, its title, and the line the words were found on. */
    @Serdeable
    public record Hit(String page, String title, String snippet) {
    }

    public Docs() {
        for (String name : PAGES) {
            String md = Resources.text("bundled/docs/" + name + ".md");
            Node doc = Markdown.parse(md);
            pages.put(name, new Page(name, title(doc, name), md, Markdown.render(doc)));
        }
    }

    public List<Page> pages() {
        return List.copyOf(pages.values());
    }

    public Page page(String name) {
        Page p = pages.get(name == null || name.isBlank() ? "index" : name.strip().replaceFirst("\\.md$", ""));
        if (p == null) {
            throw BadInputException.notFound("No documentation page '" + name + "'. Pages: " + String.join(", ", PAGES) + ".");
        }
        return p;
    }

    /** Pages containing every word of {@code query} (case-insensitive), with the first line holding the first word. */
    public List<Hit> search(String query) {
        String q = query == null ? "" : query.strip().toLowerCase(Locale.ROOT);
        if (q.length() < 2) {
            throw new BadInputException("Search for at least 2 characters.");
        }
        String[] words = q.split("\\s+");
        List<Hit> hits = new ArrayList<>();
        for (Page p : pages.values()) {
            String text = p.markdown().toLowerCase(Locale.ROOT);
            boolean all = true;
            for (String w : words) {
                all &= text.contains(w);
            }
            if (all) {
                String line = p.markdown().lines().filter(l -> l.toLowerCase(Locale.ROOT).contains(words[0])).findFirst().orElse("")
                        .replaceAll("[*`#]+", "").replaceAll("\\[([^]]*)]\\([^)]*\\)", "$1")
                        .replaceAll("^\\s*\\|\\s*|\\s*\\|\\s*$", "").replaceAll("\\s*\\|\\s*", " · ").strip(); // the words, not the Markdown
                hits.add(new Hit(p.name(), p.title(), line.length() > 200 ? line.substring(0, 199) + "…" : line));
            }
        }
        return hits;
    }

    /** See {@link Markdown#appLink}. */
    static String appLink(String href) {
        return Markdown.appLink(href);
    }

    private static String title(Node doc, String fallback) {
        StringBuilder t = new StringBuilder();
        doc.accept(new AbstractVisitor() {
            @Override
            public void visit(Heading heading) {
                if (t.isEmpty() && heading.getLevel() == 1) {
                    heading.accept(new AbstractVisitor() {
                        @Override
                        public void visit(Text text) {
                            t.append(text.getLiteral());
                        }
                    });
                }
            }
        });
        return t.isEmpty() ? fallback : t.toString();
    }
}
