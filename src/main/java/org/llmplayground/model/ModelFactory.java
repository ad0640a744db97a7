package org.llmplayground.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import org.llmplayground.core.BadInputException;
import org.llmplayground.model.io.ImportedWeights;
import org.llmplayground.model.io.Tensor;
import org.llmplayground.model.nn.CausalLm;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Builds {@link LoadedModel}s: freshly initialised (GPT-2's scheme, seeded) or filled from imported weights. Each
 * model gets its own NDManager; if anything fails on the way, that manager is closed, so nothing half-loaded stays.
 */
final class ModelFactory {
    private ModelFactory() {
    }

    static LoadedModel fresh(String id, String name, String description, ModelConfig config, int seed, Device device, TokenCodec codec) {
        NDManager manager = NDManager.newBaseManager(device);
        try {
            Engine.getInstance().setRandomSeed(seed);
            CausalLm network = CausalLm.of(config);
            network.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
            return new LoadedModel(info(id, name, description, "initialised at random (seed " + seed + ")", config, network, codec),
                    network, manager, codec);
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
    }

    static LoadedModel fromWeights(String id, String name, String description, ImportedWeights weights, Device device, TokenCodec codec) {
        NDManager manager = NDManager.newBaseManager(device);
        try {
            CausalLm network = CausalLm.of(weights.config());
            network.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
            Set<String> used = new HashSet<>();
            for (Pair<String, Parameter> p : network.getParameters()) {
                Tensor t = weights.tensors().get(p.getKey());
                if (t == null) {
                    throw new BadInputException("The weights have nothing for parameter '" + p.getKey() + "' of a "
                            + weights.format() + " model with this config.");
                }
                long[] expected = p.getValue().getArray().getShape().getShape();
                if (!Arrays.equals(expected, t.shape())) {
                    throw new BadInputException("Tensor '" + t.source() + "' has shape " + t.shapeText() + "; the config needs "
                            + Arrays.toString(expected) + " for '" + p.getKey() + "'.");
                }
                p.getValue().getArray().set(t.data());
                used.add(p.getKey());
            }
            Set<String> extra = new HashSet<>(weights.tensors().keySet());
            extra.removeAll(used);
            if (!extra.isEmpty()) {
                throw new BadInputException("The weights have tensors this config does not use: " + extra);
            }
            return new LoadedModel(info(id, name, description, weights.format(), weights.config(), network, codec),
                    network, manager, codec);
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
    }

    /**
     * A copy of {@code src} whose matrices (q, k, v, o, the feed-forward ones, the token embedding and an untied
     * head) are held quantized: codes and scales replace their floats, and each use dequantizes them into float blocks
     * for the matmul (DJL's PyTorch engine has no int8 matmul on CPU). Norms, biases and positions stay float32.
     */
    static LoadedModel quantized(LoadedModel src, String id, String name, String description, org.llmplayground.model.nn.Quantized.Scheme scheme) {
        if (!(src.network() instanceof org.llmplayground.model.nn.Transformer)) {
            throw new BadInputException(src.info().name() + " is not a transformer: only transformer weights are quantized.");
        }
        NDManager manager = NDManager.newBaseManager(src.device());
        try {
            org.llmplayground.model.nn.Transformer copy = new org.llmplayground.model.nn.Transformer(src.config());
            copy.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
            synchronized (src.lock()) {
                for (Pair<String, Parameter> p : copy.getParameters()) {
                    p.getValue().getArray().set(src.network().values(src.network().getParameters().get(p.getKey())));
                }
            }
            LoadedModel.ModelInfo info = info(id, name, description, "quantized (" + scheme.id() + ") from " + src.info().id(), src.config(),
                    copy, src.codec());
            copy.quantizeWeights(scheme, true);
            return new LoadedModel(info, copy, manager, src.codec());
        } catch (IllegalArgumentException e) {
            manager.close();
            throw new BadInputException(e.getMessage());
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
    }

    private static LoadedModel.ModelInfo info(String id, String name, String description, String source, ModelConfig config,
                                              CausalLm network, TokenCodec codec) {
        long n = 0;
        for (Pair<String, Parameter> p : network.getParameters()) {
            n += p.getValue().getArray().size();
        }
        return new LoadedModel.ModelInfo(id, name, description, source, config, n, codec.inputHint(), codec.readsText(), Instant.now());
    }
}
