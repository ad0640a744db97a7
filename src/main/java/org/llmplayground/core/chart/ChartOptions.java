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
     * row index; row 0 is drawn at the top. Labels may repeat (token strings do). Labels shrink as the matrix grows
     * (12 px up to 16 tokens, 10 px up to 32, then 9 px) and long ones are cut with "…"; give the chart
     * {@link #heatmapHeight(int)} so every row keeps its own line (44 tokens → 14 px per row).
     */
    public static Map<String, Object> heatmap(List<String> columns, List<String> rows, List<double[]> cells, double max) {
        int n = Math.max(columns.size(), rows.size());
        int font = n <= 16 ? 12 : n <= 32 ? 10 : 9;
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("tooltip", Map.of("position", "top"));
        option.put("grid", Map.of("left", 16, "right", 24, "top", 16, "bottom", 64, "containLabel", true));
        option.put("xAxis", Map.of("type", "category", "data", columns, "axisLabel", Map.of("rotate", columns.size() <= 12 ? 45 : 90,
                "interval", 0, "fontSize", font, "width", 72, "overflow", "truncate")));
        option.put("yAxis", Map.of("type", "category", "data", rows, "inverse", true, "axisLabel", Map.of("interval", 0,
                "fontSize", font, "width", 96, "overflow", "truncate")));
        option.put("visualMap", Map.of("min", 0, "max", max, "calculable", true, "orient", "horizontal", "left", "center",
                "bottom", 0, "itemHeight", 120, "inRange", Map.of("color", List.of("#f8fafc", "#818cf8", "#312e81"))));
        option.put("series", List.of(Map.of("type", "heatmap", "data", cells)));
        return option;
    }

    /** The pixel height at which a heatmap of {@code rows} rows shows every row label apart: ≥ 14 px a row, at least 360 px. */
    public static int heatmapHeight(int rows) {
        return Math.max(360, 190 + rows * 14);
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

    /**
     * Shares of a whole, e.g. where a model's parameters live. Slices under 3 % get no label of their own (their labels
     * would pile on top of each other); the legend below and the tooltip name every slice with its share.
     */
    public static Map<String, Object> pie(Map<String, ? extends Number> parts) {
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("tooltip", Map.of("trigger", "item", "formatter", "{b}: {c} ({d}%)"));
        option.put("legend", Map.of("type", "scroll", "bottom", 0));
        option.put("series", List.of(Map.of("type", "pie", "radius", List.of("30%", "58%"), "center", List.of("50%", "45%"),
                "avoidLabelOverlap", true, "minShowLabelAngle", 10.8, "labelLayout", Map.of("hideOverlap", true),
                "label", Map.of("formatter", "{b}: {d}%", "fontSize", 12),
                "data", parts.entrySet().stream().map(e -> Map.of("name", e.getKey(), "value", e.getValue())).toList())));
        return option;
    }

    /** One line per named series over the same categories (e.g. a statistic per layer). */
    public static Map<String, Object> lines(String xName, String yName, List<String> categories, Map<String, List<? extends Number>> series) {
        Map<String, Object> option = base(xName, yName);
        option.put("legend", Map.of("top", 0, "type", "scroll"));
        option.put("grid", Map.of("left", 16, "right", 24, "top", 56, "bottom", 36, "containLabel", true)); // legend, then the y name
        option.put("xAxis", axis("category", xName, categories));
        option.put("series", series.entrySet().stream().map(e -> Map.of("type", "line", "name", e.getKey(), "data", e.getValue(),
                "showSymbol", true)).toList());
        return option;
    }

    /**
     * Lines over a numeric x axis, each series its own (x, y) points: runs of different lengths overlaid by step or by
     * seconds. {@code logY} draws y on a log scale (losses that fall by orders of magnitude).
     */
    public static Map<String, Object> xy(String xName, String yName, Map<String, List<double[]>> series, boolean logY) {
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("tooltip", Map.of("trigger", "axis"));
        option.put("legend", Map.of("top", 0, "type", "scroll"));
        option.put("grid", Map.of("left", 16, "right", 24, "top", 56, "bottom", 36, "containLabel", true));
        option.put("xAxis", Map.of("type", "value", "name", xName, "nameLocation", "middle", "nameGap", 26, "min", "dataMin"));
        option.put("yAxis", Map.of("type", logY ? "log" : "value", "name", yName, "scale", true, "nameTextStyle", Map.of("align", "left")));
        option.put("series", series.entrySet().stream().map(e -> Map.of("type", "line", "name", e.getKey(), "data", e.getValue(),
                "showSymbol", e.getValue().size() < 30)).toList());
        return option;
    }

    /**
     * A radar of several series over named axes, values already normalised to 0..1 (1 = the best shown); each
     * series' {@code raw} lines (the unnormalised values) appear in its tooltip, so the shape compares models and the
     * tooltip still tells the real scores.
     */
    public static Map<String, Object> radar(List<String> axes, Map<String, double[]> normalised, Map<String, List<String>> raw) {
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("tooltip", Map.of("trigger", "item", "formatter", "raw"));
        option.put("legend", Map.of("bottom", 0, "type", "scroll"));
        option.put("radar", Map.of("indicator", axes.stream().map(a -> Map.of("name", a, "max", 1, "min", 0)).toList(), "radius", "62%",
                "center", List.of("50%", "48%")));
        option.put("series", List.of(Map.of("type", "radar", "data", normalised.entrySet().stream().map(e -> Map.of("name", e.getKey(),
                "value", e.getValue(), "raw", raw.getOrDefault(e.getKey(), List.of()))).toList())));
        return option;
    }

    /** Bars side by side: one group per category, one bar per named series (e.g. two models per MMLU category). */
    public static Map<String, Object> groupedBars(String xName, String yName, List<String> categories, Map<String, List<? extends Number>> series) {
        Map<String, Object> option = base(xName, yName);
        option.put("legend", Map.of("top", 0, "type", "scroll"));
        option.put("grid", Map.of("left", 16, "right", 24, "top", 56, "bottom", 36, "containLabel", true));
        option.put("xAxis", axis("category", xName, categories));
        option.put("series", series.entrySet().stream().map(e -> Map.of("type", "bar", "name", e.getKey(), "data", e.getValue(),
                "barMaxWidth", 32)).toList());
        return option;
    }

    private static Map<String, Object> base(String xName, String yName) {
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("tooltip", Map.of("trigger", "axis"));
        option.put("grid", Map.of("left", 16, "right", 24, "top", 40, "bottom", 36, "containLabel", true));
        option.put("yAxis", axis("value", yName, null));
        return option;
    }

    private static Map<String, Object> axis(String type, String name, List<String> data) {
        Map<String, Object> axis = new LinkedHashMap<>();
        axis.put("type", type);
        axis.put("name", name);
        // A value (y) axis carries its name above its top end, where it is never clipped whatever the width of the
        // tick labels; a category (x) axis carries it centred under the labels.
        if ("value".equals(type)) {
            axis.put("nameLocation", "end");
            axis.put("nameTextStyle", Map.of("align", "left"));
        } else {
            axis.put("nameLocation", "middle");
            axis.put("nameGap", 28);
        }
        if (data != null) {
            axis.put("data", data);
        }
        return axis;
    }
}
