package org.llmplayground.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import org.llmplayground.model.nn.CausalLm;

import java.time.Instant;

/**
 * A model in memory: its network and parameters (owned by its own NDManager, freed by {@link #close()}), its config,
 * how its input is written, and where it came from. Forward passes on one model are serialised by its lock.
 */
public final class LoadedModel implements AutoCloseable {
    private final ModelInfo info;
    private final CausalLm network;
    private final NDManager manager;
    private final TokenCodec codec;
    private final Object lock = new Object();

    LoadedModel(ModelInfo info, CausalLm network, NDManager manager, TokenCodec codec) {
        this.info = info;
        this.network = network;
        this.manager = manager;
        this.codec = codec;
    }

    public ModelInfo info() {
        return info;
    }

    public ModelConfig config() {
        return info.config();
    }

    public CausalLm network() {
        return network;
    }

    public NDManager manager() {
        return manager;
    }

    public Device device() {
        return manager.getDevice();
    }

    public TokenCodec codec() {
        return codec;
    }

    public Object lock() {
        return lock;
    }

    /** A parameter store for inference (parameters used in place, no copies). */
    public ParameterStore parameterStore() {
        return new ParameterStore(manager, false);
    }

    /**
     * SHA-256 of the weights as they are now: every parameter's name, shape and float values (little-endian) in the
     * network's order. Two runs with the same hash scored the same numbers, whatever the model is called; a model
     * fine-tuned further gets a new hash. Reads the weights under the lock (a training step never lands half-way).
     */
    public String weightsHash() {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            synchronized (lock) {
                java.util.Map<String, org.llmplayground.model.nn.Quantized> quantized = network instanceof org.llmplayground.model.nn.Transformer t
                        ? t.quantizedWeights() : java.util.Map.of();
                for (var p : network.getParameters()) {
                    sha.update(p.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    if (quantized.containsKey(p.getValue().getName())) { // held as codes: the weights it computes with, ŵ
                        float[] w = network.values(p.getValue());
                        sha.update(java.util.Arrays.toString(quantized.get(p.getValue().getName()).shapes()[0]).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(w.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                        b.asFloatBuffer().put(w);
                        sha.update(b.array());
                        continue;
                    }
                    ai.djl.ndarray.NDArray a = p.getValue().getArray();
                    sha.update(a.getShape().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    if (a.getDataType() == ai.djl.ndarray.types.DataType.FLOAT32) {
                        sha.update(a.toByteArray());
                    } else {
                        try (ai.djl.ndarray.NDArray f = a.toType(ai.djl.ndarray.types.DataType.FLOAT32, true)) {
                            sha.update(f.toByteArray());
                        }
                    }
                }
            }
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        manager.close();
    }

    /** What the lab and the API show about a model. */
    @io.micronaut.serde.annotation.Serdeable
    public record ModelInfo(String id, String name, String description, String source, ModelConfig config, long parameters,
                            String input, boolean readsText, Instant loadedAt) {
    }
}
