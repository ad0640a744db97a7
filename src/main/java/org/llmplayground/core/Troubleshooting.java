package org.llmplayground.core;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which entry of docs/troubleshooting.md explains an error message. One table serves the REST API (an error body's
 * {@code help} link) and the UI (a "How to fix this" link the browser appends to every error it shows, see
 * {@link #SCRIPT}). The patterns are written in the regex subset Java and JavaScript share (no look-behind, no
 * possessive quantifiers) because the browser runs the same strings.
 * <p>
 * Example: "The loss became NaN at step 212 (learning rate 3.00e+00); training stopped …" matches
 * {@code became (NaN|infinite) at step} → {@code /docs/troubleshooting#the-loss-turns-nan}.
 */
public final class Troubleshooting {
    public static final String PAGE = "/docs/troubleshooting";
    /** Each entry's pattern compiled once: every error response and job failure is matched against all of them. */
    private static final java.util.Map<String, Pattern> COMPILED = new java.util.concurrent.ConcurrentHashMap<>();

    /** An entry: the heading's anchor in docs/troubleshooting.md, its title and the messages it explains. */
    public record Entry(String anchor, String title, String pattern) {
        public String href() {
            return PAGE + "#" + anchor;
        }

        boolean explains(String message) {
            return COMPILED.computeIfAbsent(pattern, p -> Pattern.compile(p, Pattern.CASE_INSENSITIVE)).matcher(message).find();
        }
    }

    public static final List<Entry> ENTRIES = List.of(
            new Entry("out-of-memory", "Out of memory",
                    "needs about .* only .* is available|OutOfMemoryError|Java heap space|not enough memory|DefaultCPUAllocator"
                            + "|CUDA out of memory"),
            new Entry("the-loss-turns-nan", "The loss turns NaN", "became (NaN|infinite) at step"),
            new Entry("the-tokenizer-does-not-cover-the-text", "The tokenizer does not cover the text",
                    "is not in this model's vocabulary of \\d+ characters"),
            new Entry("an-import-fails", "An import fails",
                    "config\\.json (has model_type|lacks the|sets attention_bias|in .* is not valid JSON)|has config\\.json but no "
                            + "model\\.safetensors|Tensor '.*' is missing from the checkpoint|starting weights' '.*' has shape"
                            + "|starting weights have no '|is of another network|the importer reads"),
            new Entry("a-hub-download-fails", "A Hub download fails",
                    "Download of .* (was interrupted|has \\d+ bytes)|Checksum mismatch for|Not enough disk space"
                            + "|the Hub refused access|The Hub at .* cannot be reached"),
            new Entry("weights--biases-shows-failing", "Weights & Biases shows \"failing\"",
                    "W&B (answered|refused|could not be reached)|WANDB_(API_KEY|BASE_URL)"));

    private Troubleshooting() {
    }

    /** The entry that explains {@code message}, if any. */
    public static Optional<Entry> entryFor(String message) {
        if (message == null || message.isBlank()) {
            return Optional.empty();
        }
        return ENTRIES.stream().filter(e -> e.explains(message)).findFirst();
    }

    /** The link to the entry that explains {@code message}, e.g. "/docs/troubleshooting#the-loss-turns-nan". */
    public static Optional<String> linkFor(String message) {
        return entryFor(message).map(Entry::href);
    }

    /** The entries as the browser script reads them: [{"anchor":…,"title":…,"pattern":…}, …]. */
    public static String entriesJson() {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(ENTRIES);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Installed once per page by the app shell with {@link #entriesJson()} as {@code $0}:
     * watches the page for error texts ({@code .pg-error}, job status lines, error notifications) and appends to each one
     * that an entry explains a link to it. Appended inside the element so that it goes away with the element; when the
     * server replaces the text the link is checked again (kept, changed, moved to the end or removed).
     */
    public static final String SCRIPT = """
            const rules = JSON.parse($0).map(r => ({re: new RegExp(r.pattern, 'i'), href: '%s#' + r.anchor, title: r.title}));
            if (window.pgHelp) { window.pgHelp.rules = rules; window.pgHelp.scan(); return; }
            const help = window.pgHelp = {rules};
            help.scan = () => {
              document.querySelectorAll('.pg-error, .pg-job-status, .pg-help-scope, vaadin-notification-card[theme~="error"]')
                .forEach(el => {
                  const link = el.querySelector(':scope > a.pg-help-link');
                  const text = (el.textContent || '').replace(link ? link.textContent : '', '');
                  const rule = help.rules.find(r => r.re.test(text));
                  if (!rule) { if (link) link.remove(); return; }
                  if (link && link.getAttribute('href') === rule.href && el.lastChild === link) return;
                  if (link) link.remove();
                  const a = document.createElement('a');
                  a.className = 'pg-help-link';
                  a.href = rule.href;
                  a.title = 'Troubleshooting: ' + rule.title;
                  a.textContent = 'How to fix this →';
                  el.appendChild(a);
                });
            };
            let pending = false;
            new MutationObserver(() => {
              if (!pending) { pending = true; requestAnimationFrame(() => { pending = false; help.scan(); }); }
            }).observe(document.body, {childList: true, subtree: true, characterData: true});
            help.scan();
            """.formatted(PAGE);
}
