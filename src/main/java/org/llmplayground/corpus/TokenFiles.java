package org.llmplayground.corpus;

import java.util.List;

/**
 * Tokenization as the trainer does it, offered to the data pipeline without the data package depending on the
 * training package (which reads corpora from here): counting tokens for statistics, and writing a corpus into the
 * token file the trainer maps ({@code <workspace>/cache/datasets/<hash>-<tokenizer>/tokens.u16}).
 */
public interface TokenFiles {
    /** Tokenizer ids the trainer accepts: "char" and the Tokenizer lab's. */
    List<String> tokenizers();

    /** How many tokens {@code text} is for {@code tokenizer}. */
    long countTokens(String text, String tokenizer);

    /** Tokenizes the corpus into the trainer's cache (or finds it there); returns the number of tokens. */
    long tokenize(String corpus, String tokenizer);
}
