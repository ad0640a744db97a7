package org.llmplayground.evaluation.judge;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.jobs.JobRecord;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.evaluation.human.HumanEvaluation;
import org.llmplayground.evaluation.human.HumanStore;
import org.llmplayground.evaluation.metrics.Agreement;
import org.llmplayground.generation.GenerationService;
import org.llmplayground.generation.GenerationSettings;
import org.llmplayground.generation.Generator;
import org.llmplayground.model.LoadedModel;
import org.llmplayground.model.ModelService;
import org.llmplayground.preference.PreferenceStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LLM-as-judge over a human evaluation task's answers, as MT-Bench does it: a judge model reads a prompt template
 * (editable) and answers with a verdict in a fixed format — "[[A]]", "[[B]]" or "[[C]]" (tie) for a pair, "[[1]]" …
 * "[[5]]" for one answer on a criterion. A reply without exactly one such verdict is recorded as unparsed and counted,
 * never guessed. Position bias is controlled by judging each pair twice, in both orders: a verdict counts only when
 * both orders agree; when they disagree the pair is "inconsistent" (the judge followed the position, not the answer).
 * The judge is a model of this app (greedy decoding) or any OpenAI-compatible endpoint ({@link RemoteJudge}). The
 * judge's agreement with the humans on the same items is Cohen's kappa against the humans' majority label.
 * Judging a task again makes a new run: the latest is the task's judge result, the earlier ones stay listed.
 */
@Singleton
public class JudgeService {
    public static final String KIND = "judge";
    public static final String REMOTE = "remote";
    static final Pattern PAIR_VERDICT = Pattern.compile("\\[\\[([ABC])]]");
    static final Pattern RATING_VERDICT = Pattern.compile("\\[\\[([1-5])]]");
    public static final String PAIRWISE_TEMPLATE = """
            Please act as an impartial judge and evaluate the quality of the responses provided by two AI assistants to the \
            user question displayed below. Choose the assistant that follows the user's instructions and answers the question \
            better. Do not let the order of the responses, their length or the assistants' names influence you. After a short \
            explanation, output your final verdict strictly in this format: "[[A]]" if assistant A is better, "[[B]]" if \
            assistant B is better, and "[[C]]" for a tie.

            [User Question]
            {question}

            [The Start of Assistant A's Answer]
            {answer_a}
            [The End of Assistant A's Answer]

            [The Start of Assistant B's Answer]
            {answer_b}
            [The End of Assistant B's Answer]
            """;
    public static final String RATING_TEMPLATE = """
            Please act as an impartial judge and rate the response of an AI assistant to the user question below on \
            {criterion}, following these guidelines:
            {guidelines}

            After a short explanation, output your rating from 1 (worst) to 5 (best) strictly in this format: "[[3]]".

            [User Question]
            {question}

            [The Start of the Assistant's Answer]
            {answer}
            [The End of the Assistant's Answer]
            """;
    /** Consecutive failed calls after which a run stops (the endpoint is down: no point calling it 200 more times). */
    static final int MAX_CONSECUTIVE_FAILURES = 3;

    private final JudgeStore store;
    private final HumanEvaluation human;
    private final PreferenceStore pairs;
    private final RemoteJudge remote;
    private final GenerationService generation;
    private final ModelService models;
    private final JobRunner jobs;

    public JudgeService(JudgeStore store, HumanEvaluation human, PreferenceStore pairs, RemoteJudge remote, GenerationService generation,
                        ModelService models, JobRunner jobs) {
        this.store = store;
        this.human = human;
        this.pairs = pairs;
        this.remote = remote;
        this.generation = generation;
        this.models = models;
        this.jobs = jobs;
    }

    /**
     * A judge run: the task, the judge ("remote" or a local model id), the template (default: MT-Bench's), the criterion
     * a rating task's judge rates (default its first), the judge's reply length (default 32 tokens local, 512 remote).
     */
    @Serdeable
    public record Request(String task, String judge, @Nullable String template, @Nullable String criterion, @Nullable Integer maxTokens) {
    }

    /** Whether a remote judge is configured, and as what (model @ host). */
    public Map<String, Object> remote() {
        return Map.of("configured", remote.configured(), "judge", remote.describe());
    }

