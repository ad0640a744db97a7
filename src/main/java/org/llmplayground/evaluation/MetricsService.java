package org.llmplayground.evaluation;

import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.evaluation.metrics.Bleu;
import org.llmplayground.evaluation.metrics.Chrf;
import org.llmplayground.evaluation.metrics.Distinct;
import org.llmplayground.evaluation.metrics.Meteor;
import org.llmplayground.evaluation.metrics.Rouge;
import org.llmplayground.evaluation.metrics.TextMatch;
import org.llmplayground.evaluation.metrics.WordNet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores given texts with a metric, in the reference packages' own field names: BLEU (score, counts, totals,
 * precisions, bp, sys_len, ref_len; sentences with sacreBLEU's sentence_bleu), chrF (score), ROUGE (rouge1, rouge2,
 * rougeL, rougeLsum, each {precision, recall, fmeasure} of the best reference; corpus: the means over sentences),
 * METEOR (score, the best reference; corpus: the mean), distinct (distinct_1, distinct_2). Inputs are bounded before
 * any work: at most {@link #MAX_ITEMS} predictions, {@link #MAX_REFERENCES} references each, {@link #MAX_CHARS}
 * characters per text.
 */
@Singleton
public class MetricsService {
    public static final List<String> METRICS = List.of("bleu", "chrf", "rouge", "meteor", "distinct", "exact_match", "f1", "contains");
    /** The metrics a custom generation benchmark scores its answers with (one number per answer, 0–1 or BLEU's 0–100). */
    public static final List<String> ANSWER_METRICS = List.of("exact_match", "f1", "contains", "bleu", "rouge", "meteor");
    /** Most generations self-BLEU compares (it is quadratic in their number). */
    static final int MAX_SELF_BLEU = 1000;
    static final int MAX_ITEMS = 10_000;
    static final int MAX_REFERENCES = 16;
    static final int MAX_CHARS = 20_000;

    public Map<String, Object> score(String metric, List<String> predictions, List<List<String>> references, boolean useStemmer) {
        if (metric == null || !METRICS.contains(metric)) {
            throw BadInputException.notFound("No metric '" + metric + "': " + String.join(", ", METRICS) + ".");
        }
        if (predictions == null || predictions.isEmpty()) {
            throw new BadInputException("Give 'predictions': a list of at least one text.");
        }
        if (predictions.size() > MAX_ITEMS) {
            throw new BadInputException(String.format("At most %,d predictions per request (got %,d).", MAX_ITEMS, predictions.size()));
        }
        for (int i = 0; i < predictions.size(); i++) {
            check(predictions.get(i), "predictions[" + i + "]");
        }
        if (!metric.equals("distinct")) {
            if (references == null || references.size() != predictions.size()) {
                throw new BadInputException(String.format("Give 'references': one list of references per prediction (%d predictions, %s).",
                        predictions.size(), references == null ? "no references" : references.size() + " lists"));
            }
            for (int i = 0; i < references.size(); i++) {
                List<String> refs = references.get(i);
                if (refs == null || refs.isEmpty()) {
                    throw new BadInputException("references[" + i + "] is empty: each prediction needs at least one reference.");
                }
                if (refs.size() > MAX_REFERENCES) {
                    throw new BadInputException(String.format("references[%d] has %d references; at most %d.", i, refs.size(), MAX_REFERENCES));
                }
                for (int k = 0; k < refs.size(); k++) {
                    check(refs.get(k), "references[" + i + "][" + k + "]");
                }
            }
        }
        List<Map<String, Object>> sentences = new ArrayList<>();
        Map<String, Object> corpus;
        switch (metric) {
            case "bleu" -> {
                for (int i = 0; i < predictions.size(); i++) {
                    sentences.add(bleu(Bleu.sentence(predictions.get(i), references.get(i))));
                }
                corpus = bleu(Bleu.corpus(predictions, references));
            }
            case "chrf" -> {
                for (int i = 0; i < predictions.size(); i++) {
                    sentences.add(Map.of("score", Chrf.sentence(predictions.get(i), references.get(i))));
                }
                corpus = Map.of("score", Chrf.corpus(predictions, references));
            }
            case "rouge" -> {
                List<Map<String, Rouge.Score>> all = new ArrayList<>();
                for (int i = 0; i < predictions.size(); i++) {
                    Map<String, Rouge.Score> s = Rouge.scoreMulti(references.get(i), predictions.get(i), useStemmer);
                    all.add(s);
                    sentences.add(rouge(s));
                }
                corpus = new LinkedHashMap<>();
                for (String type : Rouge.TYPES) {
                    double p = all.stream().mapToDouble(s -> s.get(type).precision()).average().orElse(0);
                    double r = all.stream().mapToDouble(s -> s.get(type).recall()).average().orElse(0);
                    double f = all.stream().mapToDouble(s -> s.get(type).fmeasure()).average().orElse(0);
                    corpus.put(type, Map.of("precision", p, "recall", r, "fmeasure", f));
                }
            }
            case "meteor" -> {
                Meteor meteor = new Meteor(WordNet.get());
                double sum = 0;
                for (int i = 0; i < predictions.size(); i++) {
                    double s = meteor.score(references.get(i), predictions.get(i));
                    sum += s;
                    sentences.add(Map.of("score", s));
                }
                corpus = Map.of("score", sum / predictions.size());
            }
            case "distinct" -> {
                for (String p : predictions) {
                    sentences.add(distinct(List.of(p)));
                }
                corpus = distinct(predictions);
                if (predictions.size() <= MAX_SELF_BLEU) {
                    corpus.put("self_bleu", TextMatch.selfBleu(predictions));
                }
            }
            default -> { // exact_match, f1, contains: one number per prediction (the best reference), corpus = the mean
                double sum = 0;
                for (int i = 0; i < predictions.size(); i++) {
                    double v = answerScore(metric, predictions.get(i), references.get(i));
                    sum += v;
                    sentences.add(Map.of(metric, v));
                }
                corpus = Map.of(metric, sum / predictions.size());
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("corpus", corpus);
        out.put("sentences", sentences);
        return out;
    }

    /**
     * One answer's score against its references for a custom generation benchmark: exact_match, f1 and contains
     * ({@link TextMatch}, 0 or 1 / 0–1), bleu (sacreBLEU's sentence BLEU, 0–100), rouge (rouge-score's rougeL F,
     * best reference), meteor (NLTK's, best reference).
     */
    public double answerScore(String metric, String prediction, List<String> references) {
        return switch (metric) {
            case "exact_match" -> TextMatch.exactMatch(prediction, references) ? 1 : 0;
            case "contains" -> TextMatch.contains(prediction, references) ? 1 : 0;
            case "f1" -> TextMatch.f1(prediction, references);
            case "bleu" -> Bleu.sentence(prediction, references).score();
            case "rouge" -> Rouge.scoreMulti(references, prediction, false).get("rougeL").fmeasure();
            case "meteor" -> new Meteor(WordNet.get()).score(references, prediction);
            default -> throw new BadInputException("No answer metric '" + metric + "': " + String.join(", ", ANSWER_METRICS) + ".");
        };
    }

    private static void check(String text, String where) {
        if (text == null) {
            throw new BadInputException(where + " is null: give a text (\"\" for an empty one).");
        }
        if (text.length() > MAX_CHARS) {
            throw new BadInputException(String.format("%s has %,d characters; at most %,d.", where, text.length(), MAX_CHARS));
        }
    }

    private static Map<String, Object> bleu(Bleu.Score s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("score", s.score());
        m.put("counts", s.counts());
        m.put("totals", s.totals());
        m.put("precisions", s.precisions());
        m.put("bp", s.bp());
        m.put("sys_len", s.sysLen());
        m.put("ref_len", s.refLen());
        return m;
    }

    private static Map<String, Object> rouge(Map<String, Rouge.Score> s) {
        Map<String, Object> m = new LinkedHashMap<>();
        s.forEach((type, v) -> m.put(type, Map.of("precision", v.precision(), "recall", v.recall(), "fmeasure", v.fmeasure())));
        return m;
    }

    private static Map<String, Object> distinct(List<String> texts) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("distinct_1", Distinct.of(texts, 1).value());
        m.put("distinct_2", Distinct.of(texts, 2).value());
        return m;
    }
}
