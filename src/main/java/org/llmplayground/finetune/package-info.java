/**
 * Lab 6, fine-tuning. A pre-trained model continues text; supervised fine-tuning (SFT) shows it instructions and the
 * answers to learn, with the loss on the answers only, so it learns to answer rather than to write instructions.
 * LoRA trains a low-rank update ΔW = (α/r)·B·A of chosen layers and freezes everything else. This package reads
 * instruction data ({@link org.llmplayground.finetune.SftFormats}), renders examples through the chat templates the
 * Chat playground uses and marks what is learned ({@link org.llmplayground.finetune.SftEncoder}), and batches them
 * for the training loop of Lab 3 ({@link org.llmplayground.finetune.SftBatches}): one loop, one optimizer, one set
 * of checkpoints and jobs for pre-training and fine-tuning.
 */
package org.llmplayground.finetune;
