package org.llmplayground.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the safetensors format: an 8-byte little-endian header length, a JSON header
 * {@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...}}, then the raw data.
 * Every floating tensor comes back as float32: F16 and BF16 are widened here, in Java, because a bfloat16 tensor in
 * DJL's CPU engine crashes the JVM. BF16 is the top half of a float32, so widening is exact ({@code bits << 16}).
 */
public final class SafetensorsFile implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;

    /** One entry of the header. */
    public record Entry(String dtype, long[] shape, long begin, long end) {
    }

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    private SafetensorsFile(Path path) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            ByteBuffer len = read(0, 8);
            long headerLength = len.getLong();
            if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > channel.size()) {
                throw new IllegalArgumentException(path.getFileName() + " is not a safetensors file (bad header length "
                        + headerLength + ")");
            }
            dataStart = 8 + headerLength;
            JsonNode header;
            try {
                header = JSON.readTree(StandardCharsets.UTF_8.decode(read(8, (int) headerLength)).toString());
            } catch (IOException e) {
                throw new IllegalArgumentException(path.getFileName() + " is not a safetensors file (its header is not JSON)");
            }
            header.fields().forEachRemaining(f -> {
                if (!f.getKey().equals("__metadata__")) {
                    entries.put(f.getKey(), entry(f.getKey(), f.getValue()));
                }
            });
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public static SafetensorsFile open(Path path) throws IOException {
        return new SafetensorsFile(path);
    }

    private Entry entry(String name, JsonNode node) {
        JsonNode shapeNode = node.path("shape");
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong();
        }
        long begin = node.path("data_offsets").path(0).asLong(-1);
        long end = node.path("data_offsets").path(1).asLong(-1);
        if (begin < 0 || end < begin || dataStart + end > sizeOrZero()) {
            throw new IllegalArgumentException("Tensor '" + name + "' in " + path.getFileName() + " points outside the file");
        }
        return new Entry(node.path("dtype").asText(), shape, begin, end);
    }

    private long sizeOrZero() {
        try {
            return channel.size();
        } catch (IOException e) {
            return 0;
        }
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    public boolean has(String name) {
        return entries.containsKey(name);
    }

    /** A floating tensor as float32 (F32, F16, BF16 or F64 in the file). */
    public Tensor tensor(String name) throws IOException {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("Tensor '" + name + "' is missing from " + path.getFileName());
        }
        int n = (int) count(e.shape());
        int width = switch (e.dtype()) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            case "F64" -> 8;
            default -> throw new IllegalArgumentException("Tensor '" + name + "' has dtype " + e.dtype()
                    + "; weights must be F32, F16, BF16 or F64");
        };
        if ((long) n * width != e.end() - e.begin()) {
            throw new IllegalArgumentException("Tensor '" + name + "' has " + (e.end() - e.begin()) + " bytes, but "
                    + e.dtype() + " " + java.util.Arrays.toString(e.shape()) + " needs " + (long) n * width);
        }
        ByteBuffer buf = read(dataStart + e.begin(), (int) (e.end() - e.begin()));
        float[] out = new float[n];
        switch (e.dtype()) {
            case "F32" -> buf.asFloatBuffer().get(out);
            case "F64" -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) buf.getDouble();
                }
            }
            case "BF16" -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat((buf.getShort() & 0xFFFF) << 16);
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    out[i] = halfToFloat(buf.getShort());
                }
            }
        }
        return new Tensor(out, e.shape(), name);
    }

    /** An integer tensor (I64 or I32), e.g. the token ids of a reference fixture. */
    public long[] longs(String name) throws IOException {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("Tensor '" + name + "' is missing from " + path.getFileName());
        }
        ByteBuffer buf = read(dataStart + e.begin(), (int) (e.end() - e.begin()));
        long[] out = new long[(int) count(e.shape())];
        for (int i = 0; i < out.length; i++) {
            out[i] = "I32".equals(e.dtype()) ? buf.getInt() : buf.getLong();
        }
        return out;
    }

    private ByteBuffer read(long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining()) {
            if (channel.read(buf, position + buf.position()) < 0) {
                throw new IllegalArgumentException(path.getFileName() + " ends early (truncated download?)");
            }
        }
        return buf.flip();
    }

    static long count(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    /** IEEE 754 half precision to float (Float.float16ToFloat arrives in Java 20). */
    static float halfToFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0) {
            return Float.intBitsToFloat(sign) + (sign != 0 ? -1 : 1) * mant * 0x1p-24f;
        }
        if (exp == 31) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
