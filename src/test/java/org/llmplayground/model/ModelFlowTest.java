package org.llmplayground.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ModelFlowTest {
    @Test
    void gpt2SmallShapes() {
        List<ModelFlow.Step> steps = ModelFlow.steps(ModelPresets.get("gpt2-small").config(), 1, 128);
        assertThat(steps.get(0)).isEqualTo(new ModelFlow.Step("Token ids", "(1, 128)", "integers below 50257", false));
        assertThat(steps).extracting(ModelFlow.Step::shape).contains("(1, 128, 768)", "(1, 12, 128, 128)", "(1, 128, 3,072)", "(1, 128, 50,257)");
        assertThat(steps.stream().filter(ModelFlow.Step::repeated).count()).isEqualTo(9);
        assertThat(steps.get(steps.size() - 1).detail()).isEqualTo("reuses the token embedding matrix");
    }

    @Test
    void groupedQueryAttentionAndRope() {
        ModelConfig llama = ModelConfig.llamaStyle().kvHeads(8).build();
        ModelFlow.Step qkv = ModelFlow.steps(llama, 2, 4096).stream().filter(s -> s.name().equals("Queries, keys, values")).findFirst().orElseThrow();
        assertThat(qkv.shape()).isEqualTo("q (2, 32, 4,096, 128), k/v (2, 8, 4,096, 128)");
        assertThat(qkv.detail()).isEqualTo("32 heads of 128; 8 key/value heads shared; q and k rotated by position (RoPE)");
    }

    @Test
    void sequenceIsCappedAtTheContext() {
        assertThat(ModelFlow.steps(ModelPresets.get("bigram").config(), 4, 10_000).get(1).shape()).isEqualTo("(4, 256, 65)");
    }
}
