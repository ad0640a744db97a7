package org.llmplayground.evaluation.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * WordNet 3.0 read as NLTK's WordNetCorpusReader reads it (nltk/corpus/reader/wordnet.py): the Princeton database files
 * shipped in extJWNL's extjwnl-data-wn30 artifact (index.{noun,verb,adj,adv}, data.*, *.exc). {@link #lemmaNames}
 * is what METEOR asks: the lemma names of every synset of a word, found through NLTK's morphy for each part of speech
 * (the exception lists first, then its suffix rules: "geese" → "goose", "running" → "run"). Loaded once, on first use
 * (about 30 MB of text).
 */
public final class WordNet {
    private static final String ROOT = "/net/sf/extjwnl/data/wordnet/wn30/";
    /** NLTK's POS_LIST order and file names. */
    private static final List<String> POS = List.of("n", "v", "a", "r");
    private static final Map<String, String> FILE = Map.of("n", "noun", "v", "verb", "a", "adj", "r", "adv");
    private static final Map<String, String[][]> SUBSTITUTIONS = Map.of(
            "n", new String[][]{{"s", ""}, {"ses", "s"}, {"ves", "f"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"},
                    {"men", "man"}, {"ies", "y"}},
            "v", new String[][]{{"s", ""}, {"ies", "y"}, {"es", "e"}, {"es", ""}, {"ed", "e"}, {"ed", ""}, {"ing", "e"}, {"ing", ""}},
            "a", new String[][]{{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}},
            "r", new String[][]{});
    private static final Pattern MARKER = Pattern.compile("(.*?)(\\(.*\\))?$");
    private static volatile WordNet instance;

    /** lemma → pos → synset offsets (index files). */
    private final Map<String, Map<String, long[]>> index = new HashMap<>();
    /** pos → inflected form → base forms (exception files). */
    private final Map<String, Map<String, List<String>>> exceptions = new HashMap<>();
    /** pos → the data file's bytes, read at synset offsets. */
    private final Map<String, byte[]> data = new HashMap<>();
    private final Map<String, List<String>> namesCache = new java.util.concurrent.ConcurrentHashMap<>();

    private WordNet() {
        for (String pos : POS) {
            String file = FILE.get(pos);
            for (String line : lines("index." + file)) {
                if (line.startsWith(" ")) {
                    continue; // the license header
                }
                String[] t = line.split(" +");
                int at = 0;
                String lemma = t[at++];
                String p = t[at++];
                int synsets = Integer.parseInt(t[at++]);
                int pointers = Integer.parseInt(t[at++]);
                at += pointers;
                at++; // sense_cnt (= synsets)
                at++; // tagsense_cnt
                long[] offsets = new long[synsets];
                for (int i = 0; i < synsets; i++) {
                    offsets[i] = Long.parseLong(t[at++]);
                }
                index.computeIfAbsent(lemma, k -> new HashMap<>()).put(p, offsets);
            }
            Map<String, List<String>> exc = new HashMap<>();
            for (String line : lines(file + ".exc")) {
                String[] terms = line.trim().split("\\s+");
                if (terms.length > 0 && !terms[0].isEmpty()) {
                    exc.put(terms[0], List.of(terms).subList(1, terms.length));
                }
            }
            exceptions.put(pos, exc);
            data.put(pos, bytes("data." + file));
        }
    }

    /** The shared instance (the files are read once per process). */
    public static WordNet get() {
        WordNet w = instance;
        if (w == null) {
            synchronized (WordNet.class) {
                w = instance;
                if (w == null) {
                    w = new WordNet();
                    instance = w;
                }
            }
        }
        return w;
    }

    private static byte[] bytes(String name) {
        try (InputStream in = WordNet.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("WordNet's " + name + " is not on the class path (extjwnl-data-wn30).");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8).lines().toList();
    }

    /** NLTK's _morphy(form, pos): the base forms of {@code form} that WordNet has as that part of speech. */
    List<String> morphy(String form, String pos) {
        Map<String, List<String>> exc = exceptions.get(pos);
        if (exc.containsKey(form)) {
            List<String> forms = new ArrayList<>();
            forms.add(form);
            forms.addAll(exc.get(form));
            return filter(forms, pos);
        }
        List<String> forms = applyRules(List.of(form), pos);
        List<String> withOriginal = new ArrayList<>();
        withOriginal.add(form);
        withOriginal.addAll(forms);
        List<String> results = filter(withOriginal, pos);
        if (!results.isEmpty()) {
            return results;
        }
        while (!forms.isEmpty()) {
            forms = applyRules(forms, pos);
            results = filter(forms, pos);
            if (!results.isEmpty()) {
                return results;
            }
        }
        return List.of();
    }

    private static List<String> applyRules(List<String> forms, String pos) {
        List<String> out = new ArrayList<>();
        for (String form : forms) {
            for (String[] sub : SUBSTITUTIONS.get(pos)) {
                if (form.endsWith(sub[0])) {
                    out.add(form.substring(0, form.length() - sub[0].length()) + sub[1]);
                }
            }
        }
        return out;
    }

    private List<String> filter(List<String> forms, String pos) {
        Set<String> out = new LinkedHashSet<>();
        for (String f : forms) {
            Map<String, long[]> p = index.get(f);
            if (p != null && p.containsKey(pos)) {
                out.add(f);
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * The lemma names (as written in WordNet, case kept, "_" for spaces) of every synset NLTK's
     * wordnet.synsets(word) returns, in that order, repeats included.
     */
    public List<String> lemmaNames(String word) {
        return namesCache.computeIfAbsent(PyStr.lower(word), w -> {
            List<String> out = new ArrayList<>();
            for (String pos : POS) {
                for (String form : morphy(w, pos)) {
                    for (long offset : index.get(form).get(pos)) {
                        out.addAll(synsetLemmas(pos, offset));
                    }
                }
            }
            return out;
        });
    }

    /** The lemma names of the synset at {@code offset} of data.{pos}: w_cnt (hex) pairs of word and lex_id after the ss_type. */
    private List<String> synsetLemmas(String pos, long offset) {
        byte[] file = data.get(pos);
        int end = (int) offset;
        while (end < file.length && file[end] != '\n') {
            end++;
        }
        String[] t = new String(file, (int) offset, end - (int) offset, StandardCharsets.UTF_8).split(" ");
        int count = Integer.parseInt(t[3], 16);
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Matcher m = MARKER.matcher(t[4 + 2 * i]);
            names.add(m.matches() ? m.group(1) : t[4 + 2 * i]);
        }
        return names;
    }
}
