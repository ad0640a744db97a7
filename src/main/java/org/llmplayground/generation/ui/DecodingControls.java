package org.llmplayground.generation.ui;

import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextField;
import org.llmplayground.core.BadInputException;
import org.llmplayground.generation.GenerationSettings;
import org.llmplayground.generation.GenerationSettings.Strategy;
import org.llmplayground.model.LoadedModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The model picker and every decoding parameter, shared by the Generation lab and the Chat playground. It only reads
 * and writes fields; {@link #settings()} turns them into a validated {@link GenerationSettings}. Fields that do not
 * apply to the chosen strategy are hidden.
 */
public class DecodingControls extends FormLayout {
    final ComboBox<LoadedModel.ModelInfo> model = new ComboBox<>("Model");
    final Select<Strategy> strategy = new Select<>();
    final NumberField temperature = number("Temperature", 0, 2, 0.05, 0.8);
    final IntegerField topK = integer("Top-k (0 = off)", 0, 100, 0);
    final NumberField topP = number("Top-p", 0, 1, 0.05, 1);
    final NumberField minP = number("Min-p (0 = off)", 0, 0.99, 0.01, 0);
    final NumberField repetition = number("Repetition penalty", 0.5, 2, 0.05, 1);
    final NumberField presence = number("Presence penalty", -2, 2, 0.1, 0);
    final NumberField frequency = number("Frequency penalty", -2, 2, 0.1, 0);
    final IntegerField noRepeat = integer("No-repeat n-gram (0 = off)", 0, 10, 0);
    final IntegerField beamWidth = integer("Beam width", 1, GenerationSettings.MAX_BEAM_WIDTH, 4);
    final NumberField lengthPenalty = number("Length penalty", -2, 3, 0.1, 1);
    final IntegerField numReturn = integer("Hypotheses to return", 1, GenerationSettings.MAX_BEAM_WIDTH, 3);
    final IntegerField maxTokens = integer("Max new tokens", 1, GenerationSettings.MAX_NEW_TOKENS, 200);
    final IntegerField seed = integer("Seed (empty = random)", 0, Integer.MAX_VALUE, null);
    final TextField stop = new TextField("Stop sequences");

    public DecodingControls(List<LoadedModel.ModelInfo> models) {
        model.setId("gen-model");
        model.setItems(models);
        model.setItemLabelGenerator(LoadedModel.ModelInfo::name);
        model.setWidthFull();
        if (!models.isEmpty()) {
            model.setValue(models.get(0));
        }
        strategy.setId("gen-strategy");
        strategy.setLabel("Strategy");
        strategy.setItems(Strategy.values());
        strategy.setItemLabelGenerator(s -> switch (s) {
            case GREEDY -> "Greedy (argmax)";
            case SAMPLE -> "Sampling";
            case BEAM -> "Beam search";
        });
        strategy.setValue(Strategy.SAMPLE);
        strategy.addValueChangeListener(e -> showFields());
        stop.setId("gen-stop");
        stop.setHelperText("Comma-separated; \\n for a newline");
        temperature.setId("gen-temperature");
        topK.setId("gen-top-k");
        topP.setId("gen-top-p");
        beamWidth.setId("gen-beam-width");
        maxTokens.setId("gen-max-tokens");
        seed.setId("gen-seed");
        repetition.setId("gen-repetition");
        add(model, 2);
        add(strategy, maxTokens, temperature, topK, topP, minP, repetition, presence, frequency, noRepeat, beamWidth, lengthPenalty,
                numReturn, seed, stop);
        setResponsiveSteps(new ResponsiveStep("0", 1), new ResponsiveStep("500px", 2), new ResponsiveStep("900px", 4));
        showFields();
    }

    private void showFields() {
        boolean sample = strategy.getValue() == Strategy.SAMPLE;
        boolean beam = strategy.getValue() == Strategy.BEAM;
        for (var f : List.of(temperature, topP, minP)) {
            f.setVisible(sample);
        }
        topK.setVisible(sample);
        for (var f : List.of(beamWidth, numReturn)) {
            f.setVisible(beam);
        }
        lengthPenalty.setVisible(beam);
    }

    public LoadedModel.ModelInfo selectedModel() {
        if (model.getValue() == null) {
            throw new BadInputException("Choose a model.");
        }
        return model.getValue();
    }

    public void selectModel(String id) {
        model.getListDataView().getItems().filter(m -> m.id().equals(id)).findFirst().ifPresent(model::setValue);
    }

    public void setModels(List<LoadedModel.ModelInfo> models) {
        String current = model.getValue() == null ? null : model.getValue().id();
        model.setItems(models);
        models.stream().filter(m -> m.id().equals(current)).findFirst().or(() -> models.stream().findFirst()).ifPresent(model::setValue);
    }

    public void setStrategy(Strategy s) {
        strategy.setValue(s);
    }

    public void setMaxTokens(int n) {
        maxTokens.setValue(n);
    }

    /** The settings the fields describe, validated; an empty field names itself. */
    public GenerationSettings settings() {
        return settings(0);
    }

    public GenerationSettings settings(int traceTopN) {
        return new GenerationSettings(strategy.getValue(), required(maxTokens), required(temperature), required(topK), required(topP),
                required(minP), required(repetition), required(presence), required(frequency), required(noRepeat), required(beamWidth),
                required(lengthPenalty), true, Math.min(required(numReturn), required(beamWidth)), stops(stop.getValue()),
                seed.getValue() == null ? null : seed.getValue().longValue(), traceTopN).validate();
    }

    /** "\n\n, END" → ["\n\n", "END"]. */
    static List<String> stops(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String s = part.replace("\\n", "\n").replace("\\t", "\t");
            if (!s.isBlank() || s.contains("\n")) {
                out.add(s.strip().isEmpty() ? s : s.strip());
            }
        }
        return out;
    }

    private static int required(IntegerField f) {
        if (f.getValue() == null || f.isInvalid()) {
            throw new BadInputException(f.getLabel() + ": enter a whole number" + range(f.getMin(), f.getMax()) + ".");
        }
        return f.getValue();
    }

    private static double required(NumberField f) {
        if (f.getValue() == null || f.isInvalid()) {
            throw new BadInputException(f.getLabel() + ": enter a number" + range(f.getMin(), f.getMax()) + ".");
        }
        return f.getValue();
    }

    private static String range(double min, double max) {
        return " from " + trim(min) + " to " + trim(max);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static NumberField number(String label, double min, double max, double step, double value) {
        NumberField f = new NumberField(label);
        f.setMin(min);
        f.setMax(max);
        f.setStep(step);
        f.setStepButtonsVisible(true);
        f.setValue(value);
        return f;
    }

    private static IntegerField integer(String label, int min, int max, Integer value) {
        IntegerField f = new IntegerField(label);
        f.setMin(min);
        f.setMax(max);
        f.setStepButtonsVisible(true);
        f.setValue(value);
        return f;
    }

    @Override
    public String toString() {
        return Arrays.toString(getChildren().toArray());
    }
}
