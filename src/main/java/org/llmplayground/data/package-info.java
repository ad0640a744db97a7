/**
 * Text data: the corpora the labs train and measure on (bundled ones and the user's uploads) and the cleaning steps
 * that turn raw text into training text. Cleaning matters because a tokenizer and a model learn whatever is in the
 * data: leftover HTML tags become tokens, inconsistent Unicode splits one word into several spellings.
 */
package org.llmplayground.data;
