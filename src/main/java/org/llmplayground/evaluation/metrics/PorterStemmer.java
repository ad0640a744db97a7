package org.llmplayground.evaluation.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * NLTK's PorterStemmer in its default mode, NLTK_EXTENSIONS (nltk/stem/porter.py, NLTK 3.10): Porter's five steps
 * with NLTK's changes (irregular forms such as "dying" → "die", "ies" → "ie" in four-letter words, "alli", "fulli" and
 * "logi" in step 2, two-letter words cvc). rouge-score and NLTK's METEOR stem with exactly this, so the port follows
 * the Python line for line: "caresses" → "caress", "ponies" → "poni", "relational" → "relat", "generously" → "gener".
 */
public final class PorterStemmer {
    private static final Map<String, String> POOL = new HashMap<>();

    static {
        Map<String, List<String>> irregular = Map.ofEntries(Map.entry("sky", List.of("sky", "skies")), Map.entry("die", List.of("dying")),
                Map.entry("lie", List.of("lying")), Map.entry("tie", List.of("tying")), Map.entry("news", List.of("news")),
                Map.entry("inning", List.of("innings", "inning")), Map.entry("outing", List.of("outings", "outing")),
                Map.entry("canning", List.of("cannings", "canning")), Map.entry("howe", List.of("howe")),
                Map.entry("proceed", List.of("proceed")), Map.entry("exceed", List.of("exceed")), Map.entry("succeed", List.of("succeed")));
        irregular.forEach((key, forms) -> forms.forEach(f -> POOL.put(f, key)));
    }

    private record Rule(String suffix, String replacement, Predicate<String> condition) {
    }

    private PorterStemmer() {
    }

