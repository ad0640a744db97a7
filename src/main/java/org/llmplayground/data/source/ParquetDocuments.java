package org.llmplayground.data.source;

import blue.strategic.parquet.Hydrator;
import blue.strategic.parquet.HydratorSupplier;
import blue.strategic.parquet.ParquetReader;
import org.apache.parquet.schema.Type;
import org.llmplayground.core.BadInputException;
import org.llmplayground.data.clean.Document;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Parquet files (the format of most Hugging Face Hub datasets), read with parquet-floor so no Hadoop is needed: only
 * the chosen text column is decoded, row group by row group, so a large shard streams through. Rows whose value is
 * missing (null) are skipped and counted.
 */
public final class ParquetDocuments {
    private ParquetDocuments() {
    }

    /** The file's top-level column names, from its footer. */
    public static List<String> columns(Path file) {
        try {
            return ParquetReader.readMetadata(file.toFile()).getFileMetaData().getSchema().getFields().stream().map(Type::getName).toList();
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(file.getFileName() + " is not a readable parquet file: " + e.getMessage());
        }
    }

    /**
     * Gives every row's text to {@code sink}; returns {documents, skipped empty, skipped too long}. A value longer than
     * {@code maxChars} ({@link DocumentReader#MAX_DOCUMENT_CHARS}) is skipped like a .txt paragraph of that size, and
     * the first such row is named in {@code firstTooLong[0]}.
     */
    public static long[] read(Path file, String column, int maxChars, long[] firstTooLong, Consumer<Document> sink) {
        List<String> columns = columns(file);
        if (!columns.contains(column)) {
            throw new BadInputException(file.getFileName() + " has no column '" + column + "'. Its columns: " + String.join(", ", columns) + ".");
        }
        String name = file.getFileName().toString();
        AtomicLong rows = new AtomicLong();
        AtomicLong skipped = new AtomicLong();
        AtomicLong tooLong = new AtomicLong();
        HydratorSupplier<String[], String> one = HydratorSupplier.constantly(new Hydrator<>() {
            @Override
            public String[] start() {
                return new String[1];
            }

            @Override
            public String[] add(String[] target, String heading, Object value) {
                if (heading.equals(column) && value != null) {
                    target[0] = value.toString();
                }
                return target;
            }

            @Override
            public String finish(String[] target) {
                return target[0] == null ? "" : target[0];
            }
        });
        try (Stream<String> texts = ParquetReader.streamContent(file.toFile(), one, List.of(column))) {
            texts.forEach(t -> {
                long row = rows.incrementAndGet();
                if (t.isEmpty()) {
                    skipped.incrementAndGet();
                } else if (t.length() > maxChars) {
                    if (tooLong.getAndIncrement() == 0) {
                        firstTooLong[0] = row;
                    }
                } else {
                    sink.accept(new Document(name + ":" + row, t));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new long[]{rows.get() - skipped.get() - tooLong.get(), skipped.get(), tooLong.get()};
    }
}
