package org.llmplayground.finetune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.llmplayground.core.BadInputException;
import org.llmplayground.generation.chat.ChatMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads instruction data in the three layouts people share it in, from a JSON array or JSON lines:
 * <pre>
 * Alpaca              {"instruction": "…", "input": "…" (optional), "output": "…", "system": "…" (optional)}
 * OpenAI / ShareGPT   {"messages": [{"role": "user", "content": "…"}, {"role": "assistant", …}]}
 *                     {"conversations": [{"from": "human", "value": "…"}, {"from": "gpt", "value": "…"}]}
 * prompt/completion   {"prompt": "…", "completion": "…"}
 * </pre>
 * A conversation trains on its last assistant message; the turns before it are the prompt. A record that fits no
 * layout, lacks a field or has an empty reply is skipped and named ("record 3: no 'output'"), the others are kept.
 */
public final class SftFormats {
    /** The largest file read (the whole of it is parsed in memory). */
    public static final int MAX_BYTES = 64 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The examples and the records skipped with why (the first 20 reasons). */
    public record Parsed(List<SftExample> examples, long skipped, List<String> problems, String layout) {
    }

    private SftFormats() {
    }

    /** Parses {@code text} (a JSON array, or one JSON object per line) named {@code name} in messages. */
    public static Parsed parse(String name, String text) {
        if (text.length() > MAX_BYTES) {
            throw BadInputException.tooLarge(String.format("%s is larger than %,d MB; fine-tuning sets here are smaller.", name, MAX_BYTES >> 20));
        }
        Records read = records(name, text);
        List<JsonNode> records = read.nodes();
        List<String> places = read.places();
        List<String> problems = read.problems();
        long[] skipped = {read.skipped()};
        List<SftExample> out = new ArrayList<>();
        java.util.Map<String, Integer> layouts = new java.util.TreeMap<>();
        for (int i = 0; i < records.size(); i++) {
            String where = places.get(i);
            try {
                String[] layout = new String[1];
                out.add(example(records.get(i), where, layout));
                layouts.merge(layout[0], 1, Integer::sum);
            } catch (IllegalArgumentException e) {
                skip(problems, skipped, where + ": " + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new BadInputException(name + " has no usable example" + (problems.isEmpty() ? "." : ": " + problems.get(0)
                    + (problems.size() > 1 ? " (and " + (skipped[0] - 1) + " more)" : "") + ". Alpaca records need "
                    + "'instruction' and 'output'; conversations need 'messages' or 'conversations' ending with the assistant; "
                    + "or give 'prompt' and 'completion'."));
        }
        String layout = String.join(" + ", layouts.keySet());
        return new Parsed(out, skipped[0], problems, layout);
    }

    /**
     * A training-data file of the datasets folder as text, refused past {@link #MAX_BYTES} (413) or when absent (404,
     * with {@code notFound}). Shared by the instruction and preference sets.
     */
    public static String readFile(java.nio.file.Path file, String notFound) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw BadInputException.notFound(notFound);
        }
        String name = file.getFileName().toString();
        try {
            if (java.nio.file.Files.size(file) > MAX_BYTES) {
                throw BadInputException.tooLarge(String.format("%s is larger than %,d MB; training sets here are smaller.", name, MAX_BYTES >> 20));
            }
            return java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            throw new BadInputException("Cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    /** The JSON records of a file, where each came from ("line 3", "record 2"), and the lines that were not JSON. */
    public record Records(List<JsonNode> nodes, List<String> places, List<String> problems, long skipped) {
    }

    /**
     * The records of {@code text}: a JSON array, or one JSON object per line (blank lines ignored, a line that is not
     * JSON skipped and named). Shared by every reader of jsonl/json training data (instructions, preferences).
     */
    public static Records records(String name, String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            throw new BadInputException(name + " is empty.");
        }
        List<JsonNode> records = new ArrayList<>();
        List<String> places = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        long[] skipped = {0};
        if (trimmed.startsWith("[")) {
            JsonNode array;
            try {
                array = JSON.readTree(trimmed);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new BadInputException(name + " is not valid JSON: " + e.getOriginalMessage() + ".");
            }
            for (int i = 0; i < array.size(); i++) {
                records.add(array.get(i));
                places.add("record " + (i + 1));
            }
        } else {
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].isBlank()) {
                    continue;
                }
                try {
                    records.add(JSON.readTree(lines[i]));
                    places.add("line " + (i + 1));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    skip(problems, skipped, "line " + (i + 1) + ": not JSON");
                }
            }
        }
        return new Records(records, places, problems, skipped[0]);
    }

    private static void skip(List<String> problems, long[] skipped, String why) {
        skipped[0]++;
        if (problems.size() < 20) {
            problems.add(why);
        }
    }

    static SftExample example(JsonNode r, String where, String[] layout) {
        if (r == null || !r.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        if (r.has("instruction") || r.has("output")) {
            layout[0] = "alpaca";
            String instruction = text(r, "instruction");
            String output = text(r, "output");
            String input = r.has("input") ? optional(r, "input") : "";
            return new SftExample(optional(r, "system"), List.of(ChatMessage.user(instruction)), input, output, where);
        }
        if (r.has("messages") || r.has("conversations")) {
            layout[0] = r.has("messages") ? "messages" : "sharegpt";
            JsonNode list = r.has("messages") ? r.get("messages") : r.get("conversations");
            if (!list.isArray() || list.isEmpty()) {
                throw new IllegalArgumentException("'" + (r.has("messages") ? "messages" : "conversations") + "' is not a list of turns");
            }
            String system = optional(r, "system");
            List<ChatMessage> turns = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                JsonNode m = list.get(i);
                String role = role(m.has("role") ? m.path("role").asText() : m.path("from").asText(), i);
                String content = m.has("content") ? m.path("content").asText() : m.path("value").asText();
                if (role.equals(ChatMessage.SYSTEM)) {
                    system = content;
                } else {
                    turns.add(new ChatMessage(role, content));
                }
            }
            if (turns.isEmpty() || !turns.get(turns.size() - 1).role().equals(ChatMessage.ASSISTANT)) {
                throw new IllegalArgumentException("the conversation does not end with an assistant turn to learn");
            }
            String response = turns.remove(turns.size() - 1).content();
            if (response.isBlank()) {
                throw new IllegalArgumentException("the response is empty");
            }
            if (turns.isEmpty()) {
                throw new IllegalArgumentException("the conversation has no user turn before the assistant's");
            }
            return new SftExample(system, List.copyOf(turns), "", response, where);
        }
        if (r.has("prompt") || r.has("completion")) {
            layout[0] = "prompt/completion";
            return new SftExample(null, List.of(ChatMessage.user(text(r, "prompt"))), "", text(r, "completion"), where);
        }
        throw new IllegalArgumentException("fits no layout (fields: " + String.join(", ", iterable(r.fieldNames())) + ")");
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> out = new ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }

    /** A turn's role as the chat templates name it: user, assistant or system (human, gpt, model, bot accepted). */
    public static String role(String raw, int index) {
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "user", "human" -> ChatMessage.USER;
            case "assistant", "gpt", "model", "bot" -> ChatMessage.ASSISTANT;
            case "system" -> ChatMessage.SYSTEM;
            default -> throw new IllegalArgumentException("turn " + (index + 1) + " has role '" + raw + "' (use user, assistant or system)");
        };
    }

    /** A field that must be present, text and not empty (else the reason, for the record's skip message). */
    public static String text(JsonNode r, String field) {
        JsonNode v = r.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("no '" + field + "'");
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' is not text");
        }
        if (v.asText().isBlank()) {
            throw new IllegalArgumentException("'" + field + "' is empty");
        }
        return v.asText();
    }

    private static String optional(JsonNode r, String field) {
        JsonNode v = r.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }
}
