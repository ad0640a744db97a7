package org.llmplayground.training;

import org.llmplayground.model.ModelTokenizer;
import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import org.llmplayground.core.BadInputException;
import org.llmplayground.model.ModelConfig;
import org.llmplayground.model.io.Tensor;
import org.llmplayground.model.nn.CausalLm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Everything one run needs, built from a resolved config: the token file and its split, the network (initialised
 * with the seed, or from given weights, or restored from a checkpoint with its optimizer state), AdamW, and the
 * run's checkpoint store. Owns the NDManager and the mapped file; close it when the run ends.
 */
public final class PreparedRun implements AutoCloseable {
    private final TrainingConfig config;
    private final ModelConfig modelConfig;
    private final ModelTokenizer tokenizer;
    private final TokenDataset data;
    private final TokenDataset valData;
    private final DataSplit split;
    private final NDManager manager;
    private final CausalLm network;
    private AdamW optimizer;
    private ai.djl.util.PairList<String, ai.djl.nn.Parameter> extra = new ai.djl.util.PairList<>();
    private Checkpoints checkpoints;
    private final Checkpoints.Meta meta;
    private int startStep;
    private Double bestValLoss;

    private PreparedRun(TrainingConfig config, ModelTokenizer tokenizer, TokenDataset data, TokenDataset valData, String dataHash,
                        String runId, Path runDir, Device device) {
        this.config = config;
        this.tokenizer = tokenizer;
        this.data = data;
        this.valData = valData;
        this.modelConfig = config.modelConfig(tokenizer.vocabSize()).validate();
        if (modelConfig.vocabSize() < tokenizer.vocabSize()) {
            throw new BadInputException(String.format("model.vocab_size (%,d) is smaller than the tokenizer's vocabulary (%,d).",
                    modelConfig.vocabSize(), tokenizer.vocabSize()));
        }
        this.split = valData == null ? new DataSplit(data.size(), config.training().blockSize(), config.data().valFraction(), config.seed(),
                config.data().tailSplit())
                : DataSplit.withValidationSet(data.size(), valData, config.training().blockSize());
        this.manager = NDManager.newBaseManager(device);
        try {
            Engine.getInstance().setRandomSeed((int) (long) config.seed());
            this.network = CausalLm.of(modelConfig);
            network.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
            TrainingConfig.Training t = config.training();
            this.optimizer = new AdamW(network.getParameters(), manager, t.beta1(), t.beta2(), 1e-8, t.weightDecay());
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
        this.checkpoints = new Checkpoints(runDir.resolve("checkpoints"));
        this.meta = Checkpoints.Meta.start(runId, TrainingConfigs.toYaml(config), modelConfig, tokenizer.spec(), config.seed(), dataHash);
    }

    /** A fresh run: weights initialised with the config's seed (GPT-2's scheme). */
    public static PreparedRun create(TrainingConfig config, ModelTokenizer tokenizer, Path tokenFile, String dataHash,
                                     String runId, Path runDir, Device device) throws IOException {
        return create(config, tokenizer, tokenFile, null, dataHash, runId, runDir, device);
    }

    /** As above, validating on {@code valTokenFile} (same tokenizer) when it is not null. */
    public static PreparedRun create(TrainingConfig config, ModelTokenizer tokenizer, Path tokenFile, Path valTokenFile, String dataHash,
                                     String runId, Path runDir, Device device) throws IOException {
        TokenDataset data = TokenDataset.open(tokenFile);
        TokenDataset valData = null;
        try {
            valData = valTokenFile == null ? null : TokenDataset.open(valTokenFile);
            return new PreparedRun(config, tokenizer, data, valData, dataHash, runId, runDir, device);
        } catch (RuntimeException | Error | IOException e) {
            data.close();
            if (valData != null) {
                valData.close();
            }
            throw e;
        }
    }

    /** Continues from a checkpoint of this config: parameters, optimizer moments and the step. */
    public void restore(Path checkpoint) throws IOException {
        Checkpoints.Meta saved = Checkpoints.readMeta(checkpoint);
        if (!saved.model().equals(modelConfig)) {
            throw new BadInputException("The checkpoint " + checkpoint.getFileName() + " is of another network than this config describes.");
        }
        load(Checkpoints.readModel(checkpoint));
        Map<String, float[]> state = Checkpoints.readOptimizer(checkpoint);
        if (!state.isEmpty()) {
            optimizer.restore(state, saved.optimizerStep());
        }
        startStep = saved.step();
        bestValLoss = checkpoints.list().stream().filter(s -> s.valLoss() != null).mapToDouble(Checkpoints.Saved::valLoss)
                .min().stream().boxed().findFirst().orElse(saved.valLoss());
    }

    /** Starts from given weights (training.init_from) with a fresh optimizer. */
    public void load(Map<String, Tensor> weights) {
        for (Pair<String, Parameter> p : network.getParameters()) {
            Tensor t = weights.get(p.getKey());
            long[] shape = p.getValue().getShape().getShape();
            if (t == null) {
                throw new BadInputException("The starting weights have no '" + p.getKey() + "': they are of another network.");
            }
            if (!Arrays.equals(shape, t.shape())) {
                throw new BadInputException("The starting weights' '" + p.getKey() + "' has shape " + t.shapeText()
                        + " but this config needs " + Arrays.toString(shape) + ".");
            }
            if (p.getValue().isInitialized()) { // not a quantized base weight (QLoRA): that one stays as quantized from init_from
                p.getValue().getArray().set(t.data());
            }
        }
        java.util.List<Pair<String, Parameter>> trainable = new java.util.ArrayList<>();
        network.trainableParameters().forEach(trainable::add);
        extra.forEach(trainable::add);
        for (Pair<String, Parameter> p : trainable) { // adapters, a reward head: from a checkpoint that has them
            Tensor t = weights.get(p.getKey());
            if (t != null && Arrays.equals(p.getValue().getArray().getShape().getShape(), t.shape())) {
                p.getValue().getArray().set(t.data());
            }
        }
    }

    /**
     * Puts LoRA adapters on the network (the base weights freeze) and gives AdamW only the adapters to update: what
     * {@link #trainer} then trains. Call it after {@link #load} of the base weights and before the first step.
     */
    public org.llmplayground.model.nn.Lora attachLora(org.llmplayground.model.nn.Lora.Spec spec) {
        if (!(network instanceof org.llmplayground.model.nn.Transformer transformer)) {
            throw new BadInputException("LoRA adapts a transformer's linear layers; this model is a " + modelConfig.architecture() + ".");
        }
        org.llmplayground.model.nn.Lora lora;
        try {
            lora = transformer.attachLora(spec, config.seed());
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        TrainingConfig.Training t = config.training();
        optimizer = new AdamW(network.trainableParameters(), manager, t.beta1(), t.beta2(), 1e-8, t.weightDecay());
        return lora;
    }

    /**
     * Trains {@code extra} as well as the network's trainable weights (e.g. a reward model's scalar head): AdamW is
     * rebuilt over both. Call it before {@link #trainer}; the trainer then clips and updates them too.
     */
    public void trainAlso(ai.djl.util.PairList<String, ai.djl.nn.Parameter> extra) {
        ai.djl.util.PairList<String, ai.djl.nn.Parameter> all = new ai.djl.util.PairList<>();
        network.trainableParameters().forEach(p -> all.add(p.getKey(), p.getValue()));
        extra.forEach(p -> all.add(p.getKey(), p.getValue()));
        TrainingConfig.Training t = config.training();
        optimizer = new AdamW(all, manager, t.beta1(), t.beta2(), 1e-8, t.weightDecay());
        this.extra = extra;
    }

    public Trainer trainer(Trainer.Events events, Trainer.Control control) {
        Trainer trainer = new Trainer(config, network, manager, data, split, tokenizer, checkpoints, meta, optimizer, events, control);
        extra.forEach(p -> trainer.alsoTrain(p.getKey(), p.getValue()));
        return trainer;
    }

    public TrainingConfig config() {
        return config;
    }

    public ModelConfig modelConfig() {
        return modelConfig;
    }

    public ModelTokenizer tokenizer() {
        return tokenizer;
    }

    public CausalLm network() {
        return network;
    }

    public AdamW optimizer() {
        return optimizer;
    }

    public DataSplit split() {
        return split;
    }

    /** Replaces the checkpoint store (tests use one that fails like a full disk). */
    void useCheckpoints(Checkpoints store) {
        this.checkpoints = store;
    }

    public Checkpoints checkpoints() {
        return checkpoints;
    }

    public int startStep() {
        return startStep;
    }

    public Double bestValLoss() {
        return bestValLoss;
    }

    @Override
    public void close() throws IOException {
        manager.close();
        data.close();
        if (valData != null) {
            valData.close();
        }
    }
}
