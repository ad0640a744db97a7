package org.llmplayground.model;

import org.junit.jupiter.api.Test;
import org.llmplayground.core.BadInputException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParameterCounterTest {
    @Test
    void everyPresetMatchesItsPublishedCount() {
        for (ModelPreset p : ModelPresets.ALL) {
            long counted = ParameterCounter.count(p.config()).total();
            if (p.publishedParameters() > 0) {
                assertThat(counted).as(p.id()).isEqualTo(p.publishedParameters());
            }
        }
        assertThat(ParameterCounter.count(ModelPresets.get("gpt2-small").config()).total()).isEqualTo(124_439_808L);
        assertThat(ParameterCounter.count(ModelPresets.get("llama2-7b").config()).total()).isEqualTo(6_738_415_616L);
        assertThat(ParameterCounter.count(ModelPresets.get("tinystories-260k").config()).total()).isEqualTo(260_032L);
        assertThat(ParameterCounter.count(ModelPresets.get("bigram").config()).total()).isEqualTo(65L * 65);
    }

    @Test
    void gpt2SmallBreakdown() {
        ParameterBreakdown b = ParameterCounter.count(ModelPresets.get("gpt2-small").config());
        assertThat(b.components()).extracting(ParameterBreakdown.Component::parameters)
                .containsExactly(38_597_376L, 786_432L, 28_348_416L, 56_669_184L, 36_864L, 1_536L, 0L);
        assertThat(b.components().get(6).formula()).isEqualTo("tied to the token embedding");
    }

    @Test
    void invalidConfigsNameTheField() {
        ModelConfig.Builder gpt2 = ModelConfig.gpt2Style();
        assertThatThrownBy(() -> ParameterCounter.count(gpt2.heads(5).build())).isInstanceOf(BadInputException.class)
                .hasMessage("Invalid model config: embeddingSize (768) must be divisible by heads (5): each head gets embeddingSize / heads dimensions.");
        assertThat(ModelConfig.gpt2Style().layers(0).contextLength(0).build().problems())
                .containsExactly("contextLength must be between 1 and 1,048,576 (got 0).", "layers must be between 1 and 1,000 (got 0).");
        // sizes that once overflowed the count (−5,764,607,452,167,274,496 parameters, HTTP 200) are refused by name
        assertThat(ModelConfig.gpt2Style().vocabSize(Integer.MAX_VALUE).layers(2_000_000_000).embeddingSize(1 << 30).heads(1).kvHeads(1)
                .ffnHiddenSize(Integer.MAX_VALUE).build().problems()).containsExactly(
                "vocabSize must be between 1 and 10,000,000 (got 2,147,483,647).", "layers must be between 1 and 1,000 (got 2,000,000,000).",
                "embeddingSize must be between 1 and 65,536 (got 1,073,741,824).", "ffnHiddenSize must be between 1 and 1,048,576 (got 2,147,483,647).");
        // the largest config allowed still counts exactly (no overflow: 6.5·10^11 embedding + 2·10^14 in the blocks)
        assertThat(ParameterCounter.count(ModelConfig.gpt2Style().vocabSize(10_000_000).contextLength(1 << 20).layers(1_000)
                .embeddingSize(65_536).heads(1_024).kvHeads(1_024).ffnHiddenSize(1 << 20).build()).total()).isPositive();
        assertThat(ModelConfig.llamaStyle().kvHeads(5).build().problems())
                .containsExactly("kvHeads (5) must divide heads (32): query heads share each key/value head in equal groups.");
        assertThat(ModelConfig.llamaStyle().embeddingSize(96).heads(32).build().problems())
                .containsExactly("RoPE rotates dimensions in pairs: the head size (3) must be even.");
        assertThat(ModelConfig.gpt2Style().dropout(1.5).build().problems()).containsExactly("dropout must be at least 0 and below 1 (got 1.5).");
    }

    @Test
    void memoryEstimateForGpt2Small() {
        ModelConfig c = ModelPresets.get("gpt2-small").config();
        MemoryEstimate fp32 = MemoryEstimator.estimate(c, Precision.FP32, 8, 1024);
        long p = 124_439_808L;
        assertThat(fp32.weights()).isEqualTo(4 * p);
        assertThat(fp32.gradients()).isEqualTo(4 * p);
        assertThat(fp32.optimizerState()).isEqualTo(8 * p);
        // activations: 12 layers × (s·b·d·34 + 5·a·s²·b) × 2 (fp32) + logits 2·4·b·s·V
        long perLayer = 1024L * 8 * 768 * 34 + 5L * 12 * 1024 * 1024 * 8;
        assertThat(fp32.activations()).isEqualTo(12 * perLayer * 2 + 2L * 4 * 8 * 1024 * 50257);
        assertThat(fp32.training()).isEqualTo(16 * p + fp32.activations());
        MemoryEstimate int8 = MemoryEstimator.estimate(c, Precision.INT8, 1, 128);
        assertThat(int8.weights()).isEqualTo(p);
        assertThat(int8.training()).isZero();
        assertThat(MemoryEstimator.estimate(c, Precision.FP16, 1, 128).optimizerState()).isEqualTo(12 * p);
    }
}
