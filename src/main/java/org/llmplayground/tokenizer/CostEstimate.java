package org.llmplayground.tokenizer;

import io.micronaut.serde.annotation.Serdeable;

/** What a text costs at a price per 1,000 tokens: {@code cost = tokens / 1000 × pricePer1k}. */
@Serdeable
public record CostEstimate(String tokenizer, long tokens, double pricePer1k, double cost) {
    public static CostEstimate of(String tokenizer, long tokens, double pricePer1k) {
        return new CostEstimate(tokenizer, tokens, pricePer1k, tokens / 1000.0 * pricePer1k);
    }
}
