/**
 * Lab 6, part 2: preferences. After supervised fine-tuning a model answers; preference tuning teaches it which
 * answers people prefer. DPO ({@link org.llmplayground.preference.DpoLoss}) trains the policy directly on pairs
 * (prompt, chosen, rejected) against a frozen reference, its implicit reward β·log π/π_ref, on the training loop of
 * Lab 3 with the LoRA adapters of the SFT lab: the reference is the same network with its adapters switched off.
 */
package org.llmplayground.preference;
