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
    /** The demo with the SFT model's own mistakes as the rejected training answers (see {@link OnPolicyPairs}); same val and test. */
    public static final String DEMO_ON_POLICY = "preference-demo-onpolicy";

    /** The pairs of a set in train / val / test, and the tasks of the test pairs (the demo's; else null). */
    public record Split(String name, List<PreferencePair> train, List<PreferencePair> val, List<PreferencePair> test,
                        List<String> testTasks, List<PreferenceFormats.Skipped> skipped) {
    }

    /** What an import kept: the set's id, how many pairs, and every record skipped (line, reason). */
    @io.micronaut.serde.annotation.Serdeable
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS) // "skipped": [] too
    public record Imported(String id, int pairs, List<PreferenceFormats.Skipped> skipped) {
    }

    /** One pair as the API lists it. */
    @io.micronaut.serde.annotation.Serdeable
    public record PairView(String prompt, String chosen, String rejected) {
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private final Path datasets;

    public PreferenceSets(Workspace workspace) {
        this.datasets = workspace.dir("datasets");
    }

    /**
     * Imports a preference file (.jsonl or .json, either gzipped: read through, at most 64 MB once decompressed) in
     * the given layout and stores its usable pairs as datasets/preference/&lt;name&gt;.jsonl in TRL's layout (the prompt
     * as a list of messages, so conversations keep their turns); the set's id is {@code name}. A file without one
     * usable pair is refused and nothing is stored.
     */
    public Imported importSet(String name, String format, java.io.InputStream in) throws IOException {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,63}")) {
            in.close();
            throw new BadInputException("Name the preference set with letters, digits, '_' or '-' (at most 64; got '"
                    + (name == null ? "" : name.length() > 80 ? name.substring(0, 80) + "…" : name) + "').");
        }
        if (format == null || !PreferenceFormats.FORMATS.contains(format)) {
            in.close();
            throw new BadInputException("format must be trl, sharegpt or hh-rlhf (got '" + format + "').");
        }
        String text = readBounded(in, name);
        PreferenceFormats.Parsed parsed = PreferenceFormats.parse(name, text, format);
        StringBuilder out = new StringBuilder();
        for (PreferencePair p : parsed.pairs()) {
            com.fasterxml.jackson.databind.node.ObjectNode o = JSON.createObjectNode();
            com.fasterxml.jackson.databind.node.ArrayNode prompt = o.putArray("prompt");
            if (p.system() != null) {
                prompt.addObject().put("role", "system").put("content", p.system());
            }
            p.turns().forEach(m -> prompt.addObject().put("role", m.role()).put("content", m.content()));
            o.put("chosen", p.chosen());
            o.put("rejected", p.rejected());
            out.append(o).append('\n');
        }
        Path dir = Files.createDirectories(datasets.resolve("preference"));
        Path tmp = Files.createTempFile(dir, ".import-", ".part");
        Files.writeString(tmp, out);
        Files.move(tmp, dir.resolve(name + ".jsonl"), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return new Imported(name, parsed.pairs().size(), parsed.skipped());
    }

    /** The whole stream as UTF-8, gunzipped when it starts with gzip's magic bytes; refused past 64 MB of text. */
    static String readBounded(java.io.InputStream raw, String name) throws IOException {
        try (java.io.BufferedInputStream in = new java.io.BufferedInputStream(raw)) {
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            java.io.InputStream body = b0 == 0x1f && b1 == 0x8b ? new java.util.zip.GZIPInputStream(in) : in;
            byte[] bytes = body.readNBytes(SftFormats.MAX_BYTES + 1);
            if (bytes.length > SftFormats.MAX_BYTES) {
                throw BadInputException.tooLarge(String.format("%s is larger than %,d MB%s; preference sets here are smaller.", name,
                        SftFormats.MAX_BYTES >> 20, body != in ? " once decompressed" : ""));
            }
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.util.zip.ZipException e) {
            throw new BadInputException(name + " starts like gzip but cannot be decompressed: " + e.getMessage() + ".");
        }
    }

    /** Whether {@code id} names a set: a bundled one, or an imported one in datasets/preference. */
    public boolean exists(String id) {
        return DEMO.equals(id) || DEMO_ON_POLICY.equals(id) || DPO_EN_DEMO.equals(id) || (id != null && id.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
                && Files.isRegularFile(datasets.resolve("preference").resolve(id + ".jsonl")));
    }

    /** The sets to train on: the bundled ones, then the imported ones by name. */
    public List<String> list() {
        List<String> out = new ArrayList<>(List.of(DEMO, DEMO_ON_POLICY, DPO_EN_DEMO));
        Path dir = datasets.resolve("preference");
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".jsonl")).sorted()
                        .forEach(f -> out.add(f.substring(0, f.length() - ".jsonl".length())));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return out;
    }

    /** Pairs {@code offset} to offset + limit of a set, in file order (the demo: train, then val, then test). */
    public List<PairView> pairs(String id, int offset, int limit) {
        if (offset < 0 || limit < 1 || limit > 1000) {
            throw new BadInputException("offset must be at least 0 and limit between 1 and 1,000 (got offset " + offset + ", limit " + limit + ").");
        }
        Split s = load(id, 0, false);
        List<PreferencePair> all = new ArrayList<>(s.train());
        all.addAll(s.val());
        all.addAll(s.test());
        return all.stream().skip(offset).limit(limit).map(p -> new PairView(p.prompt(), p.chosen(), p.rejected())).toList();
    }

    public Split load(String id, long seed) {
        return load(id, seed, true);
    }

    private Split load(String id, long seed, boolean shuffle) {
        if (DEMO.equals(id) || DEMO_ON_POLICY.equals(id)) {
            List<List<PreferencePair>> parts = new ArrayList<>();
            List<PreferenceFormats.Skipped> skipped = new ArrayList<>();
            String testText = null;
            for (String part : List.of("train", "val", "test")) {
                String file = part.equals("train") && DEMO_ON_POLICY.equals(id) ? "train-onpolicy" : part;
                String text = Resources.text("bundled/data/preference-demo/" + file + ".jsonl");
                PreferenceFormats.Parsed p = PreferenceFormats.parse(part + ".jsonl", text, "trl");
                parts.add(p.pairs());
                skipped.addAll(p.skipped());
                testText = text;
            }
            List<String> tasks = SftFormats.records("test.jsonl", testText).nodes().stream().map(n -> n.path("task").asText(null)).toList();
            return new Split(id, parts.get(0), parts.get(1), parts.get(2), tasks, skipped);
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
            Path file = id.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,63}") ? datasets.resolve("preference").resolve(id + ".jsonl")
                    : Workspace.resolveInside(datasets, id);
            name = file.getFileName().toString();
            text = SftFormats.readFile(file, "No preference set '" + id + "': use " + DEMO + ", " + DPO_EN_DEMO
                    + " or a file of the datasets folder.");
        }
        PreferenceFormats.Parsed all = PreferenceFormats.parse(name, text, detect(name, text));
        List<PreferencePair> shuffled = new ArrayList<>(all.pairs());
        int n = shuffled.size();
        if (!shuffle) { // listing: the pairs as they are in the file
            return new Split(id, shuffled, List.of(), List.of(), null, all.skipped());
        }
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
        if (first != null && first.has("conversations") && !first.has("prompt")) {
            return "sharegpt";
        }
        if (first != null && !first.has("prompt") && first.path("chosen").asText("").contains(PreferenceFormats.HUMAN)) {
            return "hh-rlhf";
        }
        return "trl";
    }
}
