/**
 * The cleaning pipeline of the Data lab: ordered {@link org.llmplayground.data.clean.Stage}s that each see one
 * document at a time (so corpora stream through in bounded memory), change or remove it, and report what they did
 * with examples. Normalisation (HTML, NFKC, control characters, whitespace), Gopher-style quality rules, PII
 * type tags ([EMAIL], [PHONE], …), exact and near deduplication, language filtering and the train/val/test split.
 * {@link org.llmplayground.data.clean.ParallelCleaner} runs a pipeline on every core with the output in input order:
 * deduplication stages are {@link org.llmplayground.data.clean.KeyedStage}s whose expensive part (a hash, a MinHash
 * signature) runs in parallel and whose decision runs in order.
 */
package org.llmplayground.data.clean;
