package org.llmplayground.data.clean;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Exact deduplication: a document whose normalised text (lower case, whitespace collapsed, punctuation dropped) was
 * seen before is removed, so "Hello,  World!" and "hello world" count as the same. Keeps a 128-bit hash per distinct
 * document (16 bytes), not the text, so a large corpus fits in memory: 10 million documents take about 400 MB
 * with the map's overhead.
 */
public final class ExactDedup implements Stage {
    private static final Pattern PUNCTUATION = Pattern.compile("[\\p{P}\\p{S}]");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    /** hash of a kept document → how many copies of it were dropped. */
    private final Map<Key, int[]> seen = new HashMap<>();

    private record Key(long hi, long lo) {
    }

    @Override
    public String name() {
        return "exact dedup";
    }

    @Override
    public synchronized Optional<Document> apply(Document d, StageReport report) {
        Key k = key(d.text());
        int[] copies = seen.get(k);
        if (copies != null) {
            copies[0]++;
            report.removed(d, "exact duplicate");
            return Optional.empty();
        }
        seen.put(k, new int[]{0});
        return Optional.of(d);
    }

    /** How many distinct documents had at least one copy removed. */
    public synchronized long clusters() {
        return seen.values().stream().filter(c -> c[0] > 0).count();
    }

    static String normalise(String text) {
        return SPACES.matcher(PUNCTUATION.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ")).replaceAll(" ").strip();
    }

    private static Key key(String text) {
        try {
            byte[] h = MessageDigest.getInstance("MD5").digest(normalise(text).getBytes(StandardCharsets.UTF_8));
            return new Key(java.nio.ByteBuffer.wrap(h, 0, 8).getLong(), java.nio.ByteBuffer.wrap(h, 8, 8).getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
