package org.llmplayground.data.source;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * Counts the bytes read through it and tells {@code onCount} the running total after every read: for progress
 * ("412 MB of 1 GB read") or for a limit (the consumer throws past it, which is how a zip bomb is stopped).
 */
public final class CountingInputStream extends FilterInputStream {
    private final LongConsumer onCount;
    private long count;

    public CountingInputStream(InputStream in, LongConsumer onCount) {
        super(in);
        this.onCount = onCount;
    }

    /** A stream that throws {@link org.llmplayground.core.BadInputException} once more than {@code limit} bytes came out of it. */
    public static CountingInputStream capped(InputStream in, long limit, String name) {
        return new CountingInputStream(in, n -> {
            if (n > limit) {
                throw new org.llmplayground.core.BadInputException(name + " expands to more than " + limit + " bytes when decompressed; "
                        + "the limit protects against zip bombs (raise playground.data.max-decompressed-bytes to allow it).");
            }
        });
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            onCount.accept(++count);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            count += n;
            onCount.accept(count);
        }
        return n;
    }
}
