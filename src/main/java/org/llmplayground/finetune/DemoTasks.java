package org.llmplayground.finetune;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * The fine-tuning demo's instruction set: seven small tasks whose answers can be checked exactly, so "did the
 * fine-tuned model learn to follow instructions?" is a number (exact-match accuracy), not an impression.
 * <pre>
 *   reverse   Reverse the word: crown                          → nworc
 *   sort      Sort the letters: moth                           → hmot
 *   upper     Upper-case: gentle rain                          → GENTLE RAIN
 *   count     Count the words: the old king sleeps             → four
 *   nth       Word number two of: bright stars fall slowly     → stars
 *   last      Last word of: the old king sleeps               → sleeps
 *   longer    Does the word candle have more than five letters? → yes
 * </pre>
 * Reversing and sorting use words of at most five letters, upper-casing one or two words, the n-th word sentences of
 * two to four words: letter-by-letter work is what a tiny character model learns slowest.
 * Everything is written with the characters of the bundled shakespeare-char model (letters, space and a few marks;
 * no digits), so that model can be the base. The same seed always gives the same files; the split is by prompt, so
 * no test prompt is seen in training. Regenerate with
 * {@code ./mvnw -q compile exec:java -Dexec.mainClass=org.llmplayground.finetune.DemoTasks -Dexec.args=data/sft-demo}.
 */
public final class DemoTasks {
    public static final long SEED = 20261202L;
    public static final int TRAIN = 6000;
    public static final int VAL = 200;
    public static final int TEST = 200;
    /** Where the words come from: the 400 most frequent lower-case words of 3 to 7 letters in Tiny Shakespeare. */
    static final Path SHAKESPEARE = Path.of("data/tinyshakespeare/input.txt");
    static final String[] NUMBERS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"};
    static final String[] ORDINAL = {"", "one", "two", "three", "four", "five"};
    public static final List<String> TASKS = List.of("reverse", "sort", "upper", "count", "nth", "last", "longer");

    /** One example: the task it belongs to, the instruction and the one right answer. */
    public record Item(String task, String instruction, String output) {
    }

    private DemoTasks() {
    }

    /** {@code n} distinct examples, the tasks in turn, drawn from {@code random}; prompts in {@code seen} are skipped. */
    static List<Item> draw(String[][] words, Random random, int n, Set<String> seen) {
        List<Item> out = new ArrayList<>();
        for (int i = 0; out.size() < n; i++) {
            Item item = item(words, TASKS.get(i % TASKS.size()), random);
            if (seen.add(item.instruction())) {
                out.add(item);
            }
        }
        return out;
    }

    /** @param pools the common words (400) and the short words for reverse and sort (1,000) */
    static Item item(String[][] pools, String task, Random r) {
        String[] words = pools[0];
        return switch (task) {
            case "reverse" -> {
                String w = shortWord(pools[1], r);
                yield new Item(task, "Reverse the word: " + w, new StringBuilder(w).reverse().toString());
            }
            case "sort" -> {
                String w = shortWord(pools[1], r);
                char[] c = w.toCharArray();
                java.util.Arrays.sort(c);
                yield new Item(task, "Sort the letters: " + w, new String(c));
            }
            case "upper" -> {
                String p = phrase(words, r, 1 + r.nextInt(2));
                yield new Item(task, "Upper-case: " + p, p.toUpperCase(Locale.ROOT));
            }
            case "count" -> {
                int n = 1 + r.nextInt(5);
                yield new Item(task, "Count the words: " + phrase(words, r, n), NUMBERS[n]);
            }
            case "nth" -> {
                int n = 2 + r.nextInt(3);
                String[] picked = phrase(words, r, n).split(" ");
                int k = 1 + r.nextInt(n);
                yield new Item(task, "Word number " + ORDINAL[k] + " of: " + String.join(" ", picked), picked[k - 1]);
            }
            case "last" -> {
                String p = phrase(words, r, 2 + r.nextInt(4));
                yield new Item(task, "Last word of: " + p, p.substring(p.lastIndexOf(' ') + 1));
            }
            case "longer" -> {
                String w = word(words, r);
                int n = 3 + r.nextInt(4);
                yield new Item(task, "Does the word " + w + " have more than " + NUMBERS[n] + " letters?", w.length() > n ? "yes" : "no");
            }
            default -> throw new IllegalArgumentException(task);
        };
    }

    private static String word(String[] words, Random r) {
        return words[r.nextInt(words.length)];
    }

    /**
     * A word for reversing and sorting: letter-by-letter work, hard for a tiny model, so at most five letters, and
     * from a wider pool (the 1,000 most frequent of 3 to 5 letters) than the other tasks: with only the short words
     * of the 400, there were about 200 distinct prompts per task and the model learned them rather than the rule.
     */
    private static String shortWord(String[] shortWords, Random r) {
        return word(shortWords, r);
    }

    private static String phrase(String[] words, Random r, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(word(words, r));
        }
        return String.join(" ", out);
    }

    /** The 400 most frequent words of 3 to 7 lower-case letters in {@code text} (ties: alphabetical). */
    static String[] words(String text) {
        return words(text, 3, 7, 400);
    }

    /** The {@code limit} most frequent words of {@code min} to {@code max} lower-case letters (ties: alphabetical). */
    static String[] words(String text, int min, int max, int limit) {
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[A-Za-z]+").matcher(text);
        while (m.find()) {
            String w = m.group();
            if (w.length() >= min && w.length() <= max && w.equals(w.toLowerCase(Locale.ROOT))) {
                counts.merge(w, 1, Integer::sum);
            }
        }
        return counts.entrySet().stream()
                .sorted(java.util.Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(java.util.Map.Entry.comparingByKey()))
                .limit(limit).map(java.util.Map.Entry::getKey).toArray(String[]::new);
    }

    /** The three splits: test first (so its prompts are fixed), then val and train without any prompt of those. */
    public static List<List<Item>> splits() throws IOException {
        String text = Files.readString(SHAKESPEARE);
        String[][] words = {words(text), words(text, 3, 5, 1000)};
        Random random = new Random(SEED);
        Set<String> seen = new LinkedHashSet<>();
        List<Item> test = draw(words, random, TEST, seen);
        List<Item> val = draw(words, random, VAL, seen);
        List<Item> train = draw(words, random, TRAIN, seen);
        return List.of(train, val, test);
    }

    /** One split as Alpaca JSON lines ({"task", "instruction", "input", "output"}), the layout SftFormats reads. */
    public static String jsonl(List<Item> items) {
        ObjectMapper json = new ObjectMapper();
        StringBuilder b = new StringBuilder();
        for (Item i : items) {
            ObjectNode o = json.createObjectNode();
            o.put("task", i.task());
            o.put("instruction", i.instruction());
            o.put("input", "");
            o.put("output", i.output());
            b.append(o).append('\n');
        }
        return b.toString();
    }

    /** Writes train.jsonl, val.jsonl and test.jsonl into the folder given (default data/sft-demo). */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "data/sft-demo");
        List<List<Item>> s = splits();
        writeSplits(dir, s.stream().map(DemoTasks::jsonl).toList());
    }

    /** Writes three JSON-lines texts as train.jsonl, val.jsonl and test.jsonl into {@code dir} (created). */
    public static void writeSplits(Path dir, List<String> trainValTest) throws IOException {
        Files.createDirectories(dir);
        String[] names = {"train", "val", "test"};
        for (int i = 0; i < 3; i++) {
            Files.writeString(dir.resolve(names[i] + ".jsonl"), trainValTest.get(i));
        }
    }
}
