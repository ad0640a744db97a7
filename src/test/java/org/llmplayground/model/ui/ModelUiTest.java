package org.llmplayground.model.ui;

import org.junit.jupiter.api.Test;
import org.llmplayground.model.ModelFlow;
import org.llmplayground.model.ModelPresets;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ModelUiTest {
    @Test
    void meanOfHeadsAveragesEachCell() {
        float[][][] layer = {{{1, 0}, {0.5f, 0.5f}}, {{1, 0}, {0.1f, 0.9f}}};
        float[][] mean = LookInsidePanel.matrix(layer, LookInsidePanel.MEAN_OF_HEADS);
        assertThat(mean[1]).containsExactly(0.3f, 0.7f);
        assertThat(LookInsidePanel.matrix(layer, 1)[1]).containsExactly(0.1f, 0.9f);
    }

    @Test
    void repeatedTokensGetNumberedLabels() {
        assertThat(LookInsidePanel.numbered(List.of("0", "0", "a\nb"))).containsExactly("0:0", "1:0", "2:a↵b");
    }

    @Test
    void diagramFramesTheRepeatedBlock() {
        String html = ModelDiagram.html(ModelFlow.steps(ModelPresets.get("baby-gpt").config(), 1, 256), 6);
        assertThat(html).startsWith("<div class=\"pg-flow\"><div class=\"pg-flow-step\"><span class=\"pg-flow-name\">Token ids</span>");
        assertThat(html).contains("<div class=\"pg-flow-block\"><div class=\"pg-flow-repeat\">× 6 blocks</div>");
        assertThat(html.indexOf("Final LayerNorm")).isGreaterThan(html.lastIndexOf("</div><div class=\"pg-flow-step\"><span class=\"pg-flow-name\">Final"));
        assertThat(ModelDiagram.escape("<b>&\"")).isEqualTo("&lt;b&gt;&amp;&quot;");
    }

    @Test
    void compactCounts() {
        assertThat(ConfiguratorPanel.compact(124_439_808)).isEqualTo("124.4M");
        assertThat(ConfiguratorPanel.compact(6_738_415_616L)).isEqualTo("6.74B");
        assertThat(ConfiguratorPanel.compact(4_225)).isEqualTo("4.2K");
    }
}
