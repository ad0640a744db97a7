package org.llmplayground.evaluation.human;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.jobs.JobRecord;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.evaluation.EvaluationService;
import org.llmplayground.evaluation.metrics.Agreement;
import org.llmplayground.evaluation.metrics.Ranking;
import org.llmplayground.model.LoadedModel;
import org.llmplayground.model.ModelService;
import org.llmplayground.preference.PreferenceCollector;
import org.llmplayground.preference.PreferenceStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Human evaluation: answers of two models to a list of prompts (written once by a job, stored as the Preferences lab's
 * pairs in prompt set {@code human-<task>}) judged by several annotators, each item by k of them.
 * <ul>
 *   <li><b>pairwise</b>: the Preferences lab's A/B verdicts (A better, B better, tie, both bad; order shuffled per
 *   annotator; its store, judging again replaces and keeps the earlier verdict as history);</li>
 *   <li><b>rating</b>: each answer alone (which model wrote it hidden), 1–5 on each criterion (helpfulness,
 *   correctness, fluency by default, editable), beside editable guidelines.</li>
 * </ul>
 * Agreement per criterion (Fleiss' kappa over the items judged by exactly k annotators, Cohen's kappa per pair of
 * annotators, percent agreement) against the 0.6 target; results per model (win rate with a 95 % bootstrap interval,
 * Bradley–Terry and Elo from the pairwise verdicts, mean rating per criterion) join the leaderboard.
 */
@Singleton
public class HumanEvaluation {
    public static final String PAIRWISE = "pairwise";
    public static final String RATING = "rating";
    public static final String KIND = "human-evaluation";
    public static final List<String> DEFAULT_CRITERIA = List.of("helpfulness", "correctness", "fluency");
    /** Kappa above this is "substantial" agreement (Landis and Koch 1977): the requirements' target. */
    public static final double KAPPA_TARGET = 0.6;
    static final int MAX_PROMPTS = 100;
    static final String DEFAULT_GUIDELINES = """
            Judge the answer to the prompt as a careful user would.
            - helpfulness: does it do what the prompt asks? 5 = fully, 1 = not at all.
            - correctness: is what it says true and exact? 5 = no error, 1 = wrong.
            - fluency: is it well-formed language? 5 = reads naturally, 1 = garbled.
            Judge each answer on its own; do not guess which model wrote it. Length is not quality.""";
    static final String PAIRWISE_GUIDELINES = """
            Pick the answer that better does what the prompt asks: correct first, then helpful, then clear.
            Tie: equally good. Both bad: neither is acceptable. Do not let length or order sway you.""";

    private final HumanStore store;
    private final PreferenceStore pairs;
    private final PreferenceCollector collector;
    private final ModelService models;
    private final JobRunner jobs;

    public HumanEvaluation(HumanStore store, PreferenceStore pairs, PreferenceCollector collector, ModelService models, JobRunner jobs) {
        this.store = store;
        this.pairs = pairs;
        this.collector = collector;
        this.models = models;
        this.jobs = jobs;
    }

    /** A new task; {@code prompts} one per entry; temperatures default to 0.8 (0: greedy). */
    @Serdeable
    public record Create(String name, @Nullable String kind, String modelA, String modelB, @Nullable Double temperatureA,
                         @Nullable Double temperatureB, List<String> prompts, @Nullable List<String> criteria, @Nullable String guidelines,
                         @Nullable Integer k) {
    }

    /** A task as listed: with how many items are written and the job writing them. */
    @Serdeable
    public record Listed(HumanStore.Task task, int items, @Nullable String jobState) {
    }

    public List<Listed> tasks() {
        return store.tasks().stream().map(this::listed).toList();
    }

    public Listed describe(String name) {
        return listed(task(name));
    }

    private Listed listed(HumanStore.Task t) {
        String state = t.jobId() == null ? null : jobs.find(t.jobId()).map(j -> j.state().name().toLowerCase(Locale.ROOT)).orElse(null);
        return new Listed(t, pairs.pairs(t.promptSet()).size() * (t.pairwise() ? 1 : 2), state);
    }

    public HumanStore.Task task(String name) {
        return store.task(name == null ? "" : name.strip())
                .orElseThrow(() -> BadInputException.notFound("No human evaluation task '" + name + "'."));
    }

