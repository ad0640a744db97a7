/**
 * Text data, Lab 5: where documents come from (bundled corpora, uploads, files in the workspace's datasets folder,
 * Hugging Face Hub downloads, web pages), the cleaning pipeline run as a job ({@link org.llmplayground.data.DataService}),
 * statistics of a dataset, and the split that hands a clean corpus to the trainer. Cleaning matters because a
 * tokenizer and a model learn whatever is in the data: leftover HTML becomes tokens, inconsistent Unicode splits one
 * word into several spellings, and a document seen a hundred times is memorised instead of generalised from.
 */
package org.llmplayground.data;
