package org.llmplayground.training;

import org.llmplayground.core.Workspace;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A tokenized corpus on disk: the ids one after another, little-endian, 2 bytes each when the vocabulary fits in
 * 16 bits (1.1M characters of Shakespeare = 2.2 MB) and 4 bytes otherwise. The file is memory-mapped, so a corpus
 * larger than the heap costs only the pages that batches touch.
 */
public final class TokenDataset implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final ShortBuffer shorts;
    private final IntBuffer ints;
    private final long size;

    private TokenDataset(Path file) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
        map.order(ByteOrder.LITTLE_ENDIAN);
        boolean wide = file.getFileName().toString().endsWith(".i32");
        this.shorts = wide ? null : map.asShortBuffer();
        this.ints = wide ? map.asIntBuffer() : null;
        this.size = wide ? channel.size() / 4 : channel.size() / 2;
    }

    public static TokenDataset open(Path file) throws IOException {
        return new TokenDataset(file);
    }

    /** Writes ids to {@code dir/tokens.u16} (or .i32 for large vocabularies) atomically and returns the file. */
    public static Path write(int[] ids, int vocabSize, Path dir) throws IOException {
        boolean wide = vocabSize > 65_536;
        Path target = dir.resolve(wide ? "tokens.i32" : "tokens.u16");
        ByteBuffer buf = ByteBuffer.allocate(ids.length * (wide ? 4 : 2)).order(ByteOrder.LITTLE_ENDIAN);
        for (int id : ids) {
            if (wide) {
                buf.putInt(id);
            } else {
                buf.putShort((short) id);
            }
        }
        Path tmp = Files.createTempFile(dir, "tokens", Workspace.UNFINISHED);
        Files.write(tmp, buf.array());
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    public long size() {
        return size;
    }

    public int token(long i) {
        return shorts != null ? shorts.get((int) i) & 0xFFFF : ints.get((int) i);
    }

    /** Copies ids [from, from + length) into {@code dst} starting at {@code at}. */
    public void copy(long from, long[] dst, int at, int length) {
        for (int k = 0; k < length; k++) {
            dst[at + k] = token(from + k);
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
