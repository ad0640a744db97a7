package org.llmplayground.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import jakarta.inject.Singleton;
import org.llmplayground.core.Resources;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The OpenAPI document that micronaut-openapi generates at build time from the controllers (in the jar at
 * META-INF/swagger/), served raw at /api/v1/openapi.yml and listed operation by operation in the API view.
 */
@Singleton
public class OpenApiDocument {
    static final String RESOURCE = "META-INF/swagger/llm-playground-1.yml";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String yaml;
    private final JsonNode root;

    public OpenApiDocument() {
        yaml = Resources.text(RESOURCE);
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String yaml() {
        return yaml;
    }

    /** One endpoint: method, path, tag, summary, and its request and response bodies with schemas inlined. */
    public record Operation(String method, String path, String tag, String summary, String request, String response) {
    }

    public List<Operation> operations() {
        List<Operation> ops = new ArrayList<>();
        root.path("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(m -> {
            JsonNode op = m.getValue();
            JsonNode ok = firstSuccess(op.path("responses"));
            ops.add(new Operation(m.getKey().toUpperCase(), p.getKey(), op.path("tags").path(0).asText(""),
                    op.path("summary").asText(""), schemaText(op.path("requestBody").path("content")), schemaText(ok.path("content"))));
        }));
        return ops;
    }

    private static JsonNode firstSuccess(JsonNode responses) {
        for (Iterator<Map.Entry<String, JsonNode>> it = responses.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().startsWith("2")) {
                return e.getValue();
            }
        }
        return JSON.missingNode();
    }

    private String schemaText(JsonNode content) {
        if (content.isMissingNode() || !content.fields().hasNext()) {
            return "";
        }
        Map.Entry<String, JsonNode> first = content.fields().next();
        JsonNode schema = inline(first.getValue().path("schema"), new HashSet<>(), 0);
        try {
            return first.getKey() + "\n" + JSON.writerWithDefaultPrettyPrinter().writeValueAsString(schema);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces {@code $ref}s by the schemas they name, a few levels deep, so each operation reads on its own. */
    private JsonNode inline(JsonNode schema, Set<String> seen, int depth) {
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            String name = ref.substring(ref.lastIndexOf('/') + 1);
            if (!seen.add(name) || depth > 6) {
                return JSON.createObjectNode().put("$ref", name);
            }
            JsonNode resolved = inline(root.path("components").path("schemas").path(name), seen, depth + 1);
            seen.remove(name);
            return resolved;
        }
        if (!schema.isObject()) {
            return schema;
        }
        ObjectNode copy = JSON.createObjectNode();
        schema.fields().forEachRemaining(f -> copy.set(f.getKey(), f.getValue().isContainerNode() ? inlineAll(f.getValue(), seen, depth) : f.getValue()));
        return copy;
    }

    private JsonNode inlineAll(JsonNode node, Set<String> seen, int depth) {
        if (node.isArray()) {
            var arr = JSON.createArrayNode();
            node.forEach(n -> arr.add(inline(n, seen, depth)));
            return arr;
        }
        if (node.has("$ref") || node.has("type") || node.has("properties")) {
            return inline(node, seen, depth);
        }
        ObjectNode copy = JSON.createObjectNode();
        node.fields().forEachRemaining(f -> copy.set(f.getKey(), inline(f.getValue(), seen, depth)));
        return copy;
    }
}
