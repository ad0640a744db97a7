package org.llmplayground.core.chart;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builders for the ECharts options the labs use most, so views say what to plot, not how ECharts spells it.
 * <pre>chart.setOption(ChartOptions.bars("Token length (bytes)", "Tokens", List.of("1", "2"), List.of(120, 80)));</pre>
 */
public final class ChartOptions {
    private ChartOptions() {
    }

    /** A bar chart (e.g. a histogram): one bar per category. */
    public static Map<String, Object> bars(String xName, String yName, List<String> categories, List<? extends Number> values) {
        Map<String, Object> option = base(xName, yName);
        option.put("xAxis", axis("category", xName, categories));
        option.put("series", List.of(Map.of("type", "bar", "name", yName, "data", values, "barMaxWidth", 48)));
        return option;
    }

    private static Map<String, Object> base(String xName, String yName) {
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("tooltip", Map.of("trigger", "axis"));
        option.put("grid", Map.of("left", 56, "right", 24, "top", 32, "bottom", 48));
        option.put("yAxis", axis("value", yName, null));
        return option;
    }

    private static Map<String, Object> axis(String type, String name, List<String> data) {
        Map<String, Object> axis = new LinkedHashMap<>();
        axis.put("type", type);
        axis.put("name", name);
        axis.put("nameLocation", "middle");
        axis.put("nameGap", "value".equals(type) ? 40 : 28);
        if (data != null) {
            axis.put("data", data);
        }
        return axis;
    }
}
