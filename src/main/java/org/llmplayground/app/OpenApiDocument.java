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

    /**
     * One endpoint: method, path, tag, summary, its request and response bodies with schemas inlined, and an example
     * request body ("" when it takes none) that the REST page offers to send.
     */
    public record Operation(String method, String path, String tag, String summary, String request, String response, String example) {
        /** The request's media type ("application/json", "multipart/form-data"), "" when it takes no body. */
        public String requestType() {
            return request.lines().findFirst().orElse("");
        }

        /** The successful answer's media type, "" when it has no body. */
        public String responseType() {
            return response.lines().findFirst().orElse("");
        }
    }

    /** Hand-written examples for the endpoints a learner tries first; the others get one built from their schema. */
    static final Map<String, String> EXAMPLES = Map.ofEntries(
            Map.entry("POST /api/v1/tokenization/encode", "{\"text\": \"Hello world! Tokenizers split text into pieces.\", \"tokenizer\": \"gpt2\"}"),
            Map.entry("POST /api/v1/tokenization/decode", "{\"ids\": [15496, 995], \"tokenizer\": \"gpt2\"}"),
            Map.entry("POST /api/v1/tokenization/compare", "{\"text\": \"Hello world\", \"tokenizers\": [\"gpt2\", \"cl100k_base\"]}"),
            Map.entry("POST /api/v1/inference/generate", "{\"model\": \"shakespeare-char\", \"prompt\": \"ROMEO:\\n\", \"max_new_tokens\": 60, \"seed\": 1}"),
            Map.entry("POST /api/v1/inference/compare", "{\"model\": \"shakespeare-char\", \"prompt\": \"KING:\\n\", \"strategies\": "
                    + "[{\"strategy\": \"greedy\"}, {\"top_k\": 40, \"seed\": 1}]}"),
            Map.entry("POST /v1/chat/completions", "{\"model\": \"shakespeare-char\", \"messages\": [{\"role\": \"user\", \"content\": "
                    + "\"Who goes there?\"}], \"max_tokens\": 60, \"seed\": 1}"),
            Map.entry("POST /v1/completions", "{\"model\": \"shakespeare-char\", \"prompt\": \"ROMEO:\", \"max_tokens\": 40, \"seed\": 1}"),
            Map.entry("POST /api/v1/training/estimate", "{\"config\": \"quickstart\"}"),
            Map.entry("POST /api/v1/training/jobs/start", "{\"config\": \"debug\", \"name\": \"from the REST page\"}"));

    /** A request body in the shape of {@code schema}: each property with a value of its type (strings "…"). */
    static JsonNode exampleOf(JsonNode schema, int depth) {
        if (depth > 4) {
            return JSON.nullNode();
        }
        if (schema.has("example")) {
            return schema.get("example");
        }
        if (schema.has("enum") && schema.get("enum").size() > 0) {
            return schema.get("enum").get(0);
        }
        switch (schema.path("type").asText(schema.has("properties") ? "object" : "")) {
            case "object" -> {
                ObjectNode o = JSON.createObjectNode();
                schema.path("properties").fields().forEachRemaining(f -> o.set(f.getKey(), exampleOf(f.getValue(), depth + 1)));
                return o;
            }
            case "array" -> {
                return JSON.createArrayNode().add(exampleOf(schema.path("items"), depth + 1));
            }
            case "integer" -> {
                return JSON.getNodeFactory().numberNode(1);
            }
            case "number" -> {
                return JSON.getNodeFactory().numberNode(0.5);
            }
            case "boolean" -> {
                return JSON.getNodeFactory().booleanNode(false);
            }
            case "string" -> {
                return JSON.getNodeFactory().textNode("…");
            }
            default -> {
                return JSON.nullNode();
            }
        }
    }

    public List<Operation> operations() {
        List<Operation> ops = new ArrayList<>();
        root.path("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(m -> {
            JsonNode op = m.getValue();
            JsonNode ok = firstSuccess(op.path("responses"));
            String method = m.getKey().toUpperCase();
            ops.add(new Operation(method, p.getKey(), op.path("tags").path(0).asText(""), op.path("summary").asText(""),
                    schemaText(op.path("requestBody").path("content")), schemaText(ok.path("content")),
                    example(method + " " + p.getKey(), op.path("requestBody").path("content"))));
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

    private String example(String key, JsonNode content) {
        if (EXAMPLES.containsKey(key)) {
            return EXAMPLES.get(key);
        }
        if (content.isMissingNode() || !content.fields().hasNext()) {
            return "";
        }
        JsonNode schema = inline(content.fields().next().getValue().path("schema"), new HashSet<>(), 0);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(exampleOf(schema, 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
