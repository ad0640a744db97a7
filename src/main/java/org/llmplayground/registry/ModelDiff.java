package org.llmplayground.registry;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.generation.GenerationService;
import org.llmplayground.generation.GenerationSettings;
import org.llmplayground.generation.Generator;
import org.llmplayground.model.LoadedModel;
import org.llmplayground.model.ModelConfig;
import org.llmplayground.model.ModelService;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What changed between two models of the same shape — two checkpoints of a run, a base and its fine-tune, a model
 * and its quantized copy: for every tensor the relative change ‖B − A‖ / ‖A‖ (Frobenius norms; 0.01 = the weights
 * moved by 1 % of their size), a layer × tensor heatmap of those changes (fine-tuning with a small learning rate
 * shows as a pale map with the head or the last layers darker), the config fields that differ, and what each model
 * writes after a few prompts (greedy, so differences are the weights', not the sampler's).
 */
@Singleton
public class ModelDiff {
    static final List<String> TEXT_PROMPTS = List.of("The meaning of life is", "Once upon a time", "In 2010, the team");
    static final List<String> CHAR_PROMPTS = List.of("ROMEO:\n", "First Citizen:\n", "KING");
    private static final Pattern LAYER = Pattern.compile("layers\\.(\\d+)\\.(.+)\\.(weight|bias)");

    private final ModelService models;
    private final GenerationService generation;

    public ModelDiff(ModelService models, GenerationService generation) {
        this.models = models;
        this.generation = generation;
    }

    /** One tensor's change: its name, shape, ‖A‖, ‖B − A‖ and their ratio. */
    @Serdeable(naming = io.micronaut.serde.config.naming.SnakeCaseStrategy.class)
    public record TensorChange(String name, long[] shape, double norm, double deltaNorm, double relative) {
    }

    /** The heatmap: rows are layers ("layer 0" …) and "model" for tensors outside the blocks, columns tensor kinds. */
    @Serdeable(naming = io.micronaut.serde.config.naming.SnakeCaseStrategy.class)
    public record Heatmap(List<String> rows, List<String> columns, List<double[]> cells, double max) {
    }

    @Serdeable(naming = io.micronaut.serde.config.naming.SnakeCaseStrategy.class)
    public record ConfigChange(String field, String a, String b) {
    }

    @Serdeable(naming = io.micronaut.serde.config.naming.SnakeCaseStrategy.class)
    public record OutputPair(String prompt, String a, String b, boolean same) {
    }

    @Serdeable(naming = io.micronaut.serde.config.naming.SnakeCaseStrategy.class)
    public record Diff(String a, String b, List<TensorChange> tensors, List<String> notComparable, double overall, Heatmap heatmap,
                       List<ConfigChange> config, List<OutputPair> outputs) {
    }

