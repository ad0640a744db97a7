package org.llmplayground.generation.prompts;

import io.micronaut.core.type.Argument;
import io.micronaut.serde.ObjectMapper;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Resources;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The prompt tools: the curated library, the user's versioned templates, rendering, few-shot building and advice. */
@Singleton
public class PromptService {
    public static final int MAX_TEMPLATE_CHARS = 20_000;
    private final PromptStore store;
    private final List<PromptTemplate> library;

    public PromptService(PromptStore store, ObjectMapper json) {
        this.store = store;
        try {
            this.library = List.copyOf(json.readValue(Resources.text("bundled/prompts/templates.json"), Argument.listOf(PromptTemplate.class)));
        } catch (IOException e) {
            throw new UncheckedIOException("The bundled prompt library cannot be read", e);
        }
    }

    /** The curated templates (version 0) followed by the newest version of each of the user's. */
    public List<PromptTemplate> templates() {
        List<PromptTemplate> all = new ArrayList<>(library);
        all.addAll(store.latest());
        return all;
    }

    public List<PromptTemplate> library() {
        return library;
    }

    public PromptTemplate template(String name) {
        return templates().stream().filter(t -> t.name().equals(name)).reduce((a, b) -> b)
                .orElseThrow(() -> BadInputException.notFound("No prompt template named '" + name + "'."));
    }

    public String render(String text, Map<String, String> values) {
        return PromptTemplate.render(text, values);
    }

    /** Saves the user's template as a new version; names of the curated library are taken. */
    public PromptTemplate save(String name, String description, String text) {
        String n = name == null ? "" : name.strip();
        if (!n.matches("[A-Za-z0-9][A-Za-z0-9 _.-]{0,59}")) {
            throw new BadInputException("A template name has 1 to 60 letters, digits, spaces, '_', '.' or '-', starting with a letter or digit.");
        }
        if (library.stream().anyMatch(t -> t.name().equals(n))) {
            throw BadInputException.conflict("'" + n + "' is a curated template; save yours under another name.");
        }
        if (text == null || text.isBlank()) {
            throw new BadInputException("The template is empty.");
        }
        if (text.length() > MAX_TEMPLATE_CHARS) {
            throw new BadInputException("The template has " + text.length() + " characters; the limit is " + MAX_TEMPLATE_CHARS + ".");
        }
        int version = store.save(n, description == null ? "" : description.strip(), text);
        return store.versions(n).stream().filter(t -> t.version() == version).findFirst().orElseThrow();
    }

    public List<PromptTemplate> versions(String name) {
        return store.versions(name);
    }

    public List<PromptAdvisor.Suggestion> advise(String prompt) {
        return PromptAdvisor.check(prompt);
    }
}
