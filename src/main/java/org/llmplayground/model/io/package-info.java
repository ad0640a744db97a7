/**
 * Weight importers: Hugging Face GPT-2 and Llama (.safetensors + config.json), llama2.c .bin checkpoints and minGPT
 * JSON. Each reads its format into {@link org.llmplayground.model.io.ImportedWeights}: a {@link
 * org.llmplayground.model.ModelConfig} and float32 tensors under our parameter names, converting layouts on the way
 * (GPT-2's Conv1D stores weights transposed; llama2.c rotates interleaved pairs where we rotate halves).
 */
package org.llmplayground.model.io;
