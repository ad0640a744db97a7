package org.llmplayground.evaluation.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Jdbc;

import javax.sql.DataSource;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Benchmarks a user makes: jsonl, one item per line, of one kind —
 * <pre>
 *   multiple_choice  {"question": "2 + 2 =", "choices": ["3", "4"], "answer": 1}      (answer: index or the choice's text)
 *   generation       {"question": "Capital of France?", "reference": "Paris"}        ("references": [...] for several)
 *   perplexity       {"text": "Any text whose perplexity is wanted."}
 * </pre>
 * A line with {@code "fewshot": true} is a few-shot example, not a test item. Prompts follow lm-eval's generic QA
 * template, "Question: {question}\nAnswer:", multiple choice continues with " " + choice and is scored by
 * log-likelihood like MMLU, generation is greedy until a blank line and scored with the benchmark's metric. Every
 * upload of a name is a new version (1, 2, …); a run records the version it ran and keeps using it when continued.
 */
@Singleton
public class CustomBenchmarks {
    public static final List<String> KINDS = List.of("multiple_choice", "generation", "perplexity");
    public static final String TEMPLATE = "Question: {question}\nAnswer:";
    /** lm-eval's default fewshot_random_seed. */
    public static final long FEWSHOT_SEED = 1234;
    static final int MAX_ITEMS = 10_000;
    static final int MAX_LINE = 50_000;
    static final int MAX_CHOICES = 26;
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,59}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Jdbc jdbc;

    public CustomBenchmarks(DataSource dataSource, io.micronaut.jdbc.DataSourceResolver resolver) {
        this.jdbc = new Jdbc(resolver.resolve(dataSource), "Custom benchmarks");
    }

    /** One version of a benchmark (its items only in {@link #items}). */
    @Serdeable
    public record Benchmark(String name, int version, String kind, @Nullable String metric, @Nullable String description, int items,
                            Instant createdAt) {
    }

    /** One line: a test item or a few-shot example. */
    public record Item(String question, List<String> choices, int answer, List<String> references, String text, boolean fewshot) {
    }

    /**
     * Checks every line, then stores the benchmark as the next version of its name.
     *
     * @param reserved task names that exist already (the built-ins), refused as names
     */
    public Benchmark create(String name, String kind, @Nullable String metric, @Nullable String description, String jsonl,
                            Set<String> reserved, List<String> metrics) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new BadInputException("Name the benchmark with a lower-case letter then letters, digits or _ (at most 60), e.g. "
                    + "'capitals_quiz' (got '" + name + "').");
        }
        if (reserved.contains(name) || name.startsWith("mmlu")) {
            throw new BadInputException("'" + name + "' is a built-in task's name; choose another.");
        }
        if (kind == null || !KINDS.contains(kind)) {
            throw new BadInputException("'kind' must be one of " + String.join(", ", KINDS) + " (got '" + kind + "').");
        }
        if (kind.equals("generation")) {
            if (metric == null || !metrics.contains(metric)) {
                throw new BadInputException("A generation benchmark needs 'metric', one of " + String.join(", ", metrics) + " (got '" + metric + "').");
            }
        } else if (metric != null && !metric.isBlank()) {
            throw new BadInputException("'metric' is for generation benchmarks; " + kind + " is scored by "
                    + (kind.equals("perplexity") ? "perplexity." : "log-likelihood (acc)."));
        } else {
            metric = null;
        }
        if (description != null && description.length() > 500) {
            throw new BadInputException("The description has " + description.length() + " characters; at most 500.");
        }
        List<Item> items = parse(kind, jsonl);
        ArrayNode array = JSON.createArrayNode();
        for (Item i : items) {
            ObjectNode o = array.addObject();
            o.put("question", i.question());
            i.choices().forEach(o.putArray("choices")::add);
            o.put("answer", i.answer());
            i.references().forEach(o.putArray("references")::add);
            o.put("text", i.text());
            o.put("fewshot", i.fewshot());
        }
        int tests = (int) items.stream().filter(i -> !i.fewshot()).count();
        String m = metric;
        synchronized (this) {
            int version = latest(name).map(b -> b.version() + 1).orElse(1);
            jdbc.update("insert into evaluation_benchmark (name, version, kind, metric, description, items, item_count, created_at) "
                    + "values (?,?,?,?,?,?,?,?)", ps -> {
                ps.setString(1, name);
                ps.setInt(2, version);
                ps.setString(3, kind);
                ps.setString(4, m);
                ps.setString(5, description == null || description.isBlank() ? null : description);
                ps.setString(6, array.toString());
                ps.setInt(7, tests);
                ps.setTimestamp(8, Timestamp.from(Instant.now()));
            });
            return find(name, version).orElseThrow();
        }
    }

    /** Parses and checks jsonl of {@code kind}; a bad line is named with its number and what is wrong. */
    public static List<Item> parse(String kind, String jsonl) {
        if (jsonl == null || jsonl.isBlank()) {
            throw new BadInputException("The benchmark is empty: give one JSON object per line.");
        }
        List<Item> out = new ArrayList<>();
        String[] lines = jsonl.split("\r?\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty()) {
                continue;
            }
            String at = "Line " + (n + 1) + ": ";
            if (line.length() > MAX_LINE) {
                throw new BadInputException(String.format("%sit has %,d characters; at most %,d.", at, line.length(), MAX_LINE));
            }
            if (out.size() >= MAX_ITEMS) {
                throw new BadInputException(String.format("At most %,d items per benchmark.", MAX_ITEMS));
            }
            JsonNode o;
            try {
                o = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new BadInputException(at + "not JSON (" + e.getOriginalMessage() + ").");
            }
            if (o == null || !o.isObject()) {
                throw new BadInputException(at + "give a JSON object, e.g. " + example(kind) + ".");
            }
            boolean fewshot = o.path("fewshot").asBoolean(false);
            out.add(switch (kind) {
                case "multiple_choice" -> choice(o, at, fewshot);
                case "generation" -> generation(o, at, fewshot);
                default -> {
                    String text = o.path("text").isTextual() ? o.get("text").asText() : "";
                    if (text.isEmpty()) {
                        throw new BadInputException(at + "'text' is missing or empty.");
                    }
                    yield new Item("", List.of(), -1, List.of(), text, false);
                }
            });
        }
        if (out.stream().allMatch(Item::fewshot)) {
            throw new BadInputException("The benchmark has no test items (" + out.size() + " lines, all few-shot examples).");
        }
        return out;
    }

    /** Longest text of a perplexity benchmark made from a corpus. */
    public static final int CHUNK = 20_000;

    /** A long text cut into pieces of at most {@link #CHUNK} characters, at a line end where there is one. */
    public static List<String> chunks(String text) {
        List<String> out = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int end = Math.min(text.length(), at + CHUNK);
            if (end < text.length()) {
                int nl = text.lastIndexOf('\n', end - 1);
                if (nl > at) {
                    end = nl + 1;
                }
            }
            if (!text.substring(at, end).isBlank()) {
                out.add(text.substring(at, end));
            }
            at = end;
        }
        if (out.isEmpty()) {
            throw new BadInputException("The corpus has no text.");
        }
        return out;
    }

    private static String example(String kind) {
        return switch (kind) {
            case "multiple_choice" -> "{\"question\": \"2 + 2 =\", \"choices\": [\"3\", \"4\"], \"answer\": 1}";
            case "generation" -> "{\"question\": \"Capital of France?\", \"reference\": \"Paris\"}";
            default -> "{\"text\": \"…\"}";
        };
    }

    private static String question(JsonNode o, String at) {
        JsonNode q = o.has("question") ? o.get("question") : o.get("prompt");
        if (q == null || !q.isTextual() || q.asText().isBlank()) {
            throw new BadInputException(at + "'question' is missing or empty.");
        }
        return q.asText();
    }

    private static Item choice(JsonNode o, String at, boolean fewshot) {
        String q = question(o, at);
        JsonNode cs = o.get("choices");
        if (cs == null || !cs.isArray() || cs.size() < 2 || cs.size() > MAX_CHOICES) {
            throw new BadInputException(at + "'choices' must be a list of 2 to " + MAX_CHOICES + " texts.");
        }
        List<String> choices = new ArrayList<>();
        for (JsonNode c : cs) {
            if (!c.isTextual() || c.asText().isEmpty()) {
                throw new BadInputException(at + "every choice must be a non-empty text.");
            }
            choices.add(c.asText());
        }
        JsonNode a = o.get("answer");
        int answer;
        if (a != null && a.isIntegralNumber()) {
            answer = a.asInt();
            if (answer < 0 || answer >= choices.size()) {
                throw new BadInputException(at + "'answer' " + answer + " is outside the " + choices.size() + " choices (0–"
                        + (choices.size() - 1) + ").");
            }
        } else if (a != null && a.isTextual()) {
            answer = choices.indexOf(a.asText());
            if (answer < 0) {
                throw new BadInputException(at + "'answer' \"" + a.asText() + "\" is not one of the choices.");
            }
        } else {
            throw new BadInputException(at + "'answer' is missing: the index of the right choice (0 = first) or its text.");
        }
        return new Item(q, List.copyOf(choices), answer, List.of(), "", fewshot);
    }

    private static Item generation(JsonNode o, String at, boolean fewshot) {
        String q = question(o, at);
        List<String> refs = new ArrayList<>();
        if (o.path("reference").isTextual()) {
            refs.add(o.get("reference").asText());
        }
        if (o.path("references").isArray()) {
            o.get("references").forEach(r -> refs.add(r.asText()));
        }
        if (refs.isEmpty() || refs.stream().allMatch(String::isBlank)) {
            throw new BadInputException(at + "give 'reference' (a text) or 'references' (a list of texts).");
        }
        if (refs.size() > 16) {
            throw new BadInputException(at + "at most 16 references.");
        }
        return new Item(q, List.of(), -1, List.copyOf(refs), "", fewshot);
    }

    public Optional<Benchmark> latest(String name) {
        return jdbc.list("select name, version, kind, metric, description, item_count, created_at from evaluation_benchmark where name=? "
                + "order by version desc limit 1", Jdbc.strings(name), CustomBenchmarks::benchmark).stream().findFirst();
    }

    public Optional<Benchmark> find(String name, int version) {
        return jdbc.list("select name, version, kind, metric, description, item_count, created_at from evaluation_benchmark where name=? "
                + "and version=?", ps -> {
            ps.setString(1, name);
            ps.setInt(2, version);
        }, CustomBenchmarks::benchmark).stream().findFirst();
    }

    /** Every version of every benchmark, by name then newest version first. */
    public List<Benchmark> list() {
        return jdbc.list("select name, version, kind, metric, description, item_count, created_at from evaluation_benchmark "
                + "order by name, version desc", ps -> {
        }, CustomBenchmarks::benchmark);
    }

    /** The latest version of each name. */
    public List<Benchmark> latestAll() {
        List<Benchmark> out = new ArrayList<>();
        for (Benchmark b : list()) {
            if (out.isEmpty() || !out.get(out.size() - 1).name().equals(b.name())) {
                out.add(b);
            }
        }
        return out;
    }

    /** The items of one version, in file order. */
    public List<Item> items(String name, int version) {
        List<String> json = jdbc.list("select items from evaluation_benchmark where name=? and version=?", ps -> {
            ps.setString(1, name);
            ps.setInt(2, version);
        }, rs -> rs.getString(1));
        if (json.isEmpty()) {
            throw BadInputException.notFound("No benchmark '" + name + "' version " + version + ".");
        }
        List<Item> out = new ArrayList<>();
        try {
            for (JsonNode o : JSON.readTree(json.get(0))) {
                List<String> choices = new ArrayList<>();
                o.path("choices").forEach(c -> choices.add(c.asText()));
                List<String> refs = new ArrayList<>();
                o.path("references").forEach(c -> refs.add(c.asText()));
                out.add(new Item(o.get("question").asText(), choices, o.get("answer").asInt(), refs, o.get("text").asText(),
                        o.get("fewshot").asBoolean()));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored benchmark " + name + " v" + version + " is unreadable", e);
        }
        return out;
    }

    /**
     * The test items of a multiple-choice benchmark as {@link McItem}s, each with k few-shot examples drawn without
     * repeats from the few-shot lines (or, when there are none, from the other test items), by a random seeded with
     * {@link #FEWSHOT_SEED} and the item's number: the same prompt every run, whichever items run first.
     * <pre>
     *   Question: 1 + 1 =\nAnswer: 2\n\nQuestion: 2 + 2 =\nAnswer:      continuations " 3", " 4"
     * </pre>
     */
    public static List<McItem> multipleChoice(List<Item> all, int k) {
        List<Item> tests = all.stream().filter(i -> !i.fewshot()).toList();
        List<McItem> out = new ArrayList<>();
        for (int d = 0; d < tests.size(); d++) {
            Item i = tests.get(d);
            String context = shots(all, tests, d, k, e -> e.choices().get(e.answer())) + prompt(i.question());
            out.add(new McItem(d, context, i.choices(), i.choices().stream().map(c -> " " + c).toList(), i.answer(), null));
        }
        return out;
    }

    /** A generation item's prompt with k few-shot examples (answered with their first reference). */
    public static String generationPrompt(List<Item> all, int d, int k) {
        List<Item> tests = all.stream().filter(i -> !i.fewshot()).toList();
        return shots(all, tests, d, k, e -> e.references().get(0)) + prompt(tests.get(d).question());
    }

    static String prompt(String question) {
        return TEMPLATE.replace("{question}", question);
    }

    private static String shots(List<Item> all, List<Item> tests, int d, int k, java.util.function.Function<Item, String> answer) {
        if (k == 0) {
            return "";
        }
        List<Item> pool = new ArrayList<>(all.stream().filter(Item::fewshot).toList());
        if (pool.isEmpty()) {
            pool.addAll(tests);
            pool.remove(d);
        }
        if (k > pool.size()) {
            throw new BadInputException("num_fewshot " + k + " is more than the " + pool.size() + " examples there are to draw from.");
        }
        java.util.Collections.shuffle(pool, new Random(FEWSHOT_SEED * 1_000_003L + d));
        StringBuilder b = new StringBuilder();
        for (Item e : pool.subList(0, k)) {
            b.append(prompt(e.question())).append(' ').append(answer.apply(e)).append("\n\n");
        }
        return b.toString();
    }

    private static Benchmark benchmark(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Benchmark(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getInt(6),
                Jdbc.instant(rs.getTimestamp(7)));
    }
}