    public JudgeStore.Run start(Request r) {
        HumanStore.Task t = human.task(r.task());
        List<PreferenceStore.Pair> items = pairs.pairs(t.promptSet());
        if (items.isEmpty()) {
            throw BadInputException.conflict("Task '" + t.name() + "' has no answers yet to judge.");
        }
        String judge = r.judge() == null ? "" : r.judge().strip();
        String described;
        if (judge.equals(REMOTE)) {
            if (!remote.configured()) {
                throw new BadInputException("No judge endpoint is configured: set playground.evaluation.judge.base-url (and api-key) or "
                        + "choose a local model.");
            }
            described = "remote:" + remote.describe();
        } else if (judge.isEmpty()) {
            throw new BadInputException("Give 'judge': \"remote\" (the configured endpoint) or a local model's id (GET /api/v1/models).");
        } else {
            LoadedModel m = models.get(judge);
            if (!m.info().readsText()) {
                throw new BadInputException(m.info().name() + " reads " + m.info().input() + ", not text: it cannot judge.");
            }
            described = "local:" + judge;
        }
        String template = r.template() == null || r.template().isBlank() ? (t.pairwise() ? PAIRWISE_TEMPLATE : RATING_TEMPLATE) : r.template();
        if (template.length() > 8000) {
            throw new BadInputException("The template has " + template.length() + " characters; at most 8,000.");
        }
        List<String> needed = t.pairwise() ? List.of("{question}", "{answer_a}", "{answer_b}") : List.of("{question}", "{answer}");
        List<String> missing = needed.stream().filter(p -> !template.contains(p)).toList();
        if (!missing.isEmpty()) {
            throw new BadInputException("The template must contain " + String.join(", ", needed) + "; it lacks " + String.join(", ", missing) + ".");
        }
        String criterion = t.pairwise() ? null : r.criterion() == null || r.criterion().isBlank() ? t.criteria().get(0) : r.criterion().strip();
        if (criterion != null && !t.criteria().contains(criterion)) {
            throw new BadInputException("Task '" + t.name() + "' rates " + String.join(", ", t.criteria()) + "; not '" + criterion + "'.");
        }
        int maxTokens = r.maxTokens() == null ? (judge.equals(REMOTE) ? 512 : 32) : r.maxTokens();
        if (maxTokens < 1 || maxTokens > 2048) {
            throw new BadInputException("max_tokens must be between 1 and 2048 (got " + maxTokens + ").");
        }
        JudgeStore.Run run = new JudgeStore.Run(UUID.randomUUID().toString(), t.name(), described, template, criterion, "queued", null, null,
                Instant.now(), null);
        store.insert(run);
        JobRecord job = jobs.submit(KIND, "Judge '" + t.name() + "' with " + described, KIND, ctx -> {
            store.setState(run.id(), "running", null, null);
            int calls = 0;
            int failures = 0;
            List<String[]> slots = new ArrayList<>();
            for (PreferenceStore.Pair p : items) {
                for (String slot : t.pairwise() ? List.of("ab", "ba") : List.of("a", "b")) {
                    slots.add(new String[]{p.id(), slot});
                }
            }
            Map<String, PreferenceStore.Pair> byId = new HashMap<>();
            items.forEach(p -> byId.put(p.id(), p));
            try {
                for (String[] s : slots) {
                    ctx.checkCancelled();
                    ctx.progress(calls, slots.size(), "Judging " + (calls + 1) + " of " + slots.size());
                    String prompt = fill(template, t, byId.get(s[0]), s[1], criterion);
                    try {
                        String reply = judge.equals(REMOTE) ? remote.complete(prompt, maxTokens) : local(judge, prompt, maxTokens);
                        store.add(new JudgeStore.Verdict(run.id(), s[0], s[1], reply, parse(reply, t.pairwise()), null));
                        failures = 0;
                    } catch (RemoteJudge.Failed | BadInputException e) {
                        store.add(new JudgeStore.Verdict(run.id(), s[0], s[1], null, null, e.getMessage()));
                        if (++failures >= MAX_CONSECUTIVE_FAILURES) {
                            throw new BadInputException("Stopped after " + failures + " failed calls in a row: " + e.getMessage());
                        }
                    }
                    calls++;
                }
                store.setState(run.id(), "succeeded", calls + " judge calls", Instant.now());
                return run.id();
            } catch (org.llmplayground.core.jobs.JobCancelledException e) {
                store.setState(run.id(), "cancelled", "Cancelled after " + calls + " calls", Instant.now());
                throw e;
            } catch (RuntimeException e) {
                store.setState(run.id(), "failed", e.getMessage(), Instant.now());
                throw e;
            }
        });
        store.setJob(run.id(), job.id());
        return store.find(run.id()).orElseThrow();
    }

