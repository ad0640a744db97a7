package org.llmplayground.training;


import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * ECharts options for the Training lab: curves over the step axis, each a list of [step, value] points. Long runs
 * are thinned to at most {@link #MAX_POINTS} points per curve (every n-th step, the last kept), so a push stays small.
 */
public final class TrainingCharts {
    static final int MAX_POINTS = 1500;
    private static final String[] OVERLAY_COLOURS = {"#7c3aed", "#059669", "#d97706", "#db2777", "#0891b2"};

    private TrainingCharts() {
    }

    /** Train loss per step (faint), train and val loss at evaluations, and the val loss of overlaid past runs (dashed). */
    public static Map<String, Object> loss(List<Trainer.StepMetrics> steps, List<Trainer.EvalMetrics> evals,
                                    List<TrainingQueries.History> overlays) {
        List<Map<String, Object>> series = new ArrayList<>();
        series.add(line("train loss (each step)", points(steps, Trainer.StepMetrics::step, Trainer.StepMetrics::loss), "#93c5fd", 1, false));
        series.add(line("train loss (eval)", evalPoints(evals, Trainer.EvalMetrics::trainLoss), "#1d4ed8", 2, true));
        series.add(line("val loss (eval)", evalPoints(evals, Trainer.EvalMetrics::valLoss), "#ea580c", 2, true));
        for (int i = 0; i < overlays.size(); i++) {
            TrainingQueries.History h = overlays.get(i);
            Map<String, Object> s = line(h.run().name() + " · val", evalPoints(h.evals(), Trainer.EvalMetrics::valLoss),
                    OVERLAY_COLOURS[i % OVERLAY_COLOURS.length], 2, true);
            s.put("lineStyle", Map.of("type", "dashed", "width", 2));
            series.add(s);
        }
        Map<String, Object> option = base("loss (nats per token)");
        option.put("legend", Map.of("top", 0, "type", "scroll"));
        option.put("grid", Map.of("left", 16, "right", 24, "top", 56, "bottom", 36, "containLabel", true)); // legend, then the y name
        option.put("series", series);
        return option;
    }

    /** One metric per step, e.g. the learning rate. */
    public static Map<String, Object> metric(String name, List<Trainer.StepMetrics> steps, ToDoubleFunction<Trainer.StepMetrics> value, String colour) {
        Map<String, Object> option = base(name);
        option.put("series", List.of(line(name, points(steps, Trainer.StepMetrics::step, value), colour, 1.5, false)));
        return option;
    }

    /**
     * What an objective measured, one line per name (e.g. DPO's rewards/chosen, rewards/rejected, rewards/margins):
     * {@code names} maps each measure to its colour; steps without it are skipped.
     */
    public static Map<String, Object> measured(String yName, List<Trainer.Measured> measures, Map<String, String> names) {
        List<Map<String, Object>> series = new ArrayList<>();
        names.forEach((name, colour) -> {
            List<Trainer.Measured> with = measures.stream().filter(m -> m.values().containsKey(name)).toList();
            series.add(line(name, points(with, Trainer.Measured::step, m -> m.values().get(name)), colour, 1.5, with.size() < 30));
        });
        Map<String, Object> option = base(yName);
        option.put("legend", Map.of("top", 0, "type", "scroll"));
        option.put("grid", Map.of("left", 16, "right", 24, "top", 56, "bottom", 36, "containLabel", true));
        option.put("series", series);
        return option;
    }

    /** The share of held-out items an evaluation got right (a reward model's pairs ranked right, DPO's preference accuracy). */
    public static Map<String, Object> evalAccuracy(String name, List<Trainer.EvalMetrics> evals, String colour) {
        Map<String, Object> option = base(name);
        option.put("series", List.of(line(name, evalPoints(evals, Trainer.EvalMetrics::valAccuracy), colour, 2, true)));
        return option;
    }

    private static Map<String, Object> base(String yName) {
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("tooltip", Map.of("trigger", "axis"));
        option.put("grid", Map.of("left", 16, "right", 24, "top", 24, "bottom", 36, "containLabel", true));
        option.put("xAxis", Map.of("type", "value", "name", "step", "nameLocation", "middle", "nameGap", 26, "min", 0));
        option.put("yAxis", Map.of("type", "value", "name", yName, "scale", true, "nameTextStyle", Map.of("align", "left")));
        return option;
    }

    private static Map<String, Object> line(String name, List<double[]> data, String colour, double width, boolean symbols) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("type", "line");
        s.put("name", name);
        s.put("data", data);
        s.put("showSymbol", symbols);
        s.put("symbolSize", 5);
        s.put("color", colour);
        s.put("lineStyle", Map.of("width", width));
        return s;
    }

    private static List<double[]> evalPoints(List<Trainer.EvalMetrics> evals, ToDoubleFunction<Trainer.EvalMetrics> value) {
        return points(evals, Trainer.EvalMetrics::step, value);
    }

    static <T> List<double[]> points(List<T> items, ToDoubleFunction<T> x, ToDoubleFunction<T> y) {
        int every = Math.max(1, (int) Math.ceil(items.size() / (double) MAX_POINTS));
        List<double[]> out = new ArrayList<>(Math.min(items.size(), MAX_POINTS + 1));
        for (int i = 0; i < items.size(); i++) {
            if (i % every == 0 || i == items.size() - 1) {
                double v = y.applyAsDouble(items.get(i));
                out.add(new double[]{x.applyAsDouble(items.get(i)), Double.isFinite(v) ? v : 0});
            }
        }
        return out;
    }
}
