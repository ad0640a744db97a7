package org.llmplayground.data.source;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 4180 CSV reader, one record at a time: fields separated by commas; a field in double quotes may contain
 * commas, newlines and doubled quotes ("a ""b""" is {@code a "b"}). Record numbers count records, not lines.
 */
public final class CsvRecords {
    private final Reader in;
    private long records;
    private int peeked = -2;

    public CsvRecords(Reader in) {
        this.in = in;
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
        boolean quoted = false;
        boolean atStart = true;
        while (true) {
            if (c < 0) {
                fields.add(f.toString());
                break;
            }
            if (quoted) {
                if (c == '"') {
                    int n = read();
                    if (n == '"') {
                        f.append('"');
                    } else {
                        quoted = false;
                        c = n;
                        continue;
                    }
                } else {
                    f.append((char) c);
                }
            } else if (c == '"' && atStart) {
                quoted = true;
            } else if (c == ',') {
                fields.add(f.toString());
                f.setLength(0);
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
                fields.add(f.toString());
                break;
            } else {
                f.append((char) c);
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
