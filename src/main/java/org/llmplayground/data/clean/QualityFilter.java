package org.llmplayground.data.clean;

import io.micronaut.serde.annotation.Serdeable;

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

    /** The name of the first rule the text fails, or null when it passes them all. */
    public String firstFailedRule(String text) {
        String[] words = text.trim().isEmpty() ? new String[0] : text.trim().split("\\s+");
        int n = words.length;
        if (n < minWords) {
            return "too few words";
        }
        if (n > maxWords) {
            return "too many words";
        }
        long letters = 0;
        int alpha = 0;
        int symbols = 0;
        for (String w : words) {
            letters += w.length();
            if (w.chars().anyMatch(Character::isLetter)) {
                alpha++;
            }
            symbols += count(w, "#") + count(w, "...") + count(w, "…");
        }
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
            double bullets = lines.stream().filter(l -> l.matches("^[•●▪◦*\\-–·].*")).count() / (double) lines.size();
            if (bullets > maxBulletLineFraction) {
                return "bullet lines";
            }
            double ellipsis = lines.stream().filter(l -> l.endsWith("...") || l.endsWith("…")).count() / (double) lines.size();
            if (ellipsis > maxEllipsisLineFraction) {
                return "lines ending in ellipsis";
            }
            double punctuated = lines.stream().filter(l -> l.matches(".*[.!?\"'”’)]$")).count() / (double) lines.size();
            if (punctuated < minPunctuatedLineFraction) {
                return "lines without end punctuation";
            }
            Set<String> seen = new HashSet<>();
            long duplicates = lines.stream().filter(l -> !seen.add(l)).count();
            if ((double) duplicates / lines.size() > maxDuplicateLineFraction) {
                return "duplicate lines";
            }
        }
        if (n >= 2 && topBigramFraction(words, letters) > maxTopBigramFraction) {
            return "repeated word pairs";
        }
        return null;
    }

    /** Characters of the most frequent word bigram (times its count) over all word characters. */
    static double topBigramFraction(String[] words, long letters) {
        Map<String, Integer> counts = new HashMap<>();
        int best = 0;
        String top = "";
        for (int i = 0; i + 1 < words.length; i++) {
            String b = words[i].toLowerCase(java.util.Locale.ROOT) + " " + words[i + 1].toLowerCase(java.util.Locale.ROOT);
            int c = counts.merge(b, 1, Integer::sum);
            if (c > best) {
                best = c;
                top = b;
            }
        }
        return best < 2 ? 0 : (double) best * (top.length() - 1) / letters;
    }

    private static int count(String s, String sub) {
        int c = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
            c++;
        }
        return c;
    }
}
