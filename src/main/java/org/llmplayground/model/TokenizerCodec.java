package org.llmplayground.model;

import org.llmplayground.corpus.PreCleaner;
import org.llmplayground.tokenizer.TokenizerService;
import org.llmplayground.tokenizer.Tokenization;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Text through one of the Tokenizer lab's tokenizers (GPT-2 for models with GPT-2's vocabulary). */
public final class TokenizerCodec implements TokenCodec {
    private final TokenizerService tokenizers;
    private final String tokenizer;
    private final Map<Integer, String> labels = new ConcurrentHashMap<>();

    public TokenizerCodec(TokenizerService tokenizers, String tokenizer) {
        this.tokenizers = tokenizers;
        this.tokenizer = tokenizer;
    }

    /** The Tokenizer lab id this codec encodes with. */
    public String tokenizerId() {
        return tokenizer;
    }

    @Override
    public boolean readsText() {
        return true;
    }

    @Override
    public String inputHint() {
        return "Text (" + tokenizer + " tokenizer)";
    }

    @Override
    public int[] encode(String input) {
        Tokenization t = tokenizers.encode(input, tokenizer, true, PreCleaner.Options.NONE, 1024);
        for (Tokenization.TokenView v : t.tokens()) {
            labels.putIfAbsent(v.id(), v.text());
        }
        return t.ids();
    }

    @Override
    public String decode(int[] ids) {
        if (ids.length == 0) {
            return "";
        }
        return tokenizers.decode(java.util.Arrays.stream(ids).boxed().toList(), tokenizer).text();
    }

    /** The id of &lt;|endoftext|&gt; when the tokenizer has it as one special token (GPT-2: 50256). */
    @Override
    public int endOfText() {
        if (endOfText == null) {
            int found = -1;
            try {
                int[] ids = tokenizers.encode("<|endoftext|>", tokenizer, true, PreCleaner.Options.NONE, 16).ids();
                found = ids.length == 1 ? ids[0] : -1;
            } catch (RuntimeException e) {
                found = -1;
            }
            endOfText = found;
        }
        return endOfText;
    }

    private volatile Integer endOfText;

    /** The Tokenizer lab id of the tokenizer, e.g. gpt2. */
    public String tokenizer() {
        return tokenizer;
    }

    @Override
    public String label(int id) {
        return labels.computeIfAbsent(id, k -> tokenizers.decode(List.of(k), tokenizer).tokens().get(0));
    }
}
