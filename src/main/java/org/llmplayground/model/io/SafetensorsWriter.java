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
