package org.llmplayground.model.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"");
        metadata.forEach((k, v) -> header.append(",\"").append(k.replace("\"", "\\\"")).append("\":\"").append(v.replace("\"", "\\\"")).append('"'));
        header.append('}');
        long offset = 0;
        for (var e : tensors.entrySet()) {
            long bytes = e.getValue().data().length;
            header.append(",\"").append(e.getKey().replace("\"", "\\\"")).append("\":{\"dtype\":\"").append(e.getValue().dtype()).append("\",\"shape\":[");
            long[] shape = e.getValue().shape();
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
        try (OutputStream out = Files.newOutputStream(path)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            out.write(h);
            for (Raw t : tensors.values()) {
                out.write(t.data());
            }
        }
    }

    public static void write(Map<String, Tensor> tensors, Path path) throws IOException {
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (var e : tensors.entrySet()) {
            long bytes = e.getValue().data().length * 4L;
            header.append(",\"").append(e.getKey().replace("\"", "\\\"")).append("\":{\"dtype\":\"F32\",\"shape\":[");
            long[] shape = e.getValue().shape();
            for (int i = 0; i < shape.length; i++) {
                header.append(i > 0 ? "," : "").append(shape[i]);
            }
            header.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        header.append('}');
        while ((header.length() + 8) % 8 != 0) {
            header.append(' '); // data starts 8-byte aligned
        }
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(path)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            out.write(h);
            for (Tensor t : tensors.values()) {
                ByteBuffer b = ByteBuffer.allocate(t.data().length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(t.data());
                out.write(b.array());
            }
        }
    }
}
