package org.llmplayground.model.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * Tensors filled from Java whose memory belongs to libtorch.
 * <p>
 * Why not {@code manager.create(float[])}: DJL copies the array into a Java direct buffer and hands libtorch a
 * pointer to it; that memory is only returned when the garbage collector finds the buffer unreachable, and the
 * JVM lets direct memory grow to the size of the heap before it forces a collection. A training loop creating
 * ids, masks and dropout masks every step (26 MB per step for the baby GPT) grew by gigabytes that way, and
 * libtorch may keep using the memory after DJL's handle is closed (see {@link Scalars}). Here the tensor is
 * allocated by libtorch ({@code torch::empty}), Java writes straight into it through a view, and it is freed with
 * its last reference like any other tensor.
 */
public final class NativeArrays {
    private NativeArrays() {
    }

    /** A float32 tensor of {@code shape} on {@code device}, written by {@code fill} (native byte order). */
    public static NDArray floats(NDManager manager, Shape shape, Device device, Consumer<ByteBuffer> fill) {
        return filled(manager, shape, DataType.FLOAT32, device, fill);
    }

    public static NDArray floats(NDManager manager, float[] data, Shape shape, Device device) {
        return floats(manager, shape, device, b -> b.asFloatBuffer().put(data));
    }

    public static NDArray longs(NDManager manager, long[] data, Shape shape, Device device) {
        return filled(manager, shape, DataType.INT64, device, b -> b.asLongBuffer().put(data));
    }

    private static NDArray filled(NDManager manager, Shape shape, DataType type, Device device, Consumer<ByteBuffer> fill) {
        NDArray host = manager.create(shape, type, Device.cpu());
        fill.accept(host.toByteBuffer(true).order(ByteOrder.nativeOrder()));
        if (device.isGpu()) {
            NDArray moved = host.toDevice(device, true);
            host.close();
            return moved;
        }
        return host;
    }
}
