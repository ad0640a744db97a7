/**
 * The guided course: nine short tutorials (docs/tutorials/*.md) that run beside the real labs. Each step explains one
 * idea, says what to do in the lab, and unlocks the next step only when the app has verified the result — a tokenizer
 * that exists, a run whose validation loss went below a mark, an answer the app computed itself. Progress lives in H2.
 */
package org.llmplayground.course;
