package org.llmplayground.model.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes float32 tensors as safetensors (the layout {@link SafetensorsFile} reads): checkpoints and the bundled
 * trained model use it, so any safetensors tool can open them.
 */
public final class SafetensorsWriter {
    private SafetensorsWriter() {
    }

    /** A tensor already in its stored bytes (little-endian): a dtype of safetensors (F32, I8, U8…), its shape, its data. */
    public record Raw(String dtype, long[] shape, byte[] data) {
        public static Raw of(Tensor t) {
            ByteBuffer b = ByteBuffer.allocate(t.data().length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(t.data());
            return new Raw("F32", t.shape(), b.array());
        }
    }

    /** Writes tensors in any dtype (a quantized model's int8/uint8 codes beside float32 scales); {@code metadata} string pairs. */
    public static void writeRaw(Map<String, Raw> tensors, Map<String, String> metadata, Path path) throws IOException {
        Map<String, String> dtypes = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, Long> sizes = new LinkedHashMap<>();
        tensors.forEach((k, t) -> {
            dtypes.put(k, t.dtype());
            shapes.put(k, t.shape());
            sizes.put(k, (long) t.data().length);
        });
        try (OutputStream out = Files.newOutputStream(path)) {
            out.write(header(dtypes, shapes, sizes, metadata));
            for (Raw t : tensors.values()) {
                out.write(t.data());
            }
        }
    }

    /** Writes float32 tensors, converting one at a time (a model's worth of bytes is never held at once). */
    public static void write(Map<String, Tensor> tensors, Path path) throws IOException {
        Map<String, String> dtypes = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, Long> sizes = new LinkedHashMap<>();
        tensors.forEach((k, t) -> {
            dtypes.put(k, "F32");
            shapes.put(k, t.shape());
            sizes.put(k, t.data().length * 4L);
        });
        try (OutputStream out = Files.newOutputStream(path)) {
            out.write(header(dtypes, shapes, sizes, Map.of()));
            for (Tensor t : tensors.values()) {
                out.write(Raw.of(t).data());
            }
        }
    }

    /**
     * The file's first bytes: the header's length (u64, little-endian), then the JSON header naming each tensor's
     * dtype, shape and byte range, padded with spaces so the data starts 8-byte aligned.
     */
    private static byte[] header(Map<String, String> dtypes, Map<String, long[]> shapes, Map<String, Long> sizes, Map<String, String> metadata) {
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"");
        metadata.forEach((k, v) -> header.append(",\"").append(k.replace("\"", "\\\"")).append("\":\"").append(v.replace("\"", "\\\"")).append('"'));
        header.append('}');
        long offset = 0;
        for (String name : dtypes.keySet()) {
            long bytes = sizes.get(name);
            header.append(",\"").append(name.replace("\"", "\\\"")).append("\":{\"dtype\":\"").append(dtypes.get(name)).append("\",\"shape\":[");
            long[] shape = shapes.get(name);
            for (int i = 0; i < shape.length; i++) {
                header.append(i > 0 ? "," : "").append(shape[i]);
            }
            header.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        header.append('}');
        while ((header.length() + 8) % 8 != 0) {
            header.append(' ');
        }
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).array();
    }
}
