package org.llmplayground.preference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.llmplayground.finetune.DemoTasks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The preference demo: the fine-tuning demo's instructions (data/sft-demo, same splits, so no test prompt is trained
 * on), each with its right answer as "chosen" and a plausibly wrong one as "rejected" — the kind of mistake a small
 * model makes: two letters swapped ("htrof" → "htorf"), the word left unsorted, the phrase half upper-cased, a count
 * off by one, a neighbouring word, yes for no. Written as TRL's layout plus a task field, seeded, byte for byte:
 * {@code ./mvnw -q compile exec:java -Dexec.mainClass=org.llmplayground.preference.DemoPreferences -Dexec.args=data/preference-demo}.
 */
public final class DemoPreferences {
    public static final long SEED = 20261203L;
    static final String[] NUMBERS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"};

    /** One pair of the demo. */
    public record Pair(String task, String prompt, String chosen, String rejected) {
    }

    private DemoPreferences() {
    }

    /** train, val and test pairs from the fine-tuning demo's three splits. */
    public static List<List<Pair>> splits() throws IOException {
        Random random = new Random(SEED);
        List<List<Pair>> out = new ArrayList<>();
        for (List<DemoTasks.Item> split : DemoTasks.splits()) {
            List<Pair> pairs = new ArrayList<>();
            for (DemoTasks.Item item : split) {
                pairs.add(new Pair(item.task(), item.instruction(), item.output(), wrong(item, random)));
            }
            out.add(pairs);
        }
        return out;
    }

    /** A wrong answer that looks like the right one; never equal to it. */
    static String wrong(DemoTasks.Item item, Random r) {
        String right = item.output();
        String w = switch (item.task()) {
            case "reverse", "sort" -> r.nextBoolean() ? swapTwo(right, r) : item.instruction().substring(item.instruction().indexOf(':') + 2);
            case "upper" -> {
                String phrase = right.toLowerCase(Locale.ROOT);
                int space = right.indexOf(' ');
                yield space > 0 && r.nextBoolean() ? right.substring(0, space) + phrase.substring(space) : phrase;
            }
            case "count" -> {
                int n = Arrays.asList(NUMBERS).indexOf(right);
                yield NUMBERS[n <= 1 ? n + 1 : r.nextBoolean() ? n - 1 : n + 1];
            }
            case "nth", "last" -> {
                String[] words = item.instruction().substring(item.instruction().indexOf(':') + 2).split(" ");
                List<String> others = Arrays.stream(words).filter(x -> !x.equals(right)).toList();
                yield others.isEmpty() ? right + "s" : others.get(r.nextInt(others.size()));
            }
            case "longer" -> right.equals("yes") ? "no" : "yes";
            default -> throw new IllegalArgumentException(item.task());
        };
        return w.equals(right) ? swapTwo(right, r) : w;
    }

    /** Two neighbouring letters swapped, where they differ ("htrof" → "htorf"); a word of one letter gets it doubled. */
    static String swapTwo(String s, Random r) {
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i + 1 < s.length(); i++) {
            if (s.charAt(i) != s.charAt(i + 1)) {
                at.add(i);
            }
        }
        if (at.isEmpty()) {
            return s + s.charAt(s.length() - 1);
        }
        int i = at.get(r.nextInt(at.size()));
        char[] c = s.toCharArray();
        char t = c[i];
        c[i] = c[i + 1];
        c[i + 1] = t;
        return new String(c);
    }

    public static String jsonl(List<Pair> pairs) {
        ObjectMapper json = new ObjectMapper();
        StringBuilder b = new StringBuilder();
        for (Pair p : pairs) {
            ObjectNode o = json.createObjectNode();
            o.put("task", p.task());
            o.put("prompt", p.prompt());
            o.put("chosen", p.chosen());
            o.put("rejected", p.rejected());
            b.append(o).append('\n');
        }
        return b.toString();
    }

    /** Prompts per task in the prompt set for hand-labelling. */
    static final int PROMPTS_PER_TASK = 3;

    /**
     * The short prompt set for hand-labelling in the A/B interface: the first three validation instructions of each
     * task (21), in task order; never a test prompt, so labelling them leaks nothing into the held-out numbers.
     */
    public static String prompts(List<Pair> val) {
        ObjectMapper json = new ObjectMapper();
        StringBuilder b = new StringBuilder();
        java.util.Map<String, List<Pair>> byTask = new java.util.LinkedHashMap<>();
        for (Pair p : val) {
            byTask.computeIfAbsent(p.task(), k -> new ArrayList<>()).add(p);
        }
        for (List<Pair> task : byTask.values()) {
            for (Pair p : task.subList(0, Math.min(PROMPTS_PER_TASK, task.size()))) {
                ObjectNode o = json.createObjectNode();
                o.put("task", p.task());
                o.put("prompt", p.prompt());
                b.append(o).append('\n');
            }
        }
        return b.toString();
    }

    /** Writes train.jsonl, val.jsonl, test.jsonl and prompts.jsonl into the folder given (default data/preference-demo). */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "data/preference-demo");
        List<List<Pair>> s = splits();
        DemoTasks.writeSplits(dir, s.stream().map(DemoPreferences::jsonl).toList());
        java.nio.file.Files.writeString(dir.resolve("prompts.jsonl"), prompts(s.get(1)));
    }
}
