/**
 * The corpus store every lab reads: the bundled corpora (Tiny Shakespeare, WikiText-2), the files a learner uploads,
 * and the corpora the Data lab saves after cleaning. A corpus is UTF-8 text with an id, a name and a size; this
 * package checks that a file really is text ({@link org.llmplayground.corpus.Utf8Text}: no NUL bytes, strict UTF-8,
 * with where it failed), keeps uploads under the workspace, and offers the Tokenizer lab's pre-cleaning steps
 * ({@link org.llmplayground.corpus.PreCleaner}: HTML to text, whitespace).
 * <p>
 * It is shared on purpose: the Tokenizer, Transformer, Training and Data labs all read corpora, and none of them
 * imports another lab to do so (an ArchUnit rule keeps it so).
 */
package org.llmplayground.corpus;
