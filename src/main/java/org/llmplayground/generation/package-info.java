/**
 * Lab 4, Generation. A language model only scores the next token; generating text is a loop that picks one token,
 * appends it and asks again. How it picks is the decoding strategy: greedy takes the most likely token, sampling
 * draws from the distribution after temperature and cuts (top-k, top-p, min-p), beam search keeps several partial
 * texts and returns the most likely whole. Penalties reshape the distribution using what was already written. A KV
 * cache keeps the keys and values of earlier tokens, so each new token costs one position, not the whole text.
 * The Chat playground ({@code chat}) turns conversations into prompts with chat templates; {@code prompts} holds the
 * prompt template library.
 */
package org.llmplayground.generation;
