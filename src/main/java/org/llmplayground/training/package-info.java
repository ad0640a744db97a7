/**
 * Lab 3, pre-training. A language model learns by predicting the next token: show it a block of text, compare its
 * predicted distribution at every position with the token that actually comes next (cross-entropy), and nudge every
 * weight against the gradient of that loss (AdamW). Repeat on random blocks of the corpus until the loss on held-out
 * text stops falling. This package holds the data pipeline, the schedule and optimizer, the training loop with its
 * checkpoints, and {@link TrainingService}, which runs trainings as jobs and records every step in H2.
 */
package org.llmplayground.training;
