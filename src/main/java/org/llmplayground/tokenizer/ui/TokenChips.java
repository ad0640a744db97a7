package org.llmplayground.tokenizer.ui;

import org.llmplayground.tokenizer.Tokenization;

import java.util.List;

/**
 * Renders tokens as coloured chips (one HTML string, set as innerHTML: thousands of tokens stay one DOM update).
 * <ul>
 *   <li>colour = the pre-tokenizer chunk: tokens of one chunk share a colour, so you see the regex split, and the
 *       boxes inside a colour show how BPE cut that chunk;</li>
 *   <li>whitespace is made visible: space {@code ·}, tab {@code ⇥}, newline {@code ↵} (then a line break);</li>
 *   <li>a token holding part of a character (one byte of an emoji) shows its bytes: {@code ‹F0 9F›};</li>
 *   <li>hover shows id, bytes and text: {@code title="id 995 · bytes 20 77 6F 72 6C 64 · ' world'"}.</li>
 * </ul>
 * Pure function of its input; the text is HTML-escaped.
 */
public final class TokenChips {
    static final int PALETTE = 8;

    private TokenChips() {
    }

    public static String html(List<Tokenization.TokenView> tokens) {
        StringBuilder sb = new StringBuilder(tokens.size() * 80);
        int lastChunk = Integer.MIN_VALUE;
        for (Tokenization.TokenView t : tokens) {
            boolean chunkStart = t.chunk() != lastChunk;
            lastChunk = t.chunk();
            String shown = shown(t);
            sb.append("<span class=\"tok c").append(Math.floorMod(t.chunk(), PALETTE))
                    .append(chunkStart ? " cs" : "").append(t.special() ? " special" : "")
                    .append("\" data-id=\"").append(t.id())
                    .append("\" title=\"").append(escape(tooltip(t))).append("\">")
                    .append(escape(shown)).append("</span>");
            if (t.text().endsWith("\n") && !t.special()) {
                sb.append("<br>");
            }
        }
        return sb.toString();
    }

    static String tooltip(Tokenization.TokenView t) {
        return "id " + t.id() + " · bytes " + t.bytes() + " · " + (t.special() ? "special " : "") + "'" + t.text() + "'";
    }

    /** What the chip shows. */
    static String shown(Tokenization.TokenView t) {
        if (t.special()) {
            return t.text();
        }
        if (t.text().indexOf('\uFFFD') >= 0) {
            return "‹" + t.bytes() + "›"; // not a whole character
        }
        StringBuilder sb = new StringBuilder(t.text().length());
        t.text().codePoints().forEach(cp -> {
            switch (cp) {
                case ' ' -> sb.append('·');
                case '\t' -> sb.append('⇥');
                case '\n' -> sb.append('↵');
                case '\r' -> sb.append('␍');
                default -> {
                    if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT) {
                        sb.append(String.format("\\u%04X", cp));
                    } else {
                        sb.appendCodePoint(cp);
                    }
                }
            }
        });
        return sb.toString();
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