    private String local(String model, String prompt, int maxTokens) {
        var prepared = generation.prepare(model, prompt, GenerationSettings.greedy(maxTokens));
        return generation.generate(prepared, Generator.Listener.NONE, () -> false).text();
    }

    /** The template filled for one slot: "ab" shows the stored answers in order, "ba" swapped; "a"/"b" one answer. */
    static String fill(String template, HumanStore.Task t, PreferenceStore.Pair p, String slot, @Nullable String criterion) {
        String first = slot.equals("ba") ? p.answerB() : p.answerA();
        String second = slot.equals("ba") ? p.answerA() : p.answerB();
        return template.replace("{question}", p.prompt()).replace("{answer_a}", first).replace("{answer_b}", second)
                .replace("{answer}", slot.equals("b") ? p.answerB() : p.answerA()).replace("{criterion}", criterion == null ? "" : criterion)
                .replace("{guidelines}", t.guidelines());
    }

    /** The verdict in a reply: exactly one distinct "[[A]]"/"[[B]]"/"[[C]]" (pairs) or "[[1]]"…"[[5]]" (ratings); else null. */
    static String parse(String reply, boolean pairwise) {
        Set<String> found = new TreeSet<>();
        Matcher m = (pairwise ? PAIR_VERDICT : RATING_VERDICT).matcher(reply == null ? "" : reply);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found.size() == 1 ? found.iterator().next() : null;
    }

    /** A pair's verdict from its two orders, as a stored verdict (a, b, tie), "inconsistent", or null (unparsed or failed). */
    static String combine(@Nullable String ab, @Nullable String ba) {
        if (ab == null || ba == null) {
            return null;
        }
        String first = switch (ab) {
            case "A" -> "a";
            case "B" -> "b";
            default -> "tie";
        };
        String second = switch (ba) { // the answers were swapped: A is the stored b
            case "A" -> "b";
            case "B" -> "a";
            default -> "tie";
        };
        return first.equals(second) ? first : "inconsistent";
    }

    public JudgeStore.Run run(String id) {
        return store.find(id).orElseThrow(() -> BadInputException.notFound("No judge run '" + id + "'."));
    }

    public List<JudgeStore.Run> runs(@Nullable String task) {
        return store.list(task == null || task.isBlank() ? null : task.strip());
    }

