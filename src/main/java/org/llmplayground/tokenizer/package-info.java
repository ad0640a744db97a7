/**
 * Lab 1, the Tokenizer. A language model reads token ids, not characters: a tokenizer cuts text into pieces from a
 * fixed vocabulary and numbers them. Byte-pair encoding (BPE) learns that vocabulary from text by repeatedly merging
 * the most frequent adjacent pair of tokens, starting from the 256 byte values, so any text can be encoded and
 * frequent words become single tokens.
 * <p>
 * {@code bpe/} holds the algorithm (trainer, encoder, GPT-2 files); this package adapts it and the reference
 * implementations (jtokkit's tiktoken encodings, Hugging Face tokenizers) to one {@link TextTokenizer} interface, and
 * {@link TokenizerService} serves the lab's view and REST API alike.
 */
package org.llmplayground.tokenizer;
