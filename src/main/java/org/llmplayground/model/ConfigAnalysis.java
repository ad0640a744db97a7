package org.llmplayground.model;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** A config looked at from every side: parameters, memory at each precision, and the data flow with shapes. */
@Serdeable
public record ConfigAnalysis(String name, ModelConfig config, ParameterBreakdown parameters, List<MemoryEstimate> memory,
                             List<ModelFlow.Step> flow) {
}
