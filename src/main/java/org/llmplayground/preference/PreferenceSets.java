package org.llmplayground.preference;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Resources;
import org.llmplayground.core.Workspace;
import org.llmplayground.finetune.SftFormats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The preference sets a DPO run can train on: the bundled demo (right vs plausibly wrong answers to the fine-tuning
 * demo's instructions, split as it is), LLaMA-Factory's dpo_en_demo (300 pairs, sharegpt layout), or a file under
 * the workspace's datasets/preference folder in any of the three layouts (recognised from its first record).
 */
@Singleton
public final class PreferenceSets {
    public static final String DEMO = "preference-demo";
    public static final String DPO_EN_DEMO = "dpo_en_demo";

    /** The pairs of a set in train / val / test, and the tasks of the test pairs (the demo's; else null). */
    public record Split(String name, List<PreferencePair> train, List<PreferencePair> val, List<PreferencePair> test,
                        List<String> testTasks, List<PreferenceFormats.Skipped> skipped) {
    }

    private final Path datasets;

    public PreferenceSets(Workspace workspace) {
        this.datasets = workspace.dir("datasets");
    }

    public Split load(String id, long seed) {
        if (DEMO.equals(id)) {
            List<List<PreferencePair>> parts = new ArrayList<>();
            List<PreferenceFormats.Skipped> skipped = new ArrayList<>();
            String testText = null;
            for (String part : List.of("train", "val", "test")) {
                String text = Resources.text("bundled/data/preference-demo/" + part + ".jsonl");
                PreferenceFormats.Parsed p = PreferenceFormats.parse(part + ".jsonl", text, "trl");
                parts.add(p.pairs());
                skipped.addAll(p.skipped());
                testText = text;
            }
            List<String> tasks = SftFormats.records("test.jsonl", testText).nodes().stream().map(n -> n.path("task").asText(null)).toList();
            return new Split(DEMO, parts.get(0), parts.get(1), parts.get(2), tasks, skipped);
        }
        String name;
        String text;
        if (DPO_EN_DEMO.equals(id)) {
            name = "dpo_en_demo.json";
            text = Resources.text("bundled/data/preference/dpo_en_demo.json");
        } else {
            if (id == null || id.isBlank()) {
                throw new BadInputException("Choose a preference set: " + DEMO + ", " + DPO_EN_DEMO + " or a file of datasets/preference.");
            }
            Path file = Workspace.resolveInside(datasets, id);
            if (!Files.isRegularFile(file)) {
                throw BadInputException.notFound("No preference set '" + id + "': use " + DEMO + ", " + DPO_EN_DEMO
                        + " or a file of the datasets folder.");
            }
            name = file.getFileName().toString();
            try {
                if (Files.size(file) > SftFormats.MAX_BYTES) {
                    throw BadInputException.tooLarge(String.format("%s is larger than %,d MB.", name, SftFormats.MAX_BYTES >> 20));
                }
                text = Files.readString(file);
            } catch (IOException e) {
                throw new BadInputException("Cannot read " + name + ": " + e.getMessage(), e);
            }
        }
        PreferenceFormats.Parsed all = PreferenceFormats.parse(name, text, detect(name, text));
        List<PreferencePair> shuffled = new ArrayList<>(all.pairs());
        int n = shuffled.size();
        if (n < 3) {
            throw new BadInputException(name + " has " + n + " usable pair" + (n == 1 ? "" : "s") + "; a preference set needs at least 3 "
                    + "(train, validation and test).");
        }
        Collections.shuffle(shuffled, new Random(seed));
        int held = Math.max(1, n / 20);
        return new Split(id, shuffled.subList(2 * held, n), shuffled.subList(held, 2 * held), shuffled.subList(0, held), null, all.skipped());
    }

    /** The layout of a file, from its first record: "conversations" → sharegpt, "prompt" → trl, dialogues → hh-rlhf. */
    static String detect(String name, String text) {
        List<JsonNode> nodes = SftFormats.records(name, text).nodes();
        JsonNode first = nodes.isEmpty() ? null : nodes.get(0);
        if (first != null && first.has("conversations")) {
            return "sharegpt";
        }
        if (first != null && !first.has("prompt") && first.path("chosen").asText("").contains(PreferenceFormats.HUMAN)) {
            return "hh-rlhf";
        }
        return "trl";
    }
}
