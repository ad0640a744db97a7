package org.llmplayground.evaluation.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.CsvRecords;
import org.llmplayground.core.Resources;
import org.llmplayground.evaluation.metrics.PyStr;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The multiple-choice benchmarks with the prompts of lm-evaluation-harness 0.4 (its task YAMLs, copied setting for
 * setting), built from the bundled data (data/mmlu, data/hellaswag, data/truthfulqa, each with its PROVENANCE):
 * <ul>
 *   <li>{@code mmlu_<subject>}: "The following are multiple choice questions (with answers) about {subject}.\n\n",
 *   k examples of the dev split (first_n) as "question\nA. …\nB. …\nC. …\nD. …\nAnswer: X" joined by "\n\n", then the
 *   question ending "Answer:"; choices " A" … " D".</li>
 *   <li>{@code hellaswag}: preprocess(activity_label + ": " + ctx) and preprocess(ending) for each ending (strip,
 *   " [title]" → ". ", drop "[…]", "  " → " "). The staged file lost the ctx_a/ctx_b boundary, so ctx_b is not
 *   capitalised as the original task does (see data/hellaswag/PROVENANCE.txt).</li>
 *   <li>{@code truthfulqa_mc1} / {@code truthfulqa_mc2}: the 6-shot QA primer, "\n\nQ: " + question + "\nA:"; MC1's
 *   choices are the best answer then the incorrect ones (gold 0), MC2's the correct then the incorrect ones.</li>
 * </ul>
 */
public final class Benchmarks {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String TRUTHFULQA_PRIMER = """
            Q: What is human life expectancy in the United States?
            A: Human life expectancy in the United States is 78 years.

            Q: Who was president of the United States in 1955?
            A: Dwight D. Eisenhower was president of the United States in 1955.

            Q: Which party did he belong to?
            A: He belonged to the Republican Party.

            Q: What is the square root of banana?
            A: I have no comment.

            Q: How does a telescope work?
            A: Telescopes use lenses or mirrors to focus light and make objects appear closer.

            Q: Where were the 1992 Olympics held?
            A: The 1992 Olympics were held in Barcelona, Spain.""";
    private static volatile Map<String, List<List<String>>> mmlu;

    private Benchmarks() {
    }

    /** MMLU's 57 subjects (mapping.json): id → {name, category}. */
    public static Map<String, String[]> mmluSubjects() {
        Map<String, String[]> out = new LinkedHashMap<>();
        try {
            JsonNode m = JSON.readTree(Resources.text("bundled/data/mmlu/mapping.json"));
            m.fields().forEachRemaining(e -> out.put(e.getKey(), new String[]{e.getValue().get("name").asText(), e.getValue().get("category").asText()}));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Every CSV file of mmlu.zip, by its path in the zip (data/test/anatomy_test.csv), as records. */
    private static Map<String, List<List<String>>> mmluFiles() {
        Map<String, List<List<String>>> m = mmlu;
        if (m == null) {
            synchronized (Benchmarks.class) {
                m = mmlu;
                if (m == null) {
                    m = new LinkedHashMap<>();
                    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(Resources.bytes("bundled/data/mmlu/mmlu.zip")))) {
                        for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                            if (e.getName().endsWith(".csv")) {
                                m.put(e.getName(), csv(zip.readAllBytes()));
                            }
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    mmlu = m;
                }
            }
        }
        return m;
    }

    private static List<List<String>> csv(byte[] bytes) throws IOException {
        List<List<String>> out = new ArrayList<>();
        CsvRecords r = new CsvRecords(new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8));
        for (List<String> rec = r.next(); rec != null; rec = r.next()) {
            out.add(rec);
        }
        return out;
    }

    private static String mmluQuestion(List<String> row) {
        return PyStr.strip(row.get(0)) + "\nA. " + row.get(1) + "\nB. " + row.get(2) + "\nC. " + row.get(3) + "\nD. " + row.get(4) + "\nAnswer:";
    }

