package org.llmplayground.data;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * Where a dataset's documents come from:
 * <ul>
 *   <li>{@code corpus}: a corpus of the app (bundled or saved), {@code id} its id; paragraphs are documents;</li>
 *   <li>{@code file}: a file in the workspace's datasets folder (an upload or a Hub download), {@code id} its path
 *       there: txt, jsonl, csv, parquet or Common Crawl WET, each optionally gzipped; {@code field} names the JSON
 *       field or the CSV/parquet column with the text;</li>
 *   <li>{@code web}: pages fetched from {@code urls} (robots.txt respected, one request per host per second).</li>
 * </ul>
 */
@Serdeable
public record DataSource(Kind kind, @Nullable String id, @Nullable String field, @Nullable List<String> urls) {
    @Serdeable
    public enum Kind {
        CORPUS, FILE, WEB;

        /** "corpus", "Corpus" or "CORPUS": the query parameters of the statistics endpoints are lower case, the JSON may be too. */
        @com.fasterxml.jackson.annotation.JsonCreator
        public static Kind of(String name) {
            for (Kind k : values()) {
                if (k.name().equalsIgnoreCase(name == null ? "" : name.strip())) {
                    return k;
                }
            }
            throw new IllegalArgumentException("Unknown source kind '" + name + "': use corpus, file or web.");
        }
    }

    public static DataSource corpus(String id) {
        return new DataSource(Kind.CORPUS, id, null, null);
    }

    public static DataSource file(String path, @Nullable String field) {
        return new DataSource(Kind.FILE, path, field, null);
    }

    public static DataSource web(List<String> urls) {
        return new DataSource(Kind.WEB, null, null, urls);
    }

    /** A short description for titles and logs. */
    public String describe() {
        return switch (kind) {
            case CORPUS -> "corpus " + id;
            case FILE -> id + (field == null ? "" : " [" + field + "]");
            case WEB -> (urls == null ? 0 : urls.size()) + " web pages";
        };
    }
}
