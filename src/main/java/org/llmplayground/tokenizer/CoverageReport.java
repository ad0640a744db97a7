package org.llmplayground.tokenizer;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * How a tokenizer fits a corpus: how many tokens it needs (fewer = more text per context window and per dollar),
 * how much of its vocabulary the corpus uses, which tokens are most frequent and how long tokens are.
 */
@Serdeable
public record CoverageReport(String tokenizer, String corpus, Tokenization.TokenStats stats, int distinctTokens,
                             int vocabSize, double vocabularyUsed, List<TokenCount> topTokens, List<LengthBin> tokenLengths) {

    /** A frequent token: how often it occurs and its share of all tokens. */
    @Serdeable
    public record TokenCount(int id, String text, long count, double share) {
    }
}