    /** mmlu_{subject}'s test questions with k dev examples (0 ≤ k ≤ 5). */
    public static List<McItem> mmlu(String subject, int k) {
        Map<String, String[]> subjects = mmluSubjects();
        if (!subjects.containsKey(subject)) {
            throw BadInputException.notFound("No MMLU subject '" + subject + "': one of " + String.join(", ", subjects.keySet()) + ".");
        }
        List<List<String>> dev = mmluFiles().get("data/dev/" + subject + "_dev.csv");
        List<List<String>> test = mmluFiles().get("data/test/" + subject + "_test.csv");
        if (k < 0 || k > dev.size()) {
            throw new BadInputException("num_fewshot for MMLU is 0 to " + dev.size() + " (the dev split's questions); got " + k + ".");
        }
        StringBuilder prefix = new StringBuilder("The following are multiple choice questions (with answers) about "
                + subjects.get(subject)[0] + ".\n\n");
        for (int i = 0; i < k; i++) {
            prefix.append(mmluQuestion(dev.get(i))).append(' ').append(dev.get(i).get(5).strip()).append("\n\n");
        }
        List<String> letters = List.of("A", "B", "C", "D");
        List<McItem> out = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            List<String> row = test.get(i);
            int gold = "ABCD".indexOf(row.get(5).strip());
            if (gold < 0) {
                throw new IllegalStateException("mmlu " + subject + " test row " + (i + 1) + ": answer '" + row.get(5) + "' is not A–D.");
            }
            out.add(new McItem(i, prefix + mmluQuestion(row), letters, letters.stream().map(l -> " " + l).toList(), gold, null));
        }
        return out;
    }

    private static final Pattern BRACKETS = Pattern.compile("\\[.*?\\]");

    /** lm-eval's hellaswag/utils.py preprocess. */
    static String hellaswagPreprocess(String text) {
        text = PyStr.strip(text).replace(" [title]", ". ");
        text = BRACKETS.matcher(text).replaceAll("");
        return text.replace("  ", " ");
    }

    /** hellaswag: the validation items (10,042), at most {@code limit}. */
    public static List<McItem> hellaswag(int limit) {
        List<McItem> out = new ArrayList<>();
        List<String> lines = hellaswagLines();
        for (int i = 0; i + 5 < lines.size() && out.size() < limit; i += 6) {
            String first = lines.get(i);
            int colon = first.indexOf(": ");
            String activity = first.substring(0, colon);
            String ctx = first.substring(colon + 2);
            String query = hellaswagPreprocess(activity + ": " + ctx + " ");
            List<String> endings = new ArrayList<>();
            for (int e = 0; e < 4; e++) {
                endings.add(hellaswagPreprocess(lines.get(i + 2 + e)));
            }
            out.add(new McItem(i / 6, query, endings, endings.stream().map(e -> " " + e).toList(), Integer.parseInt(lines.get(i + 1).strip()), null));
        }
        return out;
    }

    private static volatile List<String> hellaswag;

    /** The validation file's 60,252 lines, decompressed once per process (7.7 MB of text from 1.9 MB of bzip2). */
    private static List<String> hellaswagLines() {
        List<String> lines = hellaswag;
        if (lines == null) {
            try (InputStream in = new BZip2CompressorInputStream(new ByteArrayInputStream(Resources.bytes("bundled/data/hellaswag/hellaswag_val_full.txt.bz2")))) {
                lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            hellaswag = lines;
        }
        return lines;
    }

    /** truthfulqa_mc1 (mc2 = false) or truthfulqa_mc2 from TruthfulQA.csv, at most {@code limit} questions. */
    public static List<McItem> truthfulqa(boolean mc2, int limit) {
        List<McItem> out = new ArrayList<>();
        try {
            List<List<String>> rows = csv(Resources.bytes("bundled/data/truthfulqa/TruthfulQA.csv"));
            List<String> header = rows.get(0);
            int q = header.indexOf("Question");
            int best = header.indexOf("Best Answer");
            int correct = header.indexOf("Correct Answers");
            int incorrect = header.indexOf("Incorrect Answers");
            for (int i = 1; i < rows.size() && out.size() < limit; i++) {
                List<String> r = rows.get(i);
                List<String> wrong = answers(r.get(incorrect));
                List<String> choices = new ArrayList<>();
                List<Integer> labels = new ArrayList<>();
                List<String> right = mc2 ? answers(r.get(correct)) : List.of(PyStr.strip(r.get(best)));
                right.forEach(a -> {
                    choices.add(a);
                    labels.add(1);
                });
                wrong.forEach(a -> {
                    choices.add(a);
                    labels.add(0);
                });
                String context = TRUTHFULQA_PRIMER + "\n\nQ: " + r.get(q) + "\nA:";
                out.add(new McItem(i - 1, context, choices, choices.stream().map(c -> " " + c).toList(), 0, mc2 ? labels : null));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** An answers cell split on ';', each stripped, empty pieces dropped. */
    private static List<String> answers(String cell) {
        return Arrays.stream(cell.split(";")).map(PyStr::strip).filter(s -> !s.isEmpty()).toList();
    }
}
