package org.llmplayground.tokenizer;

/**
 * One token of a text: its id, the UTF-16 char range {@code [start, end)} it covers (a token holding part of a
 * multi-byte character covers that whole character), the index of its pre-tokenizer chunk, and whether it is a
 * special token such as {@code <|endoftext|>}.
 */
public record Token(int id, int start, int end, int chunk, boolean special) {
}
