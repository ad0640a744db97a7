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

    /**
     * A heatmap of a rows × columns matrix: {@code cells} are {x, y, value} triples with x the column index and y the
     * row index; row 0 is drawn at the top. Labels may repeat (token strings do).
     */
    public static Map<String, Object> heatmap(List<String> columns, List<String> rows, List<double[]> cells, double max) {
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("tooltip", Map.of("position", "top"));
        option.put("grid", Map.of("left", 90, "right", 24, "top", 16, "bottom", 90));
        option.put("xAxis", Map.of("type", "category", "data", columns, "axisLabel", Map.of("rotate", 60, "interval", 0)));
        option.put("yAxis", Map.of("type", "category", "data", rows, "inverse", true, "axisLabel", Map.of("interval", 0)));
        option.put("visualMap", Map.of("min", 0, "max", max, "calculable", true, "orient", "horizontal", "left", "center",
                "bottom", 0, "inRange", Map.of("color", List.of("#f8fafc", "#818cf8", "#312e81"))));
        option.put("series", List.of(Map.of("type", "heatmap", "data", cells)));
        return option;
    }

    /**
     * A funnel: how many items are left after each step, widest at the top, in the given order (e.g. documents
     * through the cleaning stages); labels show the name and the count.
     */
    public static Map<String, Object> funnel(Map<String, ? extends Number> steps) {
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("tooltip", Map.of("trigger", "item"));
        option.put("series", List.of(Map.of("type", "funnel", "sort", "none", "minSize", "8%", "left", "5%", "width", "70%",
                "label", Map.of("position", "right", "formatter", "{b}: {c}"),
                "data", steps.entrySet().stream().map(e -> Map.of("name", e.getKey(), "value", e.getValue())).toList())));
        return option;
    }

    /** Shares of a whole, e.g. where a model's parameters live; labels show the name and the percentage. */
    public static Map<String, Object> pie(Map<String, ? extends Number> parts) {
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("tooltip", Map.of("trigger", "item"));
        option.put("series", List.of(Map.of("type", "pie", "radius", List.of("35%", "70%"),
                "label", Map.of("formatter", "{b}: {d}%"),
                "data", parts.entrySet().stream().map(e -> Map.of("name", e.getKey(), "value", e.getValue())).toList())));
        return option;
    }

    /** One line per named series over the same categories (e.g. a statistic per layer). */
    public static Map<String, Object> lines(String xName, String yName, List<String> categories, Map<String, List<? extends Number>> series) {
        Map<String, Object> option = base(xName, yName);
        option.put("legend", Map.of("top", 0));
        option.put("xAxis", axis("category", xName, categories));
        option.put("series", series.entrySet().stream().map(e -> Map.of("type", "line", "name", e.getKey(), "data", e.getValue(),
                "showSymbol", true)).toList());
        return option;
    }

    private static Map<String, Object> base(String xName, String yName) {
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("tooltip", Map.of("trigger", "axis"));
        option.put("grid", Map.of("left", 16, "right", 24, "top", 32, "bottom", 36, "containLabel", true));
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
