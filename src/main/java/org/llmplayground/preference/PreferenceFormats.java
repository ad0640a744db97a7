package org.llmplayground.preference;

import com.fasterxml.jackson.databind.JsonNode;
import org.llmplayground.core.BadInputException;
import org.llmplayground.finetune.SftFormats;
import org.llmplayground.generation.chat.ChatMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads preference pairs in the three layouts they are shared in, from a JSON array or JSON lines:
 * <pre>
 * trl       {"prompt": "…", "chosen": "…", "rejected": "…"}          (TRL's standard layout; the answers may also be
 *                                                                     lists of messages, the last one is the answer)
 * sharegpt  {"conversations": [{"from": "human", "value": "…"}, …],
 *            "chosen": {"from": "gpt", "value": "…"}, "rejected": {…}} (LLaMA-Factory's dpo_en_demo)
 * hh-rlhf   {"chosen": "\n\nHuman: …\n\nAssistant: …", "rejected": "\n\nHuman: …\n\nAssistant: …"}
 *                                                                     (Anthropic HH-RLHF: two whole dialogues)
 * </pre>
 * HH-RLHF dialogues share everything up to the last "\n\nAssistant:" that both contain at the same place: that
 * prefix is the prompt (its Human/Assistant turns), the rest of each the answer. A record with a missing field, an
 * empty answer or two identical answers is skipped and named by line; the others are kept.
 */
public final class PreferenceFormats {
    public static final List<String> FORMATS = List.of("trl", "sharegpt", "hh-rlhf");
    static final String HUMAN = "\n\nHuman:";
    static final String ASSISTANT = "\n\nAssistant:";

    /** One skipped record: where, and why. */
    @io.micronaut.serde.annotation.Serdeable
    public record Skipped(String line, String reason) {
    }

    /** The pairs read and the records skipped (all of them). */
    public record Parsed(List<PreferencePair> pairs, List<Skipped> skipped) {
    }

    private PreferenceFormats() {
    }

    public static Parsed parse(String name, String text, String format) {
        if (!FORMATS.contains(format)) {
            throw new BadInputException("format must be trl, sharegpt or hh-rlhf (got '" + format + "').");
        }
        if (text.length() > SftFormats.MAX_BYTES) {
            throw BadInputException.tooLarge(String.format("%s is larger than %,d MB.", name, SftFormats.MAX_BYTES >> 20));
        }
        SftFormats.Records records = SftFormats.records(name, text);
        List<Skipped> skipped = new ArrayList<>();
        for (String problem : records.problems()) {
            int colon = problem.indexOf(':');
            skipped.add(new Skipped(problem.substring(0, colon), problem.substring(colon + 1).strip()));
        }
        List<PreferencePair> pairs = new ArrayList<>();
        for (int i = 0; i < records.nodes().size(); i++) {
            String where = records.places().get(i);
            try {
                JsonNode r = records.nodes().get(i);
                if (r == null || !r.isObject()) {
                    throw new IllegalArgumentException("not a JSON object");
                }
                PreferencePair p = switch (format) {
                    case "trl" -> trl(r, where);
                    case "sharegpt" -> sharegpt(r, where);
                    default -> hh(r, where);
                };
                if (p.chosen().strip().equals(p.rejected().strip())) {
                    throw new IllegalArgumentException("the chosen and rejected answers are the same");
                }
                pairs.add(p);
            } catch (IllegalArgumentException e) {
                skipped.add(new Skipped(where, e.getMessage()));
            }
        }
        if (pairs.isEmpty()) {
            throw new BadInputException(name + " has no usable " + format + " pair" + (skipped.isEmpty() ? "." : ": "
                    + skipped.get(0).line() + ": " + skipped.get(0).reason() + (skipped.size() > 1 ? " (and " + (skipped.size() - 1) + " more)." : ".")));
        }
        return new Parsed(pairs, skipped);
    }

    static PreferencePair trl(JsonNode r, String where) {
        JsonNode prompt = r.get("prompt");
        List<ChatMessage> turns = new ArrayList<>();
        String system = null;
        if (prompt != null && prompt.isArray()) { // conversational: a list of messages
            for (int i = 0; i < prompt.size(); i++) {
                JsonNode m = prompt.get(i);
                String role = SftFormats.role(m.path("role").asText(), i);
                if (role.equals(ChatMessage.SYSTEM)) {
                    system = m.path("content").asText();
                } else {
                    turns.add(new ChatMessage(role, m.path("content").asText()));
                }
            }
        } else {
            turns.add(ChatMessage.user(SftFormats.text(r, "prompt")));
        }
        if (turns.isEmpty()) {
            throw new IllegalArgumentException("'prompt' has no user turn");
        }
        return new PreferencePair(system, turns, answer(r, "chosen"), answer(r, "rejected"), where);
    }

    /** A field that is text, or a list of messages whose last one is the answer. */
    private static String answer(JsonNode r, String field) {
        JsonNode v = r.get(field);
        if (v != null && v.isArray() && !v.isEmpty()) {
            String content = v.get(v.size() - 1).path("content").asText("");
            if (content.isBlank()) {
                throw new IllegalArgumentException("'" + field + "' is empty");
            }
            return content;
        }
        return SftFormats.text(r, field);
    }

    static PreferencePair sharegpt(JsonNode r, String where) {
        JsonNode list = r.get("conversations");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException("no 'conversations' list");
        }
        String system = r.hasNonNull("system") ? r.get("system").asText() : null;
        List<ChatMessage> turns = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode m = list.get(i);
            String role = SftFormats.role(m.has("from") ? m.path("from").asText() : m.path("role").asText(), i);
            String content = m.has("value") ? m.path("value").asText() : m.path("content").asText();
            if (role.equals(ChatMessage.SYSTEM)) {
                system = content;
            } else {
                turns.add(new ChatMessage(role, content));
            }
        }
        if (turns.isEmpty() || !turns.get(turns.size() - 1).role().equals(ChatMessage.USER)) {
            throw new IllegalArgumentException("the conversation does not end with a user turn to answer");
        }
        return new PreferencePair(system, turns, message(r, "chosen"), message(r, "rejected"), where);
    }

    private static String message(JsonNode r, String field) {
        JsonNode v = r.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("no '" + field + "'");
        }
        String content = v.isTextual() ? v.asText() : v.has("value") ? v.path("value").asText() : v.path("content").asText();
        if (content.isBlank()) {
            throw new IllegalArgumentException("'" + field + "' is empty");
        }
        return content;
    }

    /**
     * Splits two HH-RLHF dialogues at the last "\n\nAssistant:" they share: e.g. chosen "\n\nHuman: Hi\n\nAssistant:
     * Hello!" and rejected "\n\nHuman: Hi\n\nAssistant: Go away." give the prompt [user "Hi"] and the answers
     * "Hello!" and "Go away.".
     */
    static PreferencePair hh(JsonNode r, String where) {
        String chosen = SftFormats.text(r, "chosen");
        String rejected = SftFormats.text(r, "rejected");
        int common = 0;
        while (common < chosen.length() && common < rejected.length() && chosen.charAt(common) == rejected.charAt(common)) {
            common++;
        }
        int cut = chosen.lastIndexOf(ASSISTANT, common - ASSISTANT.length());
        if (cut < 0 || common < cut + ASSISTANT.length()) {
            throw new IllegalArgumentException("the two dialogues share no \"\\n\\nAssistant:\" turn to answer");
        }
        String prompt = chosen.substring(0, cut);
        String a = chosen.substring(cut + ASSISTANT.length()).strip();
        String b = rejected.substring(cut + ASSISTANT.length()).strip();
        if (a.isEmpty() || b.isEmpty()) {
            throw new IllegalArgumentException("'" + (a.isEmpty() ? "chosen" : "rejected") + "' has an empty last answer");
        }
        return new PreferencePair(null, turns(prompt), a, b, where);
    }

    /** "\n\nHuman: a\n\nAssistant: b\n\nHuman: c" → user a, assistant b, user c. */
    static List<ChatMessage> turns(String dialogue) {
        List<ChatMessage> out = new ArrayList<>();
        int i = 0;
        while (i < dialogue.length()) {
            boolean human = dialogue.startsWith(HUMAN, i);
            boolean assistant = dialogue.startsWith(ASSISTANT, i);
            if (!human && !assistant) {
                throw new IllegalArgumentException("the dialogue does not start with \"\\n\\nHuman:\"");
            }
            int start = i + (human ? HUMAN : ASSISTANT).length();
            int next = nextTurn(dialogue, start);
            out.add(new ChatMessage(human ? ChatMessage.USER : ChatMessage.ASSISTANT, dialogue.substring(start, next).strip()));
            i = next;
        }
        if (out.isEmpty() || !out.get(out.size() - 1).role().equals(ChatMessage.USER)) {
            throw new IllegalArgumentException("the prompt does not end with a Human turn");
        }
        return out;
    }

    private static int nextTurn(String s, int from) {
        int h = s.indexOf(HUMAN, from);
        int a = s.indexOf(ASSISTANT, from);
        int next = h < 0 ? a : a < 0 ? h : Math.min(h, a);
        return next < 0 ? s.length() : next;
    }

}
