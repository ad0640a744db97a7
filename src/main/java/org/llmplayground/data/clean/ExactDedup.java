package org.llmplayground.data.clean;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Exact deduplication: a document whose normalised text (lower case, punctuation and whitespace runs → one space)
 * was seen before is removed, so "Hello,  World!" and "hello world" count as the same. Keeps a 128-bit hash (MD5)
 * per distinct document, not the text, so a large corpus fits in memory: about 100 bytes a document with the map's
 * overhead, 100 MB for a million.
 */
public final class ExactDedup implements KeyedStage<ExactDedup.Key> {
    /** hash of a kept document → its id and how many copies of it were dropped. */
    private final Map<Key, Kept> seen = new HashMap<>();

    /** The 128-bit hash of a normalised text. */
    public record Key(long hi, long lo) {
    }

    private static final class Kept {
        final String id;
        int copies;

        Kept(String id) {
            this.id = id;
        }
    }

    @Override
    public String name() {
        return "exact dedup";
    }

    @Override
    public Key key(Document d) {
        try {
            byte[] h = MessageDigest.getInstance("MD5").digest(normalise(d.text()).getBytes(StandardCharsets.UTF_8));
            ByteBuffer b = ByteBuffer.wrap(h);
            return new Key(b.getLong(), b.getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized Optional<Document> decide(Document d, Key k, StageReport report) {
        Kept kept = seen.get(k);
        if (kept != null) {
            kept.copies++;
            report.removed(d, "exact duplicate", "copy of " + kept.id);
            return Optional.empty();
        }
        seen.put(k, new Kept(d.id()));
        return Optional.of(d);
    }

    /** How many distinct documents had at least one copy removed. */
    public synchronized long clusters() {
        return seen.values().stream().filter(c -> c.copies > 0).count();
    }

    /**
     * Lower case; every run of characters that are not letters or digits becomes one space; no leading or trailing
     * space: "Hello,  World!\n" → "hello world". One pass over the text, no regular expressions (this runs on every
     * document of a corpus).
     */
    static String normalise(String text) {
        StringBuilder b = new StringBuilder(text.length());
        boolean gap = false;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isLetterOrDigit(c)) {
                if (gap && !b.isEmpty()) {
                    b.append(' ');
                }
                gap = false;
                b.appendCodePoint(Character.toLowerCase(c));
            } else {
                gap = true;
            }
        }
        return b.toString();
    }
}
