package org.llmplayground.data.source;

import blue.strategic.parquet.ParquetWriter;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmplayground.core.BadInputException;
import org.llmplayground.data.clean.Document;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParquetDocumentsTest {
    @TempDir
    Path dir;

    record Row(long id, String text) {
    }

    Path write(List<Row> rows) throws Exception {
        MessageType schema = Types.buildMessage()
                .required(PrimitiveType.PrimitiveTypeName.INT64).named("id")
                .optional(PrimitiveType.PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("text")
                .named("row");
        Path file = dir.resolve("train-00000.parquet");
        try (ParquetWriter<Row> w = ParquetWriter.writeFile(schema, file.toFile(), (row, out) -> {
            out.write("id", row.id());
            if (row.text() != null) {
                out.write("text", row.text());
            }
        })) {
            for (Row r : rows) {
                w.write(r);
            }
        }
        return file;
    }

    @Test
    void theTextColumnIsReadRowByRow() throws Exception {
        Path file = write(List.of(new Row(1, "First document."), new Row(2, null), new Row(3, "Third, with ünïcode.")));
        List<Document> docs = new ArrayList<>();
        long[] counts = ParquetDocuments.read(file, "text", 1000, new long[1], docs::add);
        assertThat(docs).extracting(Document::text).containsExactly("First document.", "Third, with ünïcode.");
        assertThat(docs).extracting(Document::id).containsExactly("train-00000.parquet:1", "train-00000.parquet:3");
        assertThat(counts).containsExactly(2, 1, 0);
    }

    @Test
    void aValueOverTheCapIsSkippedAndItsRowNamed() throws Exception {
        Path file = write(List.of(new Row(1, "kept"), new Row(2, "x".repeat(50)), new Row(3, "y".repeat(60)), new Row(4, "also kept")));
        List<Document> docs = new ArrayList<>();
        long[] firstTooLong = new long[1];
        long[] counts = ParquetDocuments.read(file, "text", 40, firstTooLong, docs::add);
        assertThat(docs).extracting(Document::text).containsExactly("kept", "also kept");
        assertThat(counts).containsExactly(2, 0, 2);
        assertThat(firstTooLong[0]).isEqualTo(2);
    }

    @Test
    void aMissingColumnOrANonParquetFileIsNamed() throws Exception {
        Path file = write(List.of(new Row(1, "x")));
        assertThatThrownBy(() -> ParquetDocuments.read(file, "content", 1000, new long[1], d -> {
        })).isInstanceOf(BadInputException.class).hasMessage("train-00000.parquet has no column 'content'. Its columns: id, text.");
        Path fake = Files.writeString(dir.resolve("fake.parquet"), "not parquet at all");
        assertThatThrownBy(() -> ParquetDocuments.read(fake, "text", 1000, new long[1], d -> {
        })).isInstanceOf(BadInputException.class).hasMessageStartingWith("fake.parquet is not a readable parquet file");
    }
}
