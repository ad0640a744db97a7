package org.llmplayground.finetune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Resources;
import org.llmplayground.core.Workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The instruction sets a fine-tuning run can use: the bundled demo (its own train / val / test files), the bundled
 * Alpaca sample, or a file of the datasets folder (uploads, Hub downloads). A set that comes as one file is split
 * 90 / 5 / 5 by the run's seed.
 */
@Singleton
public class SftDatasets {
    public static final String DEMO = "sft-demo";
    public static final String ALPACA = "alpaca";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The datasets folder the Data lab writes uploads and Hub downloads into (read here without the Data lab). */
    private final Path datasets;

    /** A set's three parts; {@code tasks} names each test example's task where the set has one (the demo). */
    public record Split(String name, List<SftExample> train, List<SftExample> val, List<SftExample> test, List<String> tasks,
                        long skipped, List<String> problems, String layout) {
    }

    /** What the Fine-tuning lab lists. */
    @Serdeable
    public record Info(String id, String title, boolean bundled) {
    }

    public SftDatasets(Workspace workspace) {
        this.datasets = workspace.dir("datasets");
    }

    public List<Info> list() {
        List<Info> out = new ArrayList<>(List.of(new Info(DEMO, "Demo: seven checkable tasks (6,000 train / 200 val / 200 test)", true),
                new Info(ALPACA, "Alpaca sample: 999 instructions (LLaMA-Factory's alpaca_en_demo)", true)));
        if (Files.isDirectory(datasets)) {
            try (var walk = Files.walk(datasets, 3)) {
                walk.filter(Files::isRegularFile).map(p -> datasets.relativize(p).toString().replace('\\', '/'))
                        .filter(p -> p.endsWith(".jsonl") || p.endsWith(".json")).sorted()
                        .forEach(p -> out.add(new Info(p, p, false)));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return out;
    }

    /** An uploaded set: where it is, how many examples it has, and the records skipped with why (the first few). */
    @Serdeable
    public record Uploaded(Info dataset, String layout, int examples, long skipped, List<String> problems) {
    }

    private final java.util.concurrent.Semaphore uploadSlots = new java.util.concurrent.Semaphore(2, true);

    /**
     * Stores an uploaded instruction set as {@code datasets/finetune/<name>} (.jsonl or .json, at most
     * {@link SftFormats#MAX_BYTES}), streamed, and keeps it only if it has at least three usable examples; a set
     * with none is refused with the first problems, by line and field, and not kept.
     */
    public Uploaded upload(String name, java.io.InputStream in) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}\\.jsonl?")) {
            closeQuietly(in);
            throw new BadInputException("Name the instruction set with letters, digits, '.', '_' or '-', ending in .jsonl or .json "
                    + "(got '" + (name == null ? "" : org.llmplayground.corpus.CorpusStore.displayName(name)) + "').");
        }
        if (!uploadSlots.tryAcquire()) {
            closeQuietly(in);
            throw new org.llmplayground.core.Admission.Overloaded("2 instruction-set uploads are already running; '" + name
                    + "' was not stored. Try again when one has finished.", 10);
        }
        try {
            Path file = org.llmplayground.core.Uploads.store(datasets.resolve("finetune"), name, in, SftFormats.MAX_BYTES,
                    String.format("%s is larger than %,d MB; fine-tuning sets here are smaller.", name, SftFormats.MAX_BYTES >> 20));
            SftFormats.Parsed parsed;
            try {
                parsed = SftFormats.parse(file.getFileName().toString(), Files.readString(file));
                if (parsed.examples().size() < 3) {
                    throw new BadInputException(String.format("%s has %d usable example%s; a fine-tuning set needs at least 3 "
                            + "(train, validation and test)%s", name, parsed.examples().size(), parsed.examples().size() == 1 ? "" : "s",
                            parsed.problems().isEmpty() ? "." : ". " + String.join("; ", parsed.problems())));
                }
            } catch (BadInputException | IOException e) {
                Files.deleteIfExists(file);
                throw e instanceof BadInputException b ? b : new BadInputException("Cannot read " + name + ": " + e.getMessage(), e);
            }
            String id = datasets.relativize(file).toString().replace('\\', '/');
            return new Uploaded(new Info(id, id, false), parsed.layout(), parsed.examples().size(), parsed.skipped(), parsed.problems());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            uploadSlots.release();
        }
    }

    private static void closeQuietly(java.io.InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the refusal is what the caller hears
        }
    }

    public Split load(String dataset, long seed) {
        if (dataset == null || dataset.isBlank()) {
            throw new BadInputException("Choose an instruction set: " + DEMO + ", " + ALPACA + " or a .jsonl/.json file of the datasets folder.");
        }
        if (dataset.equals(DEMO)) {
            SftFormats.Parsed train = SftFormats.parse("train.jsonl", Resources.text("bundled/data/sft-demo/train.jsonl"));
            SftFormats.Parsed val = SftFormats.parse("val.jsonl", Resources.text("bundled/data/sft-demo/val.jsonl"));
            String testText = Resources.text("bundled/data/sft-demo/test.jsonl");
            SftFormats.Parsed test = SftFormats.parse("test.jsonl", testText);
            return new Split(DEMO, train.examples(), val.examples(), test.examples(), tasks(testText),
                    train.skipped() + val.skipped() + test.skipped(), train.problems(), train.layout());
        }
        String text;
        String name;
        if (dataset.equals(ALPACA)) {
            name = "alpaca_en_demo.json";
            text = Resources.text("bundled/data/alpaca/alpaca_en_demo.json");
        } else {
            Path file = Workspace.resolveInside(datasets, dataset);
            name = file.getFileName().toString();
            text = SftFormats.readFile(file, "No instruction set '" + dataset + "': use " + DEMO + ", " + ALPACA
                    + " or a file of the datasets folder.");
        }
        SftFormats.Parsed all = SftFormats.parse(name, text);
        List<SftExample> shuffled = new ArrayList<>(all.examples());
        Collections.shuffle(shuffled, new Random(seed));
        int n = shuffled.size();
        int test = Math.max(1, n / 20);
        int val = Math.max(1, n / 20);
        if (n < 3) {
            throw new BadInputException(name + " has " + n + " usable example" + (n == 1 ? "" : "s")
                    + "; a fine-tuning set needs at least 3 (train, validation and test).");
        }
        return new Split(dataset, shuffled.subList(test + val, n), shuffled.subList(test, test + val), shuffled.subList(0, test),
                null, all.skipped(), all.problems(), all.layout());
    }

    private static List<String> tasks(String jsonl) {
        List<String> out = new ArrayList<>();
        for (String line : jsonl.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode n = JSON.readTree(line);
                out.add(n.path("task").asText(null));
            } catch (IOException e) {
                out.add(null);
            }
        }
        return out;
    }
}
