package org.llmplayground.model;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** A parameter count and where the parameters live; the components add up to {@code total}. */
@Serdeable
public record ParameterBreakdown(long total, List<Component> components) {

    /**
     * One part of the model: {@code prefix} is the start of the parameter names it covers in our implementation
     * (e.g. {@code layers.*.attn.}), {@code formula} how the count comes about, e.g. "12 × (4 × 768 × 768 + 3,072)".
     */
    @Serdeable
    public record Component(String name, String prefix, long parameters, String formula) {
    }
}
