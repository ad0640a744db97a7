package org.llmplayground.model.io;

import org.llmplayground.model.ModelConfig;

import java.util.List;
import java.util.Map;

/**
 * A model read from a weight file: its config and float32 tensors under our parameter names
 * ({@code layers.0.attn.q.weight}, ...), plus the file tensors that were not needed (buffers such as causal masks).
 */
public record ImportedWeights(String format, ModelConfig config, Map<String, Tensor> tensors, List<String> ignored) {
}
