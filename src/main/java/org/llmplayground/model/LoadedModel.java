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
