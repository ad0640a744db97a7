package org.llmplayground.evaluation.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * METEOR exactly as NLTK's meteor_score (nltk/translate/meteor_score.py, NLTK 3.10): words are str.split() tokens,
 * lower-cased; they are aligned in three stages — exact, then Porter stems of what is left, then WordNet synonyms of
 * what is left (the leftovers are the stems by then, as NLTK has it) — each stage taking hypothesis words from the last
 * backwards and matching the right-most free reference word. With m matches, P = m/|hyp|, R = m/|ref|,
 * Fmean = P·R / (α·P + (1 − α)·R) (α 0.9: recall counts nine times precision), and the fragmentation penalty
 * γ·(chunks/m)^β (γ 0.5, β 3; a chunk is a run of matches adjacent in both): score = (1 − penalty)·Fmean. The score
 * against several references is the best one.
 * <p>Worked example: "the cat sat on the mat" vs "on the mat sat the cat": 6 matches, 3 chunks ("the cat", "sat",
 * "on the mat"); Fmean = 1, penalty 0.5·(3/6)³ = 0.0625, score 0.9375.
 */
public final class Meteor {
    public static final double ALPHA = 0.9;
    public static final double BETA = 3.0;
    public static final double GAMMA = 0.5;
    private final WordNet wordnet;

    public Meteor(WordNet wordnet) {
        this.wordnet = wordnet;
    }

    /** A word at its position. */
    private record Enum(int index, String word) {
    }

    private record Match(int hyp, int ref) {
    }

    /** meteor_score(references, hypothesis): the best single score; references and hypothesis are split on whitespace. */
    public double score(List<String> references, String hypothesis) {
        double best = Double.NEGATIVE_INFINITY;
        for (String r : references) {
            best = Math.max(best, single(r, hypothesis));
        }
        return references.isEmpty() ? 0.0 : best;
    }

    /** single_meteor_score(reference, hypothesis). */
    public double single(String reference, String hypothesis) {
        List<Enum> hyp = enums(hypothesis);
        List<Enum> ref = enums(reference);
        int translationLength = hyp.size();
        int referenceLength = ref.size();
        List<Match> matches = new ArrayList<>();
        matches.addAll(matchEnums(hyp, ref));
        stem(hyp);
        stem(ref);
        matches.addAll(matchEnums(hyp, ref));
        matches.addAll(synonymMatches(hyp, ref));
        matches.sort(Comparator.comparingInt(Match::hyp)); // Python's sorted is stable: equal keys cannot occur here
        int m = matches.size();
        if (translationLength == 0 || referenceLength == 0 || m == 0) {
            return 0.0; // NLTK: ZeroDivisionError → 0.0
        }
        double precision = (double) m / translationLength;
        double recall = (double) m / referenceLength;
        double fmean = precision * recall / (ALPHA * precision + (1 - ALPHA) * recall);
        double fragFrac = (double) chunks(matches) / m;
        double penalty = GAMMA * Math.pow(fragFrac, BETA);
        return (1 - penalty) * fmean;
    }

    private static List<Enum> enums(String text) {
        List<Enum> out = new ArrayList<>();
        List<String> words = PyStr.split(text);
        for (int i = 0; i < words.size(); i++) {
            out.add(new Enum(i, PyStr.lower(words.get(i))));
        }
        return out;
    }

    private static void stem(List<Enum> words) {
        words.replaceAll(e -> new Enum(e.index(), PorterStemmer.stem(e.word())));
    }

    /** _match_enums: from the last hypothesis word back, the right-most equal reference word; both removed. */
    private static List<Match> matchEnums(List<Enum> hyp, List<Enum> ref) {
        List<Match> out = new ArrayList<>();
        for (int i = hyp.size() - 1; i >= 0; i--) {
            for (int j = ref.size() - 1; j >= 0; j--) {
                if (hyp.get(i).word().equals(ref.get(j).word())) {
                    out.add(new Match(hyp.get(i).index(), ref.get(j).index()));
                    hyp.remove(i);
                    ref.remove(j);
                    break;
                }
            }
        }
        return out;
    }

    /** _enum_wordnetsyn_match: the WordNet lemma names (without '_') of the hypothesis word, and the word itself. */
    private List<Match> synonymMatches(List<Enum> hyp, List<Enum> ref) {
        List<Match> out = new ArrayList<>();
        for (int i = hyp.size() - 1; i >= 0; i--) {
            Set<String> syns = new java.util.HashSet<>(wordnet.lemmaNames(hyp.get(i).word()));
            syns.removeIf(s -> s.indexOf('_') >= 0);
            syns.add(hyp.get(i).word());
            for (int j = ref.size() - 1; j >= 0; j--) {
                if (syns.contains(ref.get(j).word())) {
                    out.add(new Match(hyp.get(i).index(), ref.get(j).index()));
                    hyp.remove(i);
                    ref.remove(j);
                    break;
                }
            }
        }
        return out;
    }

    /** _count_chunks over matches sorted by hypothesis position. */
    static int chunks(List<Match> matches) {
        int chunks = 1;
        for (int i = 0; i < matches.size() - 1; i++) {
            if (!(matches.get(i + 1).hyp() == matches.get(i).hyp() + 1 && matches.get(i + 1).ref() == matches.get(i).ref() + 1)) {
                chunks++;
            }
        }
        return chunks;
    }
}
