package org.llmplayground.tokenizer;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * A text tokenized by one tokenizer: all ids, the tokens with their strings and offsets (up to a limit; see
 * {@code tokensTruncated}), counts, the histogram of token lengths in bytes, and what pre-cleaning changed (empty when
 * it was off) with the cleaned text that was tokenized (null when it was off).
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS) // "ids": [] for the empty text, not a missing field
public record Tokenization(String tokenizer, int vocabSize, int[] ids, List<TokenView> tokens, boolean tokensTruncated,
                           TokenStats stats, List<LengthBin> tokenLengths, List<String> cleaning,
                           @Nullable String cleanedText) {

    /**
     * One token for display: {@code text} is its bytes read as UTF-8 (U+FFFD where a token holds part of a
     * character), {@code bytes} the exact bytes in hex, {@code start}/{@code end} the UTF-16 char range in the text.
     */
    @Serdeable
    public record TokenView(int id, String text, String bytes, int start, int end, int chunk, boolean special) {
    }

    /**
     * Counts: characters are Unicode code points; compression is {@code bytes / tokens} (GPT-2 on English prose: ~4).
     */
    @Serdeable
    public record TokenStats(long characters, long bytes, long tokens, double charsPerToken, double bytesPerToken) {
        static TokenStats of(String text, long bytes, long tokens) {
            long chars = text.codePointCount(0, text.length());
            return new TokenStats(chars, bytes, tokens, tokens == 0 ? 0 : (double) chars / tokens,
                    tokens == 0 ? 0 : (double) bytes / tokens);
        }
    }
}
