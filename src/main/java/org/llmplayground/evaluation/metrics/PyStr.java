package org.llmplayground.evaluation.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's str.split() and str.rstrip() with no arguments, which the reference packages use: whitespace is what
 * Python's str.isspace() says, Unicode spaces included (U+00A0, U+2028, …), which Java's Character.isWhitespace
 * leaves out (it excludes no-break spaces).
 */
public final class PyStr {
    private PyStr() {
    }

    /** Python's str.isspace() for one code point: Unicode White_Space, bidi class WS/B/S, and the ASCII separators 0x1C–0x1F. */
    public static boolean isSpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85 || (c >= 0x1C && c <= 0x1F);
    }

    public static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && isSpace(s.codePointAt(i))) {
                i += Character.charCount(s.codePointAt(i));
            }
            int start = i;
            while (i < n && !isSpace(s.codePointAt(i))) {
                i += Character.charCount(s.codePointAt(i));
            }
            if (i > start) {
                out.add(s.substring(start, i));
            }
        }
        return out;
    }

    public static String rstrip(String s) {
        int end = s.length();
        while (end > 0 && isSpace(s.codePointBefore(end))) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(0, end);
    }

    /** Python's str.lower() (full Unicode lower-casing, locale-independent). */
    public static String lower(String s) {
        return s.toLowerCase(java.util.Locale.ROOT);
    }

    /** Python's str.strip(): whitespace as str.isspace() says, both ends. */
    public static String strip(String s) {
        String r = rstrip(s);
        int start = 0;
        while (start < r.length() && isSpace(r.codePointAt(start))) {
            start += Character.charCount(r.codePointAt(start));
        }
        return r.substring(start);
    }
}
