package org.llmplayground.data.clean;

import io.micronaut.serde.annotation.Serdeable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Heuristic quality rules in the style of DeepMind's Gopher (Rae et al. 2021, appendix A) and C4: each one catches a
 * kind of web junk, and each threshold is visible and editable. A document is removed by the first rule it fails, and
 * the report counts removals per rule. The defaults are Gopher's where it gives one.
 *
 * @param minWords              fewer words is a fragment (Gopher: 50)
 * @param maxWords              more is usually a dump (Gopher: 100,000)
 * @param minMeanWordLength     mean word length below this is gibberish or lists of numbers (Gopher: 3)
 * @param maxMeanWordLength     above this: URLs, base64, concatenated words (Gopher: 10)
 * @param maxSymbolWordRatio    "#" and "…" per word above this is spam or tag soup (Gopher: 0.1)
 * @param minAlphaWordFraction  at least this share of words must contain a letter (Gopher: 0.8)
 * @param maxBulletLineFraction lines starting with a bullet, above this is a menu or list page (Gopher: 0.9)
 * @param maxEllipsisLineFraction lines ending in "…" or "...", above this is a page of teasers (Gopher: 0.3)
 * @param minPunctuatedLineFraction lines ending in . ! ? " or similar; below this, not prose (C4; 0 turns it off)
 * @param maxDuplicateLineFraction lines that repeat another line of the document (Gopher: 0.3)
 * @param maxTopBigramFraction  characters covered by the most frequent word pair (Gopher: 0.2)
 */
@Serdeable
public record QualityFilter(int minWords, int maxWords, double minMeanWordLength, double maxMeanWordLength, double maxSymbolWordRatio,
                            double minAlphaWordFraction, double maxBulletLineFraction, double maxEllipsisLineFraction,
                            double minPunctuatedLineFraction, double maxDuplicateLineFraction, double maxTopBigramFraction)
        implements Stage {

    public static QualityFilter gopher() {
        return new QualityFilter(50, 100_000, 3, 10, 0.1, 0.8, 0.9, 0.3, 0, 0.3, 0.2);
    }

    @Override
    public String name() {
        return "quality";
    }

    @Override
    public Optional<Document> apply(Document d, StageReport report) {
        String failed = firstFailedRule(d.text());
        if (failed != null) {
            report.removed(d, failed);
            return Optional.empty();
        }
        return Optional.of(d);
    }

    /**
     * The name of the first rule the text fails, or null when it passes them all. Plain loops over characters, no
     * regular expressions or streams: this runs on every document of a corpus.
     */
    public String firstFailedRule(String text) {
        String[] words = words(text);
        int n = words.length;
        if (n < minWords) {
            return "too few words";
        }
        if (n > maxWords) {
            return "too many words";
        }
        long letters = 0;
        int alpha = 0;
        for (String w : words) {
            letters += w.length();
            alpha += hasLetter(w) ? 1 : 0;
        }
        // '#' and '...' never contain whitespace, so counting them in the text counts them in the words
        int symbols = count(text, "#") + count(text, "...") + count(text, "…");
        double mean = (double) letters / n;
        if (mean < minMeanWordLength || mean > maxMeanWordLength) {
            return "mean word length";
        }
        if ((double) symbols / n > maxSymbolWordRatio) {
            return "symbol-to-word ratio";
        }
        if ((double) alpha / n < minAlphaWordFraction) {
            return "words without letters";
        }
        List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (!lines.isEmpty()) {
            int bullets = 0;
            int ellipsis = 0;
            int punctuated = 0;
            int duplicates = 0;
            Set<String> seen = new HashSet<>();
            for (String l : lines) {
                bullets += "•●▪◦*-–·".indexOf(l.charAt(0)) >= 0 ? 1 : 0;
                ellipsis += l.endsWith("...") || l.endsWith("…") ? 1 : 0;
                punctuated += ".!?\"'”’)".indexOf(l.charAt(l.length() - 1)) >= 0 ? 1 : 0;
                duplicates += seen.add(l) ? 0 : 1;
            }
            double count = lines.size();
            if (bullets / count > maxBulletLineFraction) {
                return "bullet lines";
            }
            if (ellipsis / count > maxEllipsisLineFraction) {
                return "lines ending in ellipsis";
            }
            if (punctuated / count < minPunctuatedLineFraction) {
                return "lines without end punctuation";
            }
            if (duplicates / count > maxDuplicateLineFraction) {
                return "duplicate lines";
            }
        }
        if (n >= 2 && topBigramFraction(words, letters) > maxTopBigramFraction) {
            return "repeated word pairs";
        }
        return null;
    }

    /** The whitespace-separated words of a text. */
    public static String[] words(String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int len = text.length();
        while (i < len) {
            while (i < len && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < len && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i > start) {
                out.add(text.substring(start, i));
            }
        }
        return out.toArray(String[]::new);
    }

    private static boolean hasLetter(String w) {
        for (int i = 0; i < w.length(); i++) {
            if (Character.isLetter(w.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Characters of the most frequent word bigram (times its count) over all word characters. Pairs are counted by
     * the hash codes of their lower-cased words (two ints in one long), which saves building a string per pair.
     */
    static double topBigramFraction(String[] words, long letters) {
        Map<Long, int[]> counts = new HashMap<>();
        int[] lower = new int[words.length];
        for (int i = 0; i < words.length; i++) {
            lower[i] = words[i].toLowerCase(java.util.Locale.ROOT).hashCode();
        }
        int best = 0;
        int bestChars = 0;
        for (int i = 0; i + 1 < words.length; i++) {
            long key = ((long) lower[i] << 32) | (lower[i + 1] & 0xffffffffL);
            int[] c = counts.computeIfAbsent(key, k -> new int[1]);
            if (++c[0] > best) {
                best = c[0];
                bestChars = words[i].length() + words[i + 1].length();
            }
        }
        return best < 2 ? 0 : (double) best * bestChars / letters;
    }

    private static int count(String s, String sub) {
        int c = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
            c++;
        }
        return c;
    }
}
