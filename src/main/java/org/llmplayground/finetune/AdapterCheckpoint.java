package org.llmplayground.finetune;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.llmplayground.core.BadInputException;
import org.llmplayground.model.io.Tensor;
import org.llmplayground.model.nn.Lora;
import org.llmplayground.model.nn.Transformer;
import org.llmplayground.training.Checkpoints;
import org.llmplayground.training.TrainingConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A fine-tuning run's checkpoint read back as a network: the (frozen) base weights it trained on — for DPO and reward
 * runs with the SFT adapter already merged in — and, for LoRA runs, its adapters attached with their trained values,
 * so {@link Lora#enable} switches between the model before and after the run. Merging, comparing and scoring read
 * runs through here.
 *
 * @param weights every tensor of the checkpoint (a reward run's head among them)
 * @param lora    the attached adapters, or null (full fine-tuning: the weights are the tuned model)
 */
public record AdapterCheckpoint(Checkpoints.Meta meta, Transformer network, Map<String, Tensor> weights, Lora lora) {

    /** Reads {@code dir} (a checkpoint of the run whose resolved config is {@code c}) into a network owned by {@code manager}. */
    public static AdapterCheckpoint read(Path dir, TrainingConfig c, NDManager manager, String runName) throws IOException {
        Checkpoints.Meta meta = Checkpoints.readMeta(dir);
        Map<String, Tensor> weights = Checkpoints.readModel(dir);
        Transformer network = new Transformer(meta.model().toBuilder().dropout(0).build());
        network.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
        set(network.getParameters(), weights, runName);
        Lora lora = null;
        if (c.finetune() != null && c.finetune().lora()) {
            lora = network.attachLora(FineTuneRuns.spec(c.finetune()), 0);
            set(lora.parameters(), weights, runName);
        }
        return new AdapterCheckpoint(meta, network, weights, lora);
    }

    private static void set(ai.djl.util.PairList<String, ai.djl.nn.Parameter> params, Map<String, Tensor> weights, String runName) {
        for (var p : params) {
            Tensor t = weights.get(p.getKey());
            if (t == null) {
                throw new BadInputException("The checkpoint of '" + runName + "' has no '" + p.getKey() + "': it was not written by this run.");
            }
            p.getValue().getArray().set(t.data());
        }
    }
}
