package org.llmplayground.core;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 4180 CSV reader (shared: the Data lab's sources, the Evaluation lab's benchmark files), one record at a time: fields separated by commas; a field in double quotes may contain
 * commas, newlines and doubled quotes ("a ""b""" is {@code a "b"}). Record numbers count records, not lines.
 * <p>
 * A record keeps at most {@code maxChars} characters (separators included): a longer one is read to its end but not
 * held, and {@link #cut()} says so, so one quoted field of 3 GiB in a small .csv.gz cannot fill the heap.
 */
public final class CsvRecords {
    /** The cap of a record when none is given: 16 Mi characters (the Data lab's document cap). */
    public static final int DEFAULT_MAX_CHARS = 16 << 20;
    private final Reader in;
    private final int maxChars;
    private long records;
    private int peeked = -2;
    private int chars;
    private boolean cut;

    public CsvRecords(Reader in) {
        this(in, DEFAULT_MAX_CHARS);
    }

    public CsvRecords(Reader in, int maxChars) {
        this.in = in;
        this.maxChars = maxChars;
    }

    /** Whether the last record was longer than the cap: its fields are incomplete and it should be skipped. */
    public boolean cut() {
        return cut;
    }

    private void append(StringBuilder f, char c) {
        if (chars < maxChars) {
            f.append(c);
            chars++;
        } else {
            cut = true;
        }
    }

    private void endField(List<String> fields, StringBuilder f) {
        if (chars < maxChars) {
            fields.add(f.toString());
            chars++; // the separator: a million empty fields count too
        } else {
            cut = true;
        }
        f.setLength(0);
    }

    public long recordNumber() {
        return records;
    }

    /** The next record's fields, or null at the end. */
    public List<String> next() throws IOException {
        int c = read();
        if (c < 0) {
            return null;
        }
        List<String> fields = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        chars = 0;
        cut = false;
        boolean quoted = false;
        boolean atStart = true;
        while (true) {
            if (c < 0) {
                endField(fields, f);
                break;
            }
            if (quoted) {
                if (c == '"') {
                    int n = read();
                    if (n == '"') {
                        append(f, '"');
                    } else {
                        quoted = false;
                        c = n;
                        continue;
                    }
                } else {
                    append(f, (char) c);
                }
            } else if (c == '"' && atStart) {
                quoted = true;
            } else if (c == ',') {
                endField(fields, f);
                atStart = true;
                c = read();
                continue;
            } else if (c == '\r' || c == '\n') {
                if (c == '\r') {
                    int n = read();
                    if (n != '\n') {
                        peeked = n;
                    }
                }
                endField(fields, f);
                break;
            } else {
                append(f, (char) c);
            }
            atStart = false;
            c = read();
        }
        records++;
        return fields;
    }

    private int read() throws IOException {
        if (peeked != -2) {
            int p = peeked;
            peeked = -2;
            return p;
        }
        return in.read();
    }
}