    /**
     * A run's results: the counts (calls, parsed, unparsed, failed; pairs: consistent, inconsistent — position bias),
     * every item with the judge's raw replies and verdict, the judge's score per model, and Cohen's kappa between the
     * judge and the humans' majority label on the items both judged.
     */
    public Map<String, Object> results(String id) {
        JudgeStore.Run run = run(id);
        HumanStore.Task t = human.task(run.task());
        List<JudgeStore.Verdict> verdicts = store.verdicts(id);
        Map<String, PreferenceStore.Pair> byId = new HashMap<>();
        pairs.pairs(t.promptSet()).forEach(p -> byId.put(p.id(), p));
        int parsed = (int) verdicts.stream().filter(v -> v.parsed() != null).count();
        int failed = (int) verdicts.stream().filter(v -> v.error() != null).count();
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("calls", verdicts.size());
        counts.put("parsed", parsed);
        counts.put("unparsed", verdicts.size() - parsed - failed);
        counts.put("failed", failed);
        Map<String, Map<String, String>> bySlot = new LinkedHashMap<>();
        verdicts.forEach(v -> bySlot.computeIfAbsent(v.pairId(), k -> new HashMap<>()).put(v.slot(), v.parsed()));
        Map<String, String> judgeLabels = new LinkedHashMap<>(); // item → label
        List<Map<String, Object>> items = new ArrayList<>();
        Map<String, List<Double>> perModel = new LinkedHashMap<>();
        if (t.pairwise()) {
            int consistent = 0;
            int inconsistent = 0;
            int firstWins = 0;
            int decided = 0;
            for (Map.Entry<String, Map<String, String>> e : bySlot.entrySet()) {
                String ab = e.getValue().get("ab");
                String ba = e.getValue().get("ba");
                String verdict = combine(ab, ba);
                for (String v : new String[]{ab, ba}) {
                    if (v != null && !v.equals("C")) {
                        decided++;
                        firstWins += v.equals("A") ? 1 : 0;
                    }
                }
                if ("inconsistent".equals(verdict)) {
                    inconsistent++;
                } else if (verdict != null) {
                    consistent++;
                    judgeLabels.put(e.getKey(), verdict);
                    PreferenceStore.Pair p = byId.get(e.getKey());
                    double score = verdict.equals("a") ? 1 : verdict.equals("b") ? 0 : 0.5;
                    perModel.computeIfAbsent(HumanEvaluation.player(p.sourceA()), k -> new ArrayList<>()).add(score);
                    perModel.computeIfAbsent(HumanEvaluation.player(p.sourceB()), k -> new ArrayList<>()).add(1 - score);
                }
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("pair_id", e.getKey());
                item.put("ab", ab);
                item.put("ba", ba);
                item.put("verdict", verdict);
                items.add(item);
            }
            counts.put("consistent", consistent);
            counts.put("inconsistent", inconsistent);
            counts.put("first_position_wins", decided == 0 ? null : firstWins / (double) decided);
        } else {
            for (Map.Entry<String, Map<String, String>> e : bySlot.entrySet()) {
                PreferenceStore.Pair p = byId.get(e.getKey());
                for (String side : List.of("a", "b")) {
                    String score = e.getValue().get(side);
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("pair_id", e.getKey());
                    item.put("side", side);
                    item.put("score", score == null ? null : Integer.parseInt(score));
                    items.add(item);
                    if (score != null) {
                        judgeLabels.put(e.getKey() + ":" + side, score);
                        perModel.computeIfAbsent(HumanEvaluation.player(side.equals("a") ? p.sourceA() : p.sourceB()),
                                k -> new ArrayList<>()).add(Double.parseDouble(score));
                    }
                }
            }
        }
        // the humans' majority label per item (a unique most common label; items without one are left out)
        Map<String, Map<String, String>> humans = human.labels(t).getOrDefault(t.pairwise() ? t.criteria().get(0) : run.criterion(), Map.of());
        List<List<String>> paired = new ArrayList<>();
        judgeLabels.forEach((item, label) -> {
            Map<String, String> h = humans.get(item);
            String majority = h == null ? null : majority(h.values());
            if (majority != null) {
                paired.add(List.of(label, majority));
            }
        });
        Map<String, Object> agreement = new LinkedHashMap<>();
        agreement.put("items", paired.size());
        if (paired.size() >= 2) {
            Agreement.Cohen c = Agreement.cohen(paired);
            agreement.put("cohen_kappa", c.kappa());
            agreement.put("percent_agreement", c.percentAgreement());
        } else {
            agreement.put("note", "Cohen's kappa needs at least 2 items both the judge and the humans decided (" + paired.size() + " now).");
        }
        Map<String, Object> scores = new LinkedHashMap<>();
        perModel.forEach((model, v) -> scores.put(model, Map.of(t.pairwise() ? "win_rate" : run.criterion(),
                v.stream().mapToDouble(Double::doubleValue).average().orElse(0), "n", v.size())));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run", run);
        out.put("counts", counts);
        out.put("scores", scores);
        out.put("agreement_with_humans", agreement);
        out.put("items", items);
        out.put("replies", verdicts);
        return out;
    }

    private static String majority(java.util.Collection<String> labels) {
        Map<String, Integer> counts = new HashMap<>();
        labels.forEach(l -> counts.merge(l, 1, Integer::sum));
        int max = counts.values().stream().max(Integer::compare).orElse(0);
        List<String> top = counts.entrySet().stream().filter(e -> e.getValue() == max).map(Map.Entry::getKey).toList();
        return top.size() == 1 ? top.get(0).toLowerCase(Locale.ROOT) : null;
    }
}