    public Diff diff(String idA, String idB, @Nullable List<String> prompts) {
        if (idA == null || idB == null || idA.isBlank() || idB.isBlank()) {
            throw new BadInputException("Choose two models to compare (a and b).");
        }
        LoadedModel a = models.get(idA);
        LoadedModel b = models.get(idB);
        List<ConfigChange> config = configChanges(a.config(), b.config());
        Map<String, float[]> wa = weights(a);
        Map<String, float[]> wb = weights(b);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        a.network().getParameters().forEach(p -> shapes.put(p.getKey(), p.getValue().getArray().getShape().getShape()));
        List<TensorChange> tensors = new ArrayList<>();
        List<String> notComparable = new ArrayList<>();
        double sumSq = 0;
        double sumDeltaSq = 0;
        for (Map.Entry<String, float[]> e : wa.entrySet()) {
            float[] x = e.getValue();
            float[] y = wb.get(e.getKey());
            if (y == null || y.length != x.length) {
                notComparable.add(e.getKey() + (y == null ? " (only in " + idA + ")" : " (shapes differ)"));
                continue;
            }
            double n = 0;
            double d = 0;
            for (int i = 0; i < x.length; i++) {
                n += (double) x[i] * x[i];
                double diff = (double) y[i] - x[i];
                d += diff * diff;
            }
            sumSq += n;
            sumDeltaSq += d;
            tensors.add(new TensorChange(e.getKey(), shapes.get(e.getKey()), Math.sqrt(n), Math.sqrt(d), n == 0 ? (d == 0 ? 0 : Double.POSITIVE_INFINITY)
                    : Math.sqrt(d / n)));
        }
        wb.keySet().stream().filter(k -> !wa.containsKey(k)).forEach(k -> notComparable.add(k + " (only in " + idB + ")"));
        if (tensors.isEmpty()) {
            throw new BadInputException("'" + idA + "' and '" + idB + "' share no tensor of the same shape, so their weights cannot be "
                    + "compared; the config differences say why.");
        }
        List<OutputPair> outputs = new ArrayList<>();
        if (a.info().readsText() && b.info().readsText()) {
            List<String> ps = prompts == null || prompts.isEmpty()
                    ? (a.codec() instanceof org.llmplayground.model.TokenizerCodec ? TEXT_PROMPTS : CHAR_PROMPTS) : prompts;
            for (String p : ps.subList(0, Math.min(5, ps.size()))) {
                String ta = continuation(idA, p);
                String tb = continuation(idB, p);
                outputs.add(new OutputPair(p, ta, tb, ta.equals(tb)));
            }
        }
        return new Diff(idA, idB, tensors, notComparable, sumSq == 0 ? 0 : Math.sqrt(sumDeltaSq / sumSq), heatmap(tensors), config, outputs);
    }

    private String continuation(String id, String prompt) {
        var prepared = generation.prepare(id, prompt, GenerationSettings.greedy(24));
        return generation.generate(prepared, Generator.Listener.NONE, () -> false).text();
    }

    private static Map<String, float[]> weights(LoadedModel m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        synchronized (m.lock()) {
            m.network().getParameters().forEach(p -> out.put(p.getKey(), m.network().values(p.getValue())));
        }
        return out;
    }

    /** Layer × tensor kind: "layers.3.attn.q.weight" → row "layer 3", column "attn.q"; others go to row "model". */
    static Heatmap heatmap(List<TensorChange> tensors) {
        TreeSet<Integer> layers = new TreeSet<>();
        List<String> columns = new ArrayList<>();
        Map<String, Double> cell = new LinkedHashMap<>();
        boolean outside = false;
        for (TensorChange t : tensors) {
            Matcher m = LAYER.matcher(t.name());
            String row;
            String column;
            if (m.matches()) {
                layers.add(Integer.parseInt(m.group(1)));
                row = "layer " + m.group(1);
                column = m.group(2) + (m.group(3).equals("bias") ? " bias" : "");
            } else {
                outside = true;
                row = "model";
                column = t.name().replaceFirst("\\.weight$", "").replaceFirst("\\.bias$", " bias");
            }
            if (!columns.contains(column)) {
                columns.add(column);
            }
            cell.put(row + "|" + column, t.relative());
        }
        List<String> rows = new ArrayList<>(layers.stream().map(i -> "layer " + i).toList());
        if (outside) {
            rows.add("model");
        }
        List<double[]> cells = new ArrayList<>();
        double max = 0;
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < columns.size(); c++) {
                Double v = cell.get(rows.get(r) + "|" + columns.get(c));
                if (v != null && Double.isFinite(v)) {
                    cells.add(new double[]{c, r, v});
                    max = Math.max(max, v);
                }
            }
        }
        return new Heatmap(rows, columns, cells, max);
    }

    static List<ConfigChange> configChanges(ModelConfig a, ModelConfig b) {
        List<ConfigChange> out = new ArrayList<>();
        for (RecordComponent c : ModelConfig.class.getRecordComponents()) {
            try {
                Object x = c.getAccessor().invoke(a);
                Object y = c.getAccessor().invoke(b);
                if (!Objects.equals(x, y)) {
                    out.add(new ConfigChange(c.getName(), String.valueOf(x), String.valueOf(y)));
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }
}
