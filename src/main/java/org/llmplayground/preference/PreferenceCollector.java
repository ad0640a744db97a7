package org.llmplayground.preference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Resources;
import org.llmplayground.core.Workspace;
import org.llmplayground.finetune.SftEncoder;
import org.llmplayground.finetune.SftExample;
import org.llmplayground.finetune.SftFormats;
import org.llmplayground.generation.GenerationService;
import org.llmplayground.generation.GenerationSettings;
import org.llmplayground.generation.Generator;
import org.llmplayground.generation.chat.ChatMessage;
import org.llmplayground.generation.chat.ChatTemplate;
import org.llmplayground.model.ModelService;
import org.llmplayground.model.io.Tensor;
import org.llmplayground.model.nn.Transformer;
import org.llmplayground.training.Checkpoints;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Collecting preferences, as Open WebUI's arena and LLaMA-Factory's data labelling do: a prompt (typed, or the next of
 * a prompt set), two answers written by one or two models (other temperatures or seeds), shown in an order shuffled
 * per annotator so nobody knows which model wrote which; the annotator says A better, B better, tie or both bad. Pairs
 * already made are offered to every annotator (agreement needs the same pairs), and with a reward model the pair it is
 * least sure about comes first (active selection: |r_a − r_b| smallest). Judged pairs export as TRL's preference
 * layout (ties and "both bad" kept in H2, left out of the export).
 */
@Singleton
public class PreferenceCollector {
    /** The SFT demo model (shakespeare-char with models/sft-demo-lora merged), written into the imports folder when asked for. */
    public static final String SFT_DEMO_MODEL = "sft-demo";
    /** The name of the set a typed prompt's pairs go to when none is given. */
    public static final String TYPED = "typed";
    /** How many new pairs active selection writes at once to choose from. */
    static final int ACTIVE_POOL = 4;
    /** How often a side is drawn again (next seed) when both answers come out identical. */
    static final int DRAWS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PreferenceStore store;
    private final GenerationService generation;
    private final ModelService models;
    private final PreferenceSets sets;
    private final RewardScores rewards;
    private final DpoRuns dpo;

    public PreferenceCollector(PreferenceStore store, GenerationService generation, ModelService models, PreferenceSets sets,
                               RewardScores rewards, DpoRuns dpo) {
        this.store = store;
        this.generation = generation;
        this.models = models;
        this.sets = sets;
        this.rewards = rewards;
        this.dpo = dpo;
    }

    /** One side of the comparison: a loaded model (or sft-demo), its temperature (0: greedy) and seed. */
    @Serdeable
    public record Side(String model, @Nullable Double temperature, @Nullable Long seed) {
    }

    /**
     * What to offer next. {@code prompt}: a typed prompt (else the next of {@code promptSet}); {@code rewardRun}: a
     * reward run whose least-certain pair comes first.
     */
    @Serdeable
    public record Request(String annotator, @Nullable String promptSet, @Nullable String prompt, Side a, Side b,
                          @Nullable String template, @Nullable String rewardRun) {
    }

    /** A pair as one annotator sees it: "A" is {@code first}, "B" is {@code second}; which model wrote which is hidden. */
    @Serdeable
    public record Offer(String pairId, String promptSet, String prompt, String first, String second, Progress progress,
                        @Nullable Double uncertainty) {
    }

    /** How far an annotator is through a prompt set. */
    @Serdeable
    public record Progress(String promptSet, int prompts, int pairs, int judged) {
    }

    /** A judgment as the annotator gave it (A, B, tie, both_bad over what they saw) and as stored. */
    @Serdeable
    public record Judged(PreferenceStore.Judgment judgment, String choice, Progress progress) {
    }

    /** A pair with every judgment on it, for listings and agreement, and the judgments later ones replaced. */
    @Serdeable
    public record Listed(PreferenceStore.Pair pair, List<PreferenceStore.Judgment> judgments, List<PreferenceStore.Judgment> replaced) {
    }

    // ------------------------------------------------------------------ prompt sets