    private static boolean isConsonant(String word, int i) {
        char c = word.charAt(i);
        if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') {
            return false;
        }
        if (c == 'y') {
            return i == 0 || !isConsonant(word, i - 1);
        }
        return true;
    }

    /** m in [C](VC)^m[V]: how many vowel-consonant sequences. */
    static int measure(String stem) {
        StringBuilder cv = new StringBuilder();
        for (int i = 0; i < stem.length(); i++) {
            cv.append(isConsonant(stem, i) ? 'c' : 'v');
        }
        int count = 0;
        for (int i = cv.indexOf("vc"); i >= 0; i = cv.indexOf("vc", i + 2)) {
            count++;
        }
        return count;
    }

    private static boolean positiveMeasure(String stem) {
        return measure(stem) > 0;
    }

    private static boolean containsVowel(String stem) {
        for (int i = 0; i < stem.length(); i++) {
            if (!isConsonant(stem, i)) {
                return true;
            }
        }
        return false;
    }

    private static boolean endsDoubleConsonant(String word) {
        int n = word.length();
        return n >= 2 && word.charAt(n - 1) == word.charAt(n - 2) && isConsonant(word, n - 1);
    }

    private static boolean endsCvc(String word) {
        int n = word.length();
        return (n >= 3 && isConsonant(word, n - 3) && !isConsonant(word, n - 2) && isConsonant(word, n - 1)
                && "wxy".indexOf(word.charAt(n - 1)) < 0)
                || (n == 2 && !isConsonant(word, 0) && isConsonant(word, 1));
    }

    private static String replaceSuffix(String word, String suffix, String replacement) {
        return suffix.isEmpty() ? word + replacement : word.substring(0, word.length() - suffix.length()) + replacement;
    }

    private static String applyRules(String word, List<Rule> rules) {
        for (Rule rule : rules) {
            if (rule.suffix().equals("*d") && endsDoubleConsonant(word)) {
                String stem = word.substring(0, word.length() - 2);
                return rule.condition() == null || rule.condition().test(stem) ? stem + rule.replacement() : word;
            }
            if (word.endsWith(rule.suffix())) {
                String stem = replaceSuffix(word, rule.suffix(), "");
                return rule.condition() == null || rule.condition().test(stem) ? stem + rule.replacement() : word;
            }
        }
        return word;
    }

    private static String step1a(String word) {
        if (word.endsWith("ies") && word.length() == 4) {
            return replaceSuffix(word, "ies", "ie");
        }
        return applyRules(word, List.of(new Rule("sses", "ss", null), new Rule("ies", "i", null), new Rule("ss", "ss", null),
                new Rule("s", "", null)));
    }

    private static String step1b(String word) {
        if (word.endsWith("ied")) {
            return replaceSuffix(word, "ied", word.length() == 4 ? "ie" : "i");
        }
        if (word.endsWith("eed")) {
            String stem = replaceSuffix(word, "eed", "");
            return measure(stem) > 0 ? stem + "ee" : word;
        }
        String intermediate = null;
        for (String suffix : List.of("ed", "ing")) {
            if (word.endsWith(suffix)) {
                String s = replaceSuffix(word, suffix, "");
                if (containsVowel(s)) {
                    intermediate = s;
                    break;
                }
            }
        }
        if (intermediate == null) {
            return word;
        }
        String is = intermediate;
        char last = is.isEmpty() ? ' ' : is.charAt(is.length() - 1);
        return applyRules(is, List.of(new Rule("at", "ate", null), new Rule("bl", "ble", null), new Rule("iz", "ize", null),
                new Rule("*d", String.valueOf(last), stem -> "lsz".indexOf(last) < 0),
                new Rule("", "e", stem -> measure(stem) == 1 && endsCvc(stem))));
    }

    private static String step1c(String word) {
        return applyRules(word, List.of(new Rule("y", "i", stem -> stem.length() > 1 && isConsonant(stem, stem.length() - 1))));
    }

    private static String step2(String word) {
        if (word.endsWith("alli") && positiveMeasure(replaceSuffix(word, "alli", ""))) {
            return step2(replaceSuffix(word, "alli", "al"));
        }
        Predicate<String> m = PorterStemmer::positiveMeasure;
        String w = word;
        return applyRules(word, List.of(new Rule("ational", "ate", m), new Rule("tional", "tion", m), new Rule("enci", "ence", m),
                new Rule("anci", "ance", m), new Rule("izer", "ize", m), new Rule("bli", "ble", m), new Rule("alli", "al", m),
                new Rule("entli", "ent", m), new Rule("eli", "e", m), new Rule("ousli", "ous", m), new Rule("ization", "ize", m),
                new Rule("ation", "ate", m), new Rule("ator", "ate", m), new Rule("alism", "al", m), new Rule("iveness", "ive", m),
                new Rule("fulness", "ful", m), new Rule("ousness", "ous", m), new Rule("aliti", "al", m), new Rule("iviti", "ive", m),
                new Rule("biliti", "ble", m), new Rule("fulli", "ful", m),
                new Rule("logi", "log", stem -> positiveMeasure(w.substring(0, w.length() - 3)))));
    }

    private static String step3(String word) {
        Predicate<String> m = PorterStemmer::positiveMeasure;
        return applyRules(word, List.of(new Rule("icate", "ic", m), new Rule("ative", "", m), new Rule("alize", "al", m),
                new Rule("iciti", "ic", m), new Rule("ical", "ic", m), new Rule("ful", "", m), new Rule("ness", "", m)));
    }

    private static String step4(String word) {
        Predicate<String> m = stem -> measure(stem) > 1;
        return applyRules(word, List.of(new Rule("al", "", m), new Rule("ance", "", m), new Rule("ence", "", m), new Rule("er", "", m),
                new Rule("ic", "", m), new Rule("able", "", m), new Rule("ible", "", m), new Rule("ant", "", m), new Rule("ement", "", m),
                new Rule("ment", "", m), new Rule("ent", "", m),
                new Rule("ion", "", stem -> measure(stem) > 1 && !stem.isEmpty() && "st".indexOf(stem.charAt(stem.length() - 1)) >= 0),
                new Rule("ou", "", m), new Rule("ism", "", m), new Rule("ate", "", m), new Rule("iti", "", m), new Rule("ous", "", m),
                new Rule("ive", "", m), new Rule("ize", "", m)));
    }

    private static String step5a(String word) {
        if (word.endsWith("e")) {
            String stem = replaceSuffix(word, "e", "");
            if (measure(stem) > 1) {
                return stem;
            }
            if (measure(stem) == 1 && !endsCvc(stem)) {
                return stem;
            }
        }
        return word;
    }

    private static String step5b(String word) {
        return applyRules(word, List.of(new Rule("ll", "l", stem -> measure(word.substring(0, word.length() - 1)) > 1)));
    }

    /** NLTK's stem(word): lower-cased (Python's str.lower), then the steps; words of two letters or fewer stay. */
    public static String stem(String word) {
        String stem = PyStr.lower(word);
        if (POOL.containsKey(word)) {
            return POOL.get(stem);
        }
        if (word.codePointCount(0, word.length()) <= 2) { // Python's len counts code points
            return stem;
        }
        stem = step1a(stem);
        stem = step1b(stem);
        stem = step1c(stem);
        stem = step2(stem);
        stem = step3(stem);
        stem = step4(stem);
        stem = step5a(stem);
        stem = step5b(stem);
        return stem;
    }
}
