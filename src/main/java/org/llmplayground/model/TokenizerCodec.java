package org.llmplayground.model;

import org.llmplayground.data.PreCleaner;
import org.llmplayground.tokenizer.TokenizerService;
import org.llmplayground.tokenizer.Tokenization;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Text through one of the Tokenizer lab's tokenizers (GPT-2 for models with GPT-2's vocabulary). */
final class TokenizerCodec implements TokenCodec {
    private final TokenizerService tokenizers;
    private final String tokenizer;
    private final Map<Integer, String> labels = new ConcurrentHashMap<>();

    TokenizerCodec(TokenizerService tokenizers, String tokenizer) {
        this.tokenizers = tokenizers;
        this.tokenizer = tokenizer;
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
    public String label(int id) {
        return labels.computeIfAbsent(id, k -> tokenizers.decode(List.of(k), tokenizer).tokens().get(0));
    }
}
