/**
 * Small shared pieces only: the workspace folder, the job runner (background work with progress, cancel and a record
 * in H2), the chart component over ECharts, the explanation panel every lab uses, and the API error format.
 * <p>
 * <b>One persistence style: the {@link org.llmplayground.core.Jdbc} helper.</b> New stores write plain SQL through it
 * (as TrainingStore, ChatStore, PromptStore and the job table do): the SQL a reader sees is the SQL that runs, batch
 * inserts (step metrics) and custom queries need no escape hatch, and no record carries persistence annotations into
 * the services and views. The two Micronaut Data repositories left (corpus, tokenizer) move over when next touched.
 */
package org.llmplayground.core;
