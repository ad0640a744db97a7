package org.llmplayground.generation.ui;

import org.llmplayground.generation.GenerationResult;
import org.llmplayground.generation.StepTrace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** ECharts options for the Generation lab: one step's distribution before/after the processors, and the beam tree. */
final class GenerationCharts {
    private GenerationCharts() {
    }

    /**
     * Grouped bars over the step's candidates: the model's own probability next to the probability after all
     * processors (what the token was drawn from). The chosen token's label is marked with ▶. Bars run horizontally,
     * most likely first, so every token label reads level at full size instead of rotated under a crowded axis.
     */
    static Map<String, Object> step(StepTrace t) {
        StepTrace.Stage model = t.stages().get(0);
        StepTrace.Stage last = t.stages().get(t.stages().size() - 1);
        List<Integer> ids = new ArrayList<>();
        last.top().forEach(c -> ids.add(c.id()));
        model.top().forEach(c -> {
            if (!ids.contains(c.id())) {
                ids.add(c.id());
            }
        });
        Map<Integer, String> labels = new HashMap<>();
        Map<Integer, Double> before = new HashMap<>();
        Map<Integer, Double> after = new HashMap<>();
        model.top().forEach(c -> {
            labels.put(c.id(), c.token());
            before.put(c.id(), c.probability());
        });
        last.top().forEach(c -> {
            labels.put(c.id(), c.token());
            after.put(c.id(), c.probability());
        });
        List<String> categories = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        List<Double> a = new ArrayList<>();
        for (int id : ids) {
            categories.add((id == t.chosen() ? "▶ " : "") + visible(labels.get(id)));
            b.add(round(before.getOrDefault(id, 0.0)));
            a.add(round(after.getOrDefault(id, 0.0)));
        }
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("tooltip", Map.of("trigger", "axis"));
        option.put("legend", Map.of("top", 0, "type", "scroll"));
        option.put("grid", Map.of("left", 16, "right", 24, "top", 36, "bottom", 36, "containLabel", true));
        option.put("yAxis", Map.of("type", "category", "data", categories, "inverse", true,
                "axisLabel", Map.of("interval", 0, "fontSize", 12, "width", 140, "overflow", "truncate")));
        option.put("xAxis", Map.of("type", "value", "name", "probability", "nameLocation", "middle", "nameGap", 24, "max", 1));
        List<Map<String, Object>> series = new ArrayList<>();
        series.add(Map.of("type", "bar", "name", "model (raw softmax)", "data", b));
        if (t.stages().size() > 1) {
            series.add(Map.of("type", "bar", "name", "after " + last.name(), "data", a));
        }
        option.put("series", series);
        return option;
    }

    /** Whitespace a reader cannot see as itself: " the" → "·the", "\n" → "⏎", so each bar's token is told apart. */
    static String visible(String token) {
        return token.replace(" ", "·").replace("\n", "⏎").replace("\t", "→");
    }

    private static double round(double p) {
        return Math.round(p * 10000) / 10000.0;
    }

    /**
     * The beam tree, left to right from the prompt: every scored partial hypothesis is a node labelled with its token
     * and cumulative log-probability; the winning path is highlighted, pruned ones are grey, finished ones square.
     * Only the first {@code maxSteps} steps are drawn so the chart stays readable.
     */
    static Map<String, Object> beamTree(List<GenerationResult.BeamNode> nodes, int maxSteps) {
        Map<Integer, Map<String, Object>> byId = new HashMap<>();
        Map<String, Object> root = node("prompt", "#6366f1", 10, "circle");
        root.put("children", new ArrayList<>());
        for (GenerationResult.BeamNode n : nodes) {
            if (n.step() >= maxSteps) {
                continue;
            }
            String color = switch (n.status()) {
                case BEST -> "#16a34a";
                case KEPT -> "#6366f1";
                case FINISHED -> "#f59e0b";
                case PRUNED -> "#9ca3af";
            };
            Map<String, Object> m = node(String.format("%s  %.2f", n.token().replace("\n", "⏎"), n.logProbability()), color,
                    n.status() == GenerationResult.Status.BEST ? 9 : 6, n.status() == GenerationResult.Status.FINISHED ? "rect" : "circle");
            m.put("children", new ArrayList<>());
            if (n.status() == GenerationResult.Status.BEST) {
                m.put("label", Map.of("fontWeight", "bold", "color", "#16a34a"));
            } else if (n.status() == GenerationResult.Status.PRUNED) {
                m.put("label", Map.of("color", "#9ca3af"));
            }
            byId.put(n.id(), m);
            Map<String, Object> parent = n.parent() < 0 ? root : byId.get(n.parent());
            if (parent != null) {
                children(parent).add(m);
            }
        }
        Map<String, Object> series = new LinkedHashMap<>();
        series.put("type", "tree");
        series.put("data", List.of(root));
        series.put("orient", "LR");
        series.put("top", 10);
        series.put("bottom", 10);
        series.put("left", 60);
        series.put("right", 120);
        series.put("initialTreeDepth", -1);
        series.put("expandAndCollapse", false);
        series.put("label", Map.of("position", "top", "fontSize", 10));
        series.put("leaves", Map.of("label", Map.of("position", "right", "fontSize", 10)));
        series.put("animationDuration", 300);
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("tooltip", Map.of("trigger", "item"));
        option.put("series", List.of(series));
        return option;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> children(Map<String, Object> node) {
        return (List<Object>) node.get("children");
    }

    private static Map<String, Object> node(String name, String color, int size, String symbol) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("symbolSize", size);
        m.put("symbol", symbol);
        m.put("itemStyle", Map.of("color", color, "borderColor", color));
        return m;
    }
}
