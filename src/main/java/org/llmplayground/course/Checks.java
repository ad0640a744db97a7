package org.llmplayground.course;

import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import org.llmplayground.core.Workspace;
import org.llmplayground.corpus.CorpusInfo;
import org.llmplayground.corpus.CorpusStore;
import org.llmplayground.corpus.PreCleaner;
import org.llmplayground.evaluation.EvaluationStore;
import org.llmplayground.finetune.FineTuneService;
import org.llmplayground.generation.GenerationService;
import org.llmplayground.generation.GenerationSettings;
import org.llmplayground.generation.Generator;
import org.llmplayground.model.ModelPresets;
import org.llmplayground.model.ParameterCounter;
import org.llmplayground.preference.PreferenceStore;
import org.llmplayground.registry.ModelRegistry;
import org.llmplayground.tokenizer.TokenizerInfo;
import org.llmplayground.tokenizer.TokenizerService;
import org.llmplayground.tracking.Runs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs a step's check against what the app knows: the tokenizers, runs, models, corpora and judgments that exist,
 * and for an answer, the value the app computes itself (a token count, a parameter count, a model's greedy text). A
 * check never trusts the learner's word: "I trained a tokenizer" passes only when the tokenizer is there.
 */
@Singleton
public class Checks {
    /** The outcome and what to tell the learner. */
    public record Outcome(boolean passed, String message) {
    }

    private final TokenizerService tokenizers;
    private final Runs runs;
    private final ModelRegistry models;
    private final GenerationService generation;
    private final CorpusStore corpora;
    private final PreferenceStore preferences;
    private final EvaluationStore evaluations;
    private final Path exports;
    private final FineTuneService finetune;

    public Checks(TokenizerService tokenizers, Runs runs, ModelRegistry models, GenerationService generation, CorpusStore corpora,
                  PreferenceStore preferences, EvaluationStore evaluations, Workspace workspace, FineTuneService finetune) {
        this.finetune = finetune;
        this.tokenizers = tokenizers;
        this.runs = runs;
        this.models = models;
        this.generation = generation;
        this.corpora = corpora;
        this.preferences = preferences;
        this.evaluations = evaluations;
        this.exports = workspace.dir("exports");
    }

    /** The check kinds the tutorials may use (the parser's test keeps every tutorial within them). */
    public static final Set<String> KINDS = Set.of("tokenizer-trained", "answer-tokens", "answer-parameters", "answer-probability",
            "answer-greedy", "answer-sample", "answer-model", "answer-finetune-accuracy", "run", "model", "corpus", "preferences", "evaluation", "exported");

    public Outcome run(CheckSpec c, @Nullable String answer) {
        if (c.isAnswer() && (answer == null || answer.isBlank())) {
            return new Outcome(false, "Type your answer first.");
        }
        return switch (c.kind()) {
            case "tokenizer-trained" -> tokenizerTrained(Integer.parseInt(c.arg("min_vocab")));
            case "answer-tokens" -> answerTokens(c.arg("tokenizer"), c.arg("text"), answer);
            case "answer-parameters" -> exact(ParameterCounter.count(ModelPresets.get(c.arg("preset")).config()).total(), answer,
                    "the parameter breakdown's total for this preset");
            case "answer-probability" -> answerProbability(c.arg("model"), c.arg("prompt"), answer);
            case "answer-greedy" -> answerText(c, GenerationSettings.greedy(Integer.parseInt(c.arg("chars"))), answer);
            case "answer-sample" -> answerText(c, GenerationSettings.defaults().withMaxNewTokens(Integer.parseInt(c.arg("chars")))
                    .withSampling(Double.parseDouble(c.arg("temperature")), 0, Double.parseDouble(c.arg("top_p")), 0)
                    .withSeed(Long.parseLong(c.arg("seed"))), answer);
            case "answer-model" -> answerModel(c.arg("kind"), answer);
            case "answer-finetune-accuracy" -> answerFineTuneAccuracy(answer);
            case "run" -> run(c.arg("lab"), c.arg("state", "succeeded"), c.args().get("metric"), c.args().get("below"),
                    Integer.parseInt(c.arg("count", "1")));
            case "model" -> model(c.arg("kind"));
            case "corpus" -> corpus(Integer.parseInt(c.arg("made")));
            case "preferences" -> preferences(Integer.parseInt(c.arg("min")));
            case "evaluation" -> evaluation(Integer.parseInt(c.arg("models")));
            case "exported" -> exported();
            default -> throw new IllegalArgumentException("Unknown check '" + c.kind() + "'");
        };
    }

    private Outcome tokenizerTrained(int minVocab) {
        return tokenizers.tokenizers().stream().filter(t -> !t.builtin() && t.vocabSize() >= minVocab)
                .map(t -> new Outcome(true, "Found your tokenizer '" + t.name() + "' with " + String.format("%,d", t.vocabSize()) + " tokens."))
                .findFirst().orElse(new Outcome(false, "No tokenizer of yours with at least " + minVocab + " tokens yet: train one in "
                        + "'Train a vocabulary' with Vocabulary size " + minVocab + "."));
    }

    /** "trained" accepts the count of any tokenizer the learner trained, so it works with several. */
    private Outcome answerTokens(String tokenizer, String text, String answer) {
        List<TokenizerInfo> candidates = "trained".equals(tokenizer)
                ? tokenizers.tokenizers().stream().filter(t -> !t.builtin()).toList() : List.of(tokenizers.tokenizer(tokenizer));
        if (candidates.isEmpty()) {
            return new Outcome(false, "Train a tokenizer first (the step before).");
        }
        Long given = number(answer);
        for (TokenizerInfo t : candidates) {
            int n = tokenizers.encode(text, t.id(), false, PreCleaner.Options.NONE, 0).ids().length;
            if (given != null && given == n) {
                return new Outcome(true, "Right: " + t.name() + " makes " + n + " tokens of it.");
            }
        }
        return new Outcome(false, "That is not how many tokens " + (candidates.size() == 1 ? candidates.get(0).name() : "your tokenizers")
                + " make of it. Encode exactly the sentence in the step and count the chips (the panel shows the count).");
    }

    private static Outcome exact(long expected, String answer, String where) {
        Long given = number(answer);
        return given != null && given == expected ? new Outcome(true, String.format("Right: %,d.", expected))
                : new Outcome(false, "Not quite: read " + where + " (the exact number, separators allowed).");
    }

    private Outcome answerProbability(String model, String prompt, String answer) {
        var r = generation.generate(generation.prepare(model, prompt, GenerationSettings.greedy(1)), Generator.Listener.NONE, () -> false);
        double percent = 100 * r.probabilities()[0];
        Double given = decimal(answer);
        if (given != null && given <= 1 && percent > 1.5) {
            given *= 100; // answered as a probability (0.42) rather than a percentage
        }
        return given != null && Math.abs(given - percent) <= 1.0
                ? new Outcome(true, String.format(Locale.ROOT, "Right: %.1f %% for %s.", percent, visible(r.tokens().get(0))))
                : new Outcome(false, "Not quite: read the top bar of the next-token distribution for exactly \"" + prompt + "\" (within 1 point).");
    }

    /** The first {@code chars} tokens of the model's continuation; for "latest-trained", any of the 3 newest trained models. */
    private Outcome answerText(CheckSpec c, GenerationSettings settings, String answer) {
        List<String> ids = "latest-trained".equals(c.arg("model")) ? latestTrained() : List.of(c.arg("model"));
        if (ids.isEmpty()) {
            return new Outcome(false, "No trained model yet: wait for the run to save a checkpoint.");
        }
        int chars = Integer.parseInt(c.arg("chars"));
        // a learner who copies the whole output copies the prompt too ("ROMEO:⏎What the"): accept it with or without
        String given = normalize(answer);
        String prompt = normalize(c.arg("prompt"));
        List<String> candidates = given.startsWith(prompt) && given.length() > prompt.length()
                ? List.of(given, given.substring(prompt.length()).strip()) : List.of(given);
        for (String id : ids) {
            String text = generation.generate(generation.prepare(id, c.arg("prompt"), settings), Generator.Listener.NONE, () -> false).text();
            String expected = text.length() > chars ? text.substring(0, chars) : text;
            String want = normalize(expected);
            if (candidates.stream().anyMatch(a -> a.equals(want) || a.startsWith(want) && !want.isEmpty())) {
                return new Outcome(true, "Right: the model writes \"" + expected.replace("\n", "⏎") + "\".");
            }
        }
        return new Outcome(false, "That is not what the model writes with these settings. Check the model, the prompt (exactly \""
                + c.arg("prompt") + "\") and the settings, generate again and paste the first " + chars + " characters.");
    }

    private List<String> latestTrained() {
        return models.list("trained", null).stream().sorted(Comparator.comparing(ModelRegistry.Entry::createdAt).reversed()).limit(3)
                .map(ModelRegistry.Entry::id).toList();
    }

    /** The tuned accuracy on the test split of one of the 2 newest LoRA/QLoRA adapters, as Compare shows it (±1 point). */
    private Outcome answerFineTuneAccuracy(String answer) {
        List<FineTuneService.Adapter> adapters = finetune.adapters().stream().filter(a -> !"full".equals(a.method())).toList();
        if (adapters.isEmpty()) {
            return new Outcome(false, "No finished LoRA fine-tuning run yet (the step before).");
        }
        Double given = decimal(answer);
        for (FineTuneService.Adapter a : adapters.subList(0, Math.min(2, adapters.size()))) { // newest first
            double percent = 100 * finetune.compare(a.id(), "test", null, null).tuned().accuracy();
            if (given != null && Math.abs(given - percent) <= 1.0) {
                return new Outcome(true, String.format(Locale.ROOT, "Right: '%s' answers %.1f %% of the test instructions exactly.", a.name(), percent));
            }
        }
        return new Outcome(false, "Not what Compare gives for your adapter on the test split (within 1 point).");
    }

    private Outcome answerModel(String kind, String answer) {
        String id = answer.strip();
        return models.list(kind, null).stream().anyMatch(e -> e.id().equals(id))
                ? new Outcome(true, "Right: " + id + " is served at /v1/models.")
                : new Outcome(false, "No " + kind + " model has the id '" + id + "'. Copy an \"id\" from the /v1/models answer.");
    }

    private Outcome run(String lab, String state, @Nullable String metric, @Nullable String below, int count) {
        List<Runs.Run> found = runs.list(lab, null, null, null).stream()
                .filter(r -> "any".equals(state) || r.state().equals(state))
                .filter(r -> metric == null || value(r, metric) != null && value(r, metric) < Double.parseDouble(Objects.requireNonNull(below)))
                .toList();
        if (found.size() >= count) {
            Runs.Run r = found.get(0);
            return new Outcome(true, "Found " + (count > 1 ? found.size() + " runs, the newest " : "the run ") + "'" + r.name() + "'"
                    + (metric == null ? "" : String.format(Locale.ROOT, " with %s %.3f", metric.replace('_', ' '), value(r, metric))) + ".");
        }
        String want = (count > 1 ? count + " " : "a ") + lab + " run" + (count > 1 ? "s" : "")
                + ("any".equals(state) ? "" : " that " + state) + (metric == null ? "" : " with " + metric.replace('_', ' ') + " below " + below);
        Double best = metric == null ? null : runs.list(lab, null, null, null).stream().map(r -> value(r, metric)).filter(Objects::nonNull)
                .min(Double::compare).orElse(null);
        return new Outcome(false, "Not yet: the app looks for " + want + (best == null ? "." : String.format(Locale.ROOT, "; the best so far is %.3f.", best)));
    }

    private static @Nullable Double value(Runs.Run r, String metric) {
        return r.summary().get(metric) instanceof Number n ? n.doubleValue() : null;
    }

    private Outcome model(String kind) {
        List<ModelRegistry.Entry> found = models.list(kind, null);
        return found.isEmpty() ? new Outcome(false, "No " + kind + " model yet.")
                : new Outcome(true, "Found the " + kind + " model '" + found.get(0).name() + "'.");
    }

    /** Corpora the app wrote (a cleaning pipeline's output or split); uploads and bundled corpora do not count. */
    private Outcome corpus(int made) {
        List<CorpusInfo> found = corpora.list().stream().filter(c -> !c.bundled() && c.id().startsWith("data-")).toList();
        return found.size() >= made ? new Outcome(true, "Found the corpus '" + found.get(0).name() + "'.")
                : new Outcome(false, "No cleaned corpus yet: run the pipeline to the end.");
    }

    private Outcome preferences(int min) {
        long n = preferences.judgmentCount();
        return n >= min ? new Outcome(true, n + " judgments stored.") : new Outcome(false, n + " of " + min + " judgments so far: judge a few more pairs.");
    }

    /** {@code models} different models evaluated on at least one common task, both runs finished. */
    private Outcome evaluation(int models) {
        List<EvaluationStore.Run> done = evaluations.list().stream().filter(r -> "succeeded".equals(r.state())).toList();
        for (EvaluationStore.Run r : done) {
            for (String task : r.tasks()) {
                long n = done.stream().filter(o -> o.tasks().contains(task)).map(EvaluationStore.Run::model).distinct().count();
                if (n >= models) {
                    return new Outcome(true, n + (n == 1 ? " model" : " models") + " evaluated on " + task + ".");
                }
            }
        }
        return new Outcome(false, models == 1 ? "No finished evaluation yet." : "Evaluate a second model on the same task.");
    }

    private Outcome exported() {
        if (!Files.isDirectory(exports)) {
            return new Outcome(false, "Nothing exported yet.");
        }
        try (Stream<Path> s = Files.list(exports)) {
            List<String> done = new ArrayList<>(s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.endsWith(Workspace.UNFINISHED)).toList());
            return done.isEmpty() ? new Outcome(false, "Nothing exported yet.") : new Outcome(true, "Exported: " + String.join(", ", done) + ".");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static @Nullable Long number(String s) {
        try {
            return Long.parseLong(s.strip().replaceAll("[ ,_']", ""));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static @Nullable Double decimal(String s) {
        try {
            return Double.parseDouble(s.strip().replace("%", "").replace(',', '.').strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Whitespace-insensitive: a copied line break, several spaces or ⏎ all compare as one space. */
    private static String normalize(String s) {
        return s.replace("⏎", "\n").replaceAll("\\s+", " ").strip();
    }

    private static String visible(String token) {
        return "'" + token.replace("\n", "⏎").replace(" ", "␣") + "'";
    }
}