    /**
     * The prompts of a set: preference-demo's 21 for hand-labelling (data/preference-demo/prompts.jsonl), another
     * preference set's validation prompts (at most 100), or none (a set of typed prompts).
     */
    public List<String> prompts(String promptSet) {
        if (PreferenceSets.DEMO.equals(promptSet)) {
            String text = Resources.text("bundled/data/preference-demo/prompts.jsonl");
            return SftFormats.records("prompts.jsonl", text).nodes().stream().map(n -> n.path("prompt").asText()).toList();
        }
        if (TYPED.equals(promptSet) || !sets.exists(promptSet)) {
            return List.of();
        }
        return sets.load(promptSet, 0).val().stream().limit(100).map(PreferencePair::prompt).distinct().toList();
    }

    public Progress progress(String promptSet, String annotator) {
        List<PreferenceStore.Pair> pairs = store.pairs(promptSet);
        int judged = pairs.size() - store.unjudged(promptSet, annotator).size(); // two queries, not one per pair
        Set<String> prompts = new HashSet<>(prompts(promptSet));
        pairs.forEach(p -> prompts.add(p.prompt()));
        return new Progress(promptSet, prompts.size(), pairs.size(), judged);
    }

    // ------------------------------------------------------------------ offering and judging

    /**
     * The next pair for {@code r.annotator()}: a typed prompt's new pair; else a pair of the set this annotator has
     * not judged (the least certain one for the reward model, else the oldest); else new pairs for the set's next
     * prompts. 409 when the annotator has judged every prompt of the set.
     */
    public Offer next(Request r) {
        String annotator = annotator(r.annotator());
        String set = r.promptSet() == null || r.promptSet().isBlank() ? (r.prompt() != null && !r.prompt().isBlank() ? TYPED
                : PreferenceSets.DEMO) : r.promptSet().strip();
        if (!set.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,79}")) {
            throw new BadInputException("A prompt set is named with 1 to 80 letters, digits, '.', '_' or '-' (got '" + set + "').");
        }
        if (r.prompt() != null && !r.prompt().isBlank()) {
            PreferenceStore.Pair p = write(set, r.prompt().strip(), r);
            score(r.rewardRun(), List.of(p));
            return offer(store.pair(p.id()).orElseThrow(), annotator, null);
        }
        List<PreferenceStore.Pair> pool = store.unjudged(set, annotator);
        if (pool.isEmpty()) {
            Set<String> done = new HashSet<>();
            store.pairs(set).forEach(p -> done.add(p.prompt()));
            Set<String> agreed = skipped.getOrDefault(skipKey(set, r), Set.of());
            List<String> fresh = prompts(set).stream().filter(p -> !done.contains(p) && !agreed.contains(p))
                    .limit(r.rewardRun() == null ? 1 : ACTIVE_POOL).toList();
            if (fresh.isEmpty()) {
                Progress progress = progress(set, annotator);
                throw BadInputException.conflict(progress.pairs() == 0 && agreed.isEmpty() ? "The prompt set '" + set + "' has no prompts: type one."
                        : String.format("'%s' has judged all %d pairs of '%s'%s. Type a prompt, choose another set, or export the "
                        + "judgments.", annotator, progress.pairs(), set, agreed.isEmpty() ? "" : String.format(" (%d prompts left out: "
                        + "both sides wrote the same answer)", agreed.size())));
            }
            for (String prompt : fresh) {
                try {
                    pool.add(write(set, prompt, r));
                } catch (IdenticalAnswers e) { // a set's prompt the two sides agree on: nothing to judge, the next one
                    skipped.computeIfAbsent(skipKey(set, r), k -> java.util.concurrent.ConcurrentHashMap.newKeySet()).add(prompt);
                }
            }
            if (pool.isEmpty()) {
                return next(r);
            }
        }
        if (r.rewardRun() == null || r.rewardRun().isBlank()) {
            return offer(pool.get(0), annotator, null);
        }
        score(r.rewardRun(), pool.stream().filter(p -> p.rewardA() == null).toList());
        PreferenceStore.Pair least = pool.stream().map(p -> store.pair(p.id()).orElseThrow())
                .min(Comparator.comparingDouble(PreferenceStore.Pair::certainty)).orElseThrow();
        return offer(least, annotator, least.certainty());
    }

    /** Both sides wrote the same answer, draw after draw. */
    public static final class IdenticalAnswers extends BadInputException {
        IdenticalAnswers(String message) {
            super(message);
        }
    }

    /** The set's prompts both sides agreed on, by set and sides: left out of that set's next pairs (until restart). */
    private final Map<String, Set<String>> skipped = new java.util.concurrent.ConcurrentHashMap<>();

    private static String skipKey(String set, Request r) {
        return set + "\u0000" + r.a() + "\u0000" + r.b() + "\u0000" + r.template();
    }

    /** Rewards of the pairs' answers by {@code rewardRun} (none: nothing). */
    private void score(@Nullable String rewardRun, List<PreferenceStore.Pair> pairs) {
        if (rewardRun == null || rewardRun.isBlank() || pairs.isEmpty()) {
            return;
        }
        double[][] r = rewards.rewards(rewardRun, pairs.stream().map(p -> new String[]{p.prompt(), p.answerA(), p.answerB()}).toList());
        for (int i = 0; i < pairs.size(); i++) {
            store.setRewards(pairs.get(i).id(), r[i][0], r[i][1]);
        }
    }

    /** Which stored answer an annotator sees as "A": shuffled per (pair, annotator), the same every time it is shown. */
    public static String shownFirst(String pairId, String annotator) {
        return Math.floorMod((pairId + "\u0000" + annotator).hashCode(), 2) == 0 ? "a" : "b";
    }

    private Offer offer(PreferenceStore.Pair p, String annotator, @Nullable Double uncertainty) {
        boolean aFirst = "a".equals(shownFirst(p.id(), annotator));
        return new Offer(p.id(), p.promptSet(), p.prompt(), aFirst ? p.answerA() : p.answerB(), aFirst ? p.answerB() : p.answerA(),
                progress(p.promptSet(), annotator), uncertainty == null || uncertainty.isInfinite() ? null : uncertainty);
    }

    /** Records {@code choice} (A, B, tie or both_bad, over what the annotator saw) on a pair. */
    public Judged judge(String pairId, String annotatorName, String choice, @Nullable String note) {
        String annotator = annotator(annotatorName);
        PreferenceStore.Pair p = store.pair(pairId).orElseThrow(() -> BadInputException.notFound("No pair '" + pairId + "': ask for the next pair first."));
        String first = shownFirst(pairId, annotator);
        String c = choice == null ? "" : choice.strip();
        String verdict = switch (c.toLowerCase(java.util.Locale.ROOT)) {
            case "a" -> first;
            case "b" -> "a".equals(first) ? "b" : "a";
            case "tie" -> "tie";
            case "both_bad", "both bad" -> "both_bad";
            default -> throw new BadInputException("Choose A, B, tie or both_bad (got '" + c + "').");
        };
        PreferenceStore.Judgment j = store.judge(pairId, annotator, verdict, first, note);
        return new Judged(j, c.length() == 1 ? c.toUpperCase(java.util.Locale.ROOT) : c.toLowerCase(java.util.Locale.ROOT),
                progress(p.promptSet(), annotator));
    }

    /** Takes back the annotator's last judgment and offers that pair again. */
    public Offer undo(String annotatorName) {
        String annotator = annotator(annotatorName);
        PreferenceStore.Judgment j = store.undo(annotator);
        return offer(store.pair(j.pairId()).orElseThrow(), annotator, null);
    }

    public List<Listed> list(String promptSet) {
        Map<String, List<PreferenceStore.Judgment>> byPair = new LinkedHashMap<>();
        store.judgments(promptSet).forEach(j -> byPair.computeIfAbsent(j.pairId(), k -> new ArrayList<>()).add(j));
        Map<String, List<PreferenceStore.Judgment>> replaced = new LinkedHashMap<>();
        store.replaced(promptSet).forEach(j -> replaced.computeIfAbsent(j.pairId(), k -> new ArrayList<>()).add(j));
        return store.pairs(promptSet).stream().map(p -> new Listed(p, byPair.getOrDefault(p.id(), List.of()),
                replaced.getOrDefault(p.id(), List.of()))).toList();
    }

    public List<String> promptSets() {
        Set<String> all = new java.util.TreeSet<>(store.promptSets());
        all.add(PreferenceSets.DEMO);
        return List.copyOf(all);
    }

    // ------------------------------------------------------------------ export

    /** What an export holds: the pairs as TRL lines, and how many pairs were left out and why. */
    @Serdeable
    public record Export(String promptSet, List<PreferenceSets.PairView> pairs, int ties, int bothBad, int split, int unjudged) {
        public String jsonl() {
            StringBuilder b = new StringBuilder();
            for (PreferenceSets.PairView p : pairs) {
                ObjectNode o = JSON.createObjectNode();
                o.put("prompt", p.prompt());
                o.put("chosen", p.chosen());
                o.put("rejected", p.rejected());
                b.append(o).append('\n');
            }
            return b.toString();
        }
    }

    /**
     * The judged pairs of a set in TRL's layout, one line per pair by majority of its annotators (A-votes vs
     * B-votes); pairs whose majority is tie or both bad, or whose annotators split evenly, stay in H2 and out of the file.
     */
    public Export export(String promptSet) {
        List<PreferenceSets.PairView> out = new ArrayList<>();
        int ties = 0;
        int bad = 0;
        int split = 0;
        int unjudged = 0;
        for (Listed l : list(promptSet)) {
            long a = l.judgments().stream().filter(j -> j.verdict().equals("a")).count();
            long b = l.judgments().stream().filter(j -> j.verdict().equals("b")).count();
            long t = l.judgments().stream().filter(j -> j.verdict().equals("tie")).count();
            long n = l.judgments().size() - a - b - t;
            if (l.judgments().isEmpty()) {
                unjudged++;
            } else if (a > b && a >= t + n) {
                out.add(new PreferenceSets.PairView(l.pair().prompt(), l.pair().answerA(), l.pair().answerB()));
            } else if (b > a && b >= t + n) {
                out.add(new PreferenceSets.PairView(l.pair().prompt(), l.pair().answerB(), l.pair().answerA()));
            } else if (a == b && a > 0) {
                split++;
            } else if (t >= n) {
                ties++;
            } else {
                bad++;
            }
        }
        return new Export(promptSet, out, ties, bad, split, unjudged);
    }

    /** Saves a set's export as the preference set {@code name} (datasets/preference), to train a reward model or DPO on. */
    public PreferenceSets.Imported saveAsSet(String promptSet, String name) throws IOException {
        Export e = export(promptSet);
        if (e.pairs().size() < 3) {
            throw new BadInputException(String.format("'%s' has %d pair%s with a winner; a preference set needs at least 3 (train, "
                    + "validation, test). Judge more pairs first.", promptSet, e.pairs().size(), e.pairs().size() == 1 ? "" : "s"));
        }
        return sets.importSet(name, "trl", new ByteArrayInputStream(e.jsonl().getBytes(StandardCharsets.UTF_8)));
    }

    // ------------------------------------------------------------------ writing pairs

    /**
     * Writes a pair for {@code prompt} into {@code set}: the two sides' answers (drawn again with the next seeds when
     * they come out identical; refused after {@value #DRAWS} draws).
     */
    public PreferenceStore.Pair write(String set, String prompt, Request r) {
        if (prompt.length() > 4000) {
            throw new BadInputException("The prompt has " + prompt.length() + " characters; at most 4,000.");
        }
        if (r.a() == null || r.b() == null) {
            throw new BadInputException("Give both sides: 'a' and 'b', each {model, temperature, seed}.");
        }
        ChatTemplate template = ChatTemplate.parse(r.template() == null || r.template().isBlank() ? "plain" : r.template());
        SftEncoder encoder = new SftEncoder(template, t -> new int[0], null, 1, false);
        String text = encoder.prompt(new SftExample(null, List.of(new ChatMessage(ChatMessage.USER, prompt)), "", "", "prompt"))
                + template.replyStart();
        String stop = encoder.end();
        String a = null;
        String b = null;
        long seedA = r.a().seed() == null ? 1 : r.a().seed();
        long seedB = r.b().seed() == null ? 2 : r.b().seed();
        for (int draw = 0; draw < DRAWS; draw++) {
            a = answer(r.a(), text, stop, seedA + draw);
            b = answer(r.b(), text, stop, seedB + draw);
            if (!a.equals(b)) {
                PreferenceStore.Pair p = new PreferenceStore.Pair(UUID.randomUUID().toString(), set, prompt, a, b,
                        source(r.a(), seedA + draw), source(r.b(), seedB + draw), null, null, Instant.now());
                store.insert(p);
                return p;
            }
        }
        throw new IdenticalAnswers(String.format("The two answers to '%s' were identical ('%s') in %d draws: nothing to compare. "
                + "Choose different models, a temperature above 0 for at least one side, or other seeds.", prompt, a, DRAWS));
    }

    private static String source(Side s, long seed) {
        return String.format("%s, temperature %s, seed %d", s.model(), s.temperature() == null ? "0.8" : s.temperature(), seed);
    }

    private String answer(Side side, String prompt, String stop, long seed) {
        if (side.model() == null || side.model().isBlank()) {
            throw new BadInputException("Choose a model for each side.");
        }
        String model = SFT_DEMO_MODEL.equals(side.model()) ? ensureSftDemo() : side.model();
        double t = side.temperature() == null ? 0.8 : side.temperature();
        if (!(t >= 0 && t <= 5)) {
            throw new BadInputException("A temperature is between 0 (greedy) and 5 (got " + t + ").");
        }
        GenerationSettings s = (t == 0 ? GenerationSettings.greedy(48) : GenerationSettings.defaults().withMaxNewTokens(48)
                .withSampling(t, 0, 1.0, 0)).withStop(List.of(stop)).withSeed(seed);
        var prepared = generation.prepare(model, prompt, s);
        return generation.generate(prepared, Generator.Listener.NONE, () -> false).text().strip();
    }

    /**
     * The SFT demo model as a model of the app: shakespeare-char with the bundled sft-demo-lora merged (W + (α/r)·B·A),
     * written once into the imports folder as a checkpoint and loaded; returns its model id (import-sft-demo).
     */
    public synchronized String ensureSftDemo() {
        java.util.Optional<String> loaded = models.models().stream().map(m -> m.id()).filter(id -> id.equals("import-" + SFT_DEMO_MODEL)).findFirst();
        if (loaded.isPresent()) {
            return loaded.get();
        }
        Path target = Workspace.resolveInside(models.importsFolder(), SFT_DEMO_MODEL);
        if (!Files.isRegularFile(target.resolve("model.safetensors"))) {
            Path base = models.bundledCheckpoint(ModelService.SHAKESPEARE_MODEL);
            try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager(ai.djl.Device.cpu())) {
                Checkpoints.Meta meta = Checkpoints.readMeta(base);
                Map<String, Tensor> weights = Checkpoints.readModel(base);
                Transformer network = new Transformer(meta.model());
                network.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 1));
                for (var p : network.getParameters()) {
                    p.getValue().getArray().set(weights.get(p.getKey()).data());
                }
                dpo.mergeSft(DpoRuns.BUNDLED_SFT, ModelService.SHAKESPEARE_MODEL, network);
                org.llmplayground.finetune.FineTuneService.writeModel(network, base, target);
            } catch (IOException e) {
                throw new BadInputException("Cannot write the SFT demo model: " + e.getMessage(), e);
            }
        }
        return models.importWeights(SFT_DEMO_MODEL).id();
    }

    /** An annotator's name: 1 to 80 characters, letters, digits, space, '.', '_', '-' or '@'. */
    public static String annotator(String name) {
        String n = name == null ? "" : name.strip();
        if (!n.matches("[\\p{L}\\p{N}][\\p{L}\\p{N} ._@-]{0,79}")) {
            throw new BadInputException("Name the annotator with 1 to 80 letters, digits, spaces, '.', '_', '-' or '@' (got '" + n + "').");
        }
        return n;
    }
}