    /** Checks the request, records the task and starts the job that writes both models' answers to every prompt. */
    public Listed create(Create c) {
        String name = c.name() == null ? "" : c.name().strip();
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,59}")) {
            throw new BadInputException("Name the task with 1 to 60 letters, digits, '.', '_' or '-' (got '" + name + "').");
        }
        if (store.task(name).isPresent()) {
            throw BadInputException.conflict("A human evaluation task '" + name + "' exists already: choose another name.");
        }
        String kind = c.kind() == null ? RATING : c.kind().strip().toLowerCase(Locale.ROOT);
        if (!kind.equals(PAIRWISE) && !kind.equals(RATING)) {
            throw new BadInputException("A task's kind is pairwise or rating (got '" + c.kind() + "').");
        }
        int k = c.k() == null ? 2 : c.k();
        if (k < 1 || k > 10) {
            throw new BadInputException("k (annotators per item) must be between 1 and 10 (got " + k + ").");
        }
        List<String> prompts = c.prompts() == null ? List.of() : c.prompts().stream().filter(p -> p != null && !p.isBlank())
                .map(String::strip).distinct().toList();
        if (prompts.isEmpty() || prompts.size() > MAX_PROMPTS) {
            throw new BadInputException("Give 1 to " + MAX_PROMPTS + " prompts (got " + prompts.size() + ").");
        }
        List<String> criteria = kind.equals(PAIRWISE) ? List.of("preference") : criteria(c.criteria());
        for (String m : List.of(String.valueOf(c.modelA()), String.valueOf(c.modelB()))) {
            LoadedModel model = models.get(m);
            if (!model.info().readsText()) {
                throw new BadInputException(model.info().name() + " reads " + model.info().input() + ", not text.");
            }
        }
        String guidelines = c.guidelines() == null || c.guidelines().isBlank() ? (kind.equals(PAIRWISE) ? PAIRWISE_GUIDELINES : DEFAULT_GUIDELINES)
                : guidelines(c.guidelines());
        HumanStore.Task task = new HumanStore.Task(name, kind, criteria, guidelines, k, c.modelA(), c.modelB(), prompts.size(), null, Instant.now());
        store.insert(task);
        PreferenceCollector.Request sides = new PreferenceCollector.Request("writer", task.promptSet(), null,
                new PreferenceCollector.Side(c.modelA(), c.temperatureA() == null ? 0.8 : c.temperatureA(), 1L),
                new PreferenceCollector.Side(c.modelB(), c.temperatureB() == null ? 0.8 : c.temperatureB(), 2L), "plain", null);
        JobRecord job = jobs.submit(KIND, "Write answers for human evaluation '" + name + "'", "generation", ctx -> {
            int written = 0;
            List<String> skipped = new ArrayList<>();
            for (int i = 0; i < prompts.size(); i++) {
                ctx.checkCancelled();
                ctx.progress(i, prompts.size(), "Answering prompt " + (i + 1) + " of " + prompts.size());
                try {
                    collector.write(task.promptSet(), prompts.get(i), sides);
                    written++;
                } catch (PreferenceCollector.IdenticalAnswers e) {
                    skipped.add(prompts.get(i));
                }
            }
            return written + " pairs written" + (skipped.isEmpty() ? "" : "; " + skipped.size() + " prompts left out (both models wrote the same answer)");
        });
        store.setJob(name, job.id());
        return describe(name);
    }

    private static List<String> criteria(@Nullable List<String> given) {
        List<String> criteria = given == null || given.isEmpty() ? DEFAULT_CRITERIA : given.stream().map(s -> s == null ? "" : s.strip()
                .toLowerCase(Locale.ROOT)).distinct().toList();
        if (criteria.size() > 8) {
            throw new BadInputException("At most 8 criteria (got " + criteria.size() + ").");
        }
        for (String c : criteria) {
            if (!c.matches("[a-z][a-z0-9_-]{0,39}")) {
                throw new BadInputException("Name a criterion with 1 to 40 lower-case letters, digits, '_' or '-' (got '" + c + "').");
            }
        }
        return criteria;
    }

    private static String guidelines(String g) {
        if (g.length() > 8000) {
            throw new BadInputException("Guidelines have " + g.length() + " characters; at most 8,000.");
        }
        return g.strip();
    }

    /** Edits a task's guidelines and (rating tasks) its criteria; ratings on a criterion no longer listed stay in H2. */
    public Listed edit(String name, @Nullable String guidelines, @Nullable List<String> criteria) {
        HumanStore.Task t = task(name);
        store.setGuidelines(t.name(), guidelines == null || guidelines.isBlank() ? t.guidelines() : guidelines(guidelines),
                criteria == null || t.pairwise() ? t.criteria() : criteria(criteria));
        return describe(name);
    }

    // ------------------------------------------------------------------ items

    /** An item as one annotator sees it: a pair (first/second in this annotator's order) or one answer to rate. */
    @Serdeable
    public record Item(String task, String kind, String pairId, @Nullable String side, String prompt, @Nullable String first,
                       @Nullable String second, @Nullable String answer, List<String> criteria, String guidelines, Progress progress) {
    }

    /**
     * How far a task is: its items, the judgments k annotators give them (needed) and those given; this annotator's
     * count and what is left for them; every annotator's count.
     */
    @Serdeable
    public record Progress(String annotator, int items, int needed, int given, int judgedByYou, int leftForYou, Map<String, Integer> perAnnotator) {
    }

    /** One answer to rate: a side of a pair. */
    private record Slot(PreferenceStore.Pair pair, String side) {
    }

    /** The next item for {@code annotator}: one they have not judged whose judgments are fewer than k; 409 when none is left. */
    public Item next(String name, String annotatorName) {
        HumanStore.Task t = task(name);
        String annotator = PreferenceCollector.annotator(annotatorName);
        List<Slot> open = open(t, annotator);
        Progress progress = progress(t, annotator);
        if (open.isEmpty()) {
            if (progress.items() == 0) {
                throw BadInputException.conflict("Task '" + t.name() + "' has no answers yet: its job is still writing them" + jobNote(t) + ".");
            }
            throw BadInputException.conflict(String.format("Nothing left for '%s' in '%s': %d items, each judged by %d annotators; %s judged %d. "
                    + "%d of %d judgments given.", annotator, t.name(), progress.items(), t.k(), annotator, progress.judgedByYou(),
                    progress.given(), progress.needed()));
        }
        Slot s = open.get(0);
        PreferenceStore.Pair p = s.pair();
        if (t.pairwise()) {
            boolean aFirst = "a".equals(PreferenceCollector.shownFirst(p.id(), annotator));
            return new Item(t.name(), t.kind(), p.id(), null, p.prompt(), aFirst ? p.answerA() : p.answerB(), aFirst ? p.answerB() : p.answerA(),
                    null, t.criteria(), t.guidelines(), progress);
        }
        return new Item(t.name(), t.kind(), p.id(), s.side(), p.prompt(), null, null, "a".equals(s.side()) ? p.answerA() : p.answerB(),
                t.criteria(), t.guidelines(), progress);
    }

    private String jobNote(HumanStore.Task t) {
        return t.jobId() == null ? "" : jobs.find(t.jobId()).map(j -> " (job " + j.id() + ", " + j.state().name().toLowerCase(Locale.ROOT)
                + (j.message() == null ? "" : ": " + j.message()) + ")").orElse("");
    }

    /** The items still open to {@code annotator}, in the task's order (rating: the two answers of a pair in this annotator's order). */
    private List<Slot> open(HumanStore.Task t, String annotator) {
        Map<String, Set<String>> judges = judgesBySlot(t);
        List<Slot> open = new ArrayList<>();
        for (PreferenceStore.Pair p : pairs.pairs(t.promptSet())) {
            List<String> sides = t.pairwise() ? List.of("") : "a".equals(PreferenceCollector.shownFirst(p.id(), annotator)) ? List.of("a", "b")
                    : List.of("b", "a");
            for (String side : sides) {
                Set<String> who = judges.getOrDefault(p.id() + side, Set.of());
                if (!who.contains(annotator) && who.size() < t.k()) {
                    open.add(new Slot(p, side.isEmpty() ? null : side));
                }
            }
        }
        return open;
    }

    /** Who has judged each item (pair id, plus the side for ratings). */
    private Map<String, Set<String>> judgesBySlot(HumanStore.Task t) {
        Map<String, Set<String>> judges = new HashMap<>();
        if (t.pairwise()) {
            pairs.judgments(t.promptSet()).forEach(j -> judges.computeIfAbsent(j.pairId(), x -> new TreeSet<>()).add(j.annotator()));
        } else {
            store.ratings(t.name(), false).forEach(r -> judges.computeIfAbsent(r.pairId() + r.side(), x -> new TreeSet<>()).add(r.annotator()));
        }
        return judges;
    }

    public Progress progress(String name, String annotatorName) {
        return progress(task(name), PreferenceCollector.annotator(annotatorName));
    }

    private Progress progress(HumanStore.Task t, String annotator) {
        int items = pairs.pairs(t.promptSet()).size() * (t.pairwise() ? 1 : 2);
        Map<String, Set<String>> judges = judgesBySlot(t);
        Map<String, Integer> per = new TreeMap<>();
        int given = 0;
        for (Set<String> who : judges.values()) {
            for (String a : who) {
                per.merge(a, 1, Integer::sum);
            }
            given += Math.min(who.size(), t.k());
        }
        int mine = per.getOrDefault(annotator, 0);
        return new Progress(annotator, items, items * t.k(), given, mine, open(t, annotator).size(), per);
    }

    /** A judgment: {@code choice} (pairwise: A, B, tie or both_bad over what the annotator saw) or {@code ratings} (criterion → 1–5). */
    @Serdeable
    public record Judge(String annotator, String pairId, @Nullable String side, @Nullable String choice, @Nullable Map<String, Object> ratings,
                        @Nullable String note) {
    }

    /** Records a judgment (judging an item again replaces the earlier one, which is kept as history); returns the progress. */
    public Progress judge(String name, Judge j) {
        HumanStore.Task t = task(name);
        String annotator = PreferenceCollector.annotator(j.annotator());
        PreferenceStore.Pair p = pairs.pair(j.pairId() == null ? "" : j.pairId()).filter(x -> x.promptSet().equals(t.promptSet()))
                .orElseThrow(() -> BadInputException.notFound("Task '" + t.name() + "' has no item '" + j.pairId() + "'."));
        if (t.pairwise()) {
            collector.judge(p.id(), annotator, j.choice(), j.note());
            return progress(t, annotator);
        }
        String side = j.side() == null ? "" : j.side().strip().toLowerCase(Locale.ROOT);
        if (!side.equals("a") && !side.equals("b")) {
            throw new BadInputException("Say which answer of the pair is rated: side a or b (got '" + j.side() + "').");
        }
        Map<String, Object> given = j.ratings() == null ? Map.of() : j.ratings();
        List<String> unknown = given.keySet().stream().filter(c -> !t.criteria().contains(c)).toList();
        if (!unknown.isEmpty()) {
            throw new BadInputException("Task '" + t.name() + "' rates " + String.join(", ", t.criteria()) + "; not " + String.join(", ", unknown) + ".");
        }
        List<HumanStore.Rating> ratings = new ArrayList<>();
        Instant now = Instant.now();
        String note = j.note() == null || j.note().isBlank() ? null : j.note().strip().substring(0, Math.min(2000, j.note().strip().length()));
        for (String c : t.criteria()) {
            Object v = given.get(c);
            if (v == null) {
                throw new BadInputException("Rate every criterion: " + c + " is missing (rate " + String.join(", ", t.criteria()) + ").");
            }
            double d = v instanceof Number n ? n.doubleValue() : Double.NaN;
            if (v instanceof String s) {
                try {
                    d = Double.parseDouble(s.strip());
                } catch (NumberFormatException e) {
                    d = Double.NaN;
                }
            }
            if (!(d >= 1 && d <= 5) || d != Math.rint(d)) {
                throw new BadInputException("A rating is a whole number from 1 to 5: " + c + " got " + v + ".");
            }
            ratings.add(new HumanStore.Rating(0, t.name(), p.id(), side, annotator, c, (int) d, note, false, now));
        }
        store.rate(ratings);
        return progress(t, annotator);
    }

    /** Every rating of a task, the replaced ones too (history). */
    public List<HumanStore.Rating> ratings(String name) {
        return store.ratings(task(name).name(), true);
    }

    // ------------------------------------------------------------------ agreement

    /** One criterion's agreement: Fleiss over items judged by exactly k annotators, Cohen per pair of annotators. */
    @Serdeable
    public record CriterionAgreement(String criterion, List<String> categories, @Nullable Double fleissKappa, @Nullable Double percentAgreement,
                                     int items, int raters, List<Map<String, Object>> cohen, double target, @Nullable Boolean meetsTarget,
                                     @Nullable String note) {
    }

    public List<CriterionAgreement> agreement(String name) {
        HumanStore.Task t = task(name);
        // labels per criterion: item → annotator → label
        Map<String, Map<String, Map<String, String>>> labels = labels(t);
        List<CriterionAgreement> out = new ArrayList<>();
        for (String criterion : t.criteria()) {
            List<String> categories = t.pairwise() ? PreferenceStore.VERDICTS : List.of("1", "2", "3", "4", "5");
            Map<String, Map<String, String>> items = labels.getOrDefault(criterion, Map.of());
            List<List<Integer>> counts = new ArrayList<>();
            for (Map<String, String> byAnnotator : items.values()) {
                if (byAnnotator.size() == t.k()) {
                    List<Integer> row = new ArrayList<>();
                    categories.forEach(c -> row.add((int) byAnnotator.values().stream().filter(c::equals).count()));
                    counts.add(row);
                }
            }
            Double fleiss = null;
            Double percent = null;
            String note = null;
            if (t.k() < 2) {
                note = "k = 1: every item has one annotator, so there is no agreement to measure.";
            } else if (counts.isEmpty()) {
                note = "No item has its " + t.k() + " judgments yet.";
            } else {
                Agreement.Fleiss f = Agreement.fleiss(counts);
                fleiss = f.kappa();
                percent = f.percentAgreement();
                if (fleiss == null) {
                    note = "Every judgment fell in one category: chance agreement is perfect and kappa is undefined.";
                }
            }
            out.add(new CriterionAgreement(criterion, categories, fleiss, percent, counts.size(), t.k(), cohen(items), KAPPA_TARGET,
                    fleiss == null ? null : fleiss > KAPPA_TARGET, note));
        }
        return out;
    }

    /** Cohen's kappa for every pair of annotators who judged at least two items in common. */
    private static List<Map<String, Object>> cohen(Map<String, Map<String, String>> items) {
        Set<String> annotators = new TreeSet<>();
        items.values().forEach(m -> annotators.addAll(m.keySet()));
        List<String> list = new ArrayList<>(annotators);
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            for (int j = i + 1; j < list.size(); j++) {
                List<List<String>> shared = new ArrayList<>();
                for (Map<String, String> m : items.values()) {
                    if (m.containsKey(list.get(i)) && m.containsKey(list.get(j))) {
                        shared.add(List.of(m.get(list.get(i)), m.get(list.get(j))));
                    }
                }
                if (shared.size() >= 2) {
                    Agreement.Cohen c = Agreement.cohen(shared);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("annotators", List.of(list.get(i), list.get(j)));
                    row.put("items", shared.size());
                    row.put("cohen_kappa", c.kappa());
                    row.put("percent_agreement", c.percentAgreement());
                    out.add(row);
                }
            }
        }
        return out;
    }

    /** criterion → item → annotator → label (pairwise: the stored verdict; rating: the score as text). */
    public Map<String, Map<String, Map<String, String>>> labels(HumanStore.Task t) {
        Map<String, Map<String, Map<String, String>>> out = new LinkedHashMap<>();
        if (t.pairwise()) {
            Map<String, Map<String, String>> items = new LinkedHashMap<>();
            pairs.judgments(t.promptSet()).forEach(j -> items.computeIfAbsent(j.pairId(), x -> new TreeMap<>()).put(j.annotator(), j.verdict()));
            out.put(t.criteria().get(0), items);
        } else {
            for (HumanStore.Rating r : store.ratings(t.name(), false)) {
                out.computeIfAbsent(r.criterion(), x -> new LinkedHashMap<>()).computeIfAbsent(r.pairId() + ":" + r.side(), x -> new TreeMap<>())
                        .put(r.annotator(), String.valueOf(r.score()));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ results per model

    /** A model's human score on one measure: mean, 95 % bootstrap interval (seeded), judgments. */
    @Serdeable
    public record Score(String model, String measure, double value, double[] ci95, int n) {
    }

    /** A task's results: per model the win rate or mean rating per criterion; pairwise tasks also Bradley–Terry and Elo. */
    @Serdeable
    public record Results(String task, String kind, List<Score> scores, List<Ranking.Rated> ranking) {
    }

    public Results results(String name) {
        HumanStore.Task t = task(name);
        Map<String, List<Double>> values = new TreeMap<>();
        List<Ranking.Game> games = new ArrayList<>();
        collect(t, values, games);
        return new Results(t.name(), t.kind(), scores(values), t.pairwise() ? Ranking.rank(games) : List.of());
    }

    /** Adds a task's outcomes per (player, measure): win rate (1 win, ½ tie or both bad, 0 loss) or each rating. */
    private void collect(HumanStore.Task t, Map<String, List<Double>> values, List<Ranking.Game> games) {
        Map<String, PreferenceStore.Pair> byId = pairs.pairs(t.promptSet()).stream().collect(Collectors.toMap(PreferenceStore.Pair::id, p -> p));
        if (t.pairwise()) {
            for (PreferenceStore.Judgment j : pairs.judgments(t.promptSet())) {
                PreferenceStore.Pair p = byId.get(j.pairId());
                String a = player(p.sourceA());
                String b = player(p.sourceB());
                double score = switch (j.verdict()) {
                    case "a" -> 1;
                    case "b" -> 0;
                    default -> 0.5; // tie, both bad
                };
                games.add(new Ranking.Game(a, b, score));
                values.computeIfAbsent(a + "\u0000win_rate", x -> new ArrayList<>()).add(score);
                values.computeIfAbsent(b + "\u0000win_rate", x -> new ArrayList<>()).add(1 - score);
            }
        } else {
            for (HumanStore.Rating r : store.ratings(t.name(), false)) {
                PreferenceStore.Pair p = byId.get(r.pairId());
                if (p != null && t.criteria().contains(r.criterion())) {
                    values.computeIfAbsent(player("a".equals(r.side()) ? p.sourceA() : p.sourceB()) + "\u0000" + r.criterion(),
                            x -> new ArrayList<>()).add((double) r.score());
                }
            }
        }
    }

    private static List<Score> scores(Map<String, List<Double>> values) {
        List<Score> scores = new ArrayList<>();
        values.forEach((key, v) -> {
            double[] d = v.stream().mapToDouble(Double::doubleValue).toArray();
            String[] parts = key.split("\u0000");
            scores.add(new Score(parts[0], parts[1], java.util.Arrays.stream(d).average().orElse(0), EvaluationService.bootstrap(d, 1234), d.length));
        });
        return scores;
    }

    /**
     * Which model (and temperature) wrote an answer, from its pair's source "model, temperature T, seed S": the seed
     * is left out, so the answers of one model at one temperature count together.
     */
    public static String player(String source) {
        int seed = source.lastIndexOf(", seed ");
        return seed < 0 ? source : source.substring(0, seed);
    }

    /** The model id of a player ("gpt2-mini, temperature 0.8" → "gpt2-mini"). */
    public static String modelOf(String player) {
        int comma = player.indexOf(", temperature ");
        return comma < 0 ? player : player.substring(0, comma);
    }

    /**
     * Every task's outcomes pooled per model (the leaderboard's human columns: human/win_rate, human/&lt;criterion&gt;),
     * by model id (temperatures pooled).
     */
    public List<Score> allScores() {
        Map<String, List<Double>> values = new TreeMap<>();
        for (HumanStore.Task t : store.tasks()) {
            Map<String, List<Double>> one = new TreeMap<>();
            collect(t, one, new ArrayList<>());
            one.forEach((key, v) -> {
                String[] parts = key.split("\u0000");
                values.computeIfAbsent(modelOf(parts[0]) + "\u0000" + parts[1], x -> new ArrayList<>()).addAll(v);
            });
        }
        return scores(values);
    }
}
