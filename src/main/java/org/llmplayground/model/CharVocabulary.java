package org.llmplayground.model;

import org.llmplayground.core.BadInputException;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Character-level tokenization as in nanoGPT's shakespeare_char: the vocabulary is the set of characters the corpus
 * uses, sorted (Tiny Shakespeare: 65, from '\n' and ' ' to 'z'); id = position in that list. Small vocabulary, long
 * sequences: the model must learn spelling before words.
 */
public final class CharVocabulary implements ModelTokenizer, TokenCodec {
    /** Characters have no end-of-text token (a reply ends with "\n" instead). */
    @Override
    public int endOfText() {
        return -1;
    }

    private final int[] codePoints;
    private final Map<Integer, Integer> ids = new HashMap<>();

    public CharVocabulary(String chars) {
        this.codePoints = chars.codePoints().toArray();
        for (int i = 0; i < codePoints.length; i++) {
            ids.put(codePoints[i], i);
        }
    }

    /** The sorted distinct characters of {@code corpus}. */
    public static CharVocabulary of(String corpus) {
        int[] distinct = corpus.codePoints().distinct().sorted().toArray();
        StringBuilder sb = new StringBuilder();
        Arrays.stream(distinct).forEach(sb::appendCodePoint);
        return new CharVocabulary(sb.toString());
    }

    @Override
    public TokenizerSpec spec() {
        StringBuilder sb = new StringBuilder();
        Arrays.stream(codePoints).forEach(sb::appendCodePoint);
        return TokenizerSpec.chars(sb.toString());
    }

    @Override
    public int vocabSize() {
        return codePoints.length;
    }

    @Override
    public int[] encode(String text) {
        return text.codePoints().map(cp -> {
            Integer id = ids.get(cp);
            if (id == null) {
                throw new BadInputException("The character '" + Character.toString(cp) + "' (U+" + Integer.toHexString(cp).toUpperCase()
                        + ") is not in this model's vocabulary of " + codePoints.length + " characters.");
            }
            return id;
        }).toArray();
    }

    @Override
    public boolean readsText() {
        return true;
    }

    @Override
    public String inputHint() {
        return "Text in this model's " + codePoints.length + " characters";
    }

    /** The character itself; newline, tab and space as visible symbols (⏎ ⇥ ␣) for axis labels. */
    @Override
    public String label(int id) {
        return switch (codePoints[id]) {
            case '\n' -> "⏎";
            case '\t' -> "⇥";
            case ' ' -> "␣";
            default -> Character.toString(codePoints[id]);
        };
    }

    @Override
    public String decode(int[] tokens) {
        StringBuilder sb = new StringBuilder(tokens.length);
        for (int id : tokens) {
            sb.appendCodePoint(codePoints[id]);
        }
        return sb.toString();
    }
}
