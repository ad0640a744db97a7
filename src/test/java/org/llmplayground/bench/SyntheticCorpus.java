package org.llmplayground.bench;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import org.llmplayground.core.Resources;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A generated web-like corpus as JSONL ({"text": …} per line) with planted duplicates, to measure the cleaning
 * pipeline at scale. Words are drawn with their WikiText-2 frequencies (so "of the" is as common as in real text),
 * in sentences of 6–24 words, 120–700 words a document. Every original starts with its serial ("Document 123
 * reports"), which edits never touch, so duplicates left in the output can be counted independently of the
 * pipeline. Of every 100 documents about:
 * <ul>
 *   <li>10 are exact copies of an earlier document, with changed case, punctuation or spacing (exact dedup
 *       normalises those away);</li>
 *   <li>10 are near copies: 5–20 % of the words (except the first two) replaced;</li>
 *   <li>2 are junk (menus, symbol soup) for the quality filter, and 1 in 50 documents carries an e-mail or phone number.</li>
 * </ul>
 */
public final class SyntheticCorpus {
    private final Random random;
    private final String[] words;
    private final List<String> recent = new ArrayList<>();
    private long serial;
    long originals;
    long exactCopies;
    long nearCopies;
    long junk;

    public SyntheticCorpus(long seed) {
        this.random = new Random(seed);
        List<String> w = new ArrayList<>();
        for (String t : Resources.text("bundled/data/wikitext-2/valid.txt").split("\\s+")) {
            if (t.matches("[A-Za-z]+") && !t.equals("unk")) {
                w.add(t);
            }
        }
        this.words = w.toArray(String[]::new);
    }

    /** Writes documents until the file has at least {@code bytes} bytes; returns the documents written. */
    public long write(Path file, long bytes) throws IOException {
        long docs = 0;
        long written = 0;
        JsonStringEncoder json = JsonStringEncoder.getInstance();
        try (Writer w = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 20)) {
            while (written < bytes) {
                String text = next();
                String line = "{\"text\":\"" + new String(json.quoteAsString(text)) + "\"}\n";
                w.write(line);
                written += line.getBytes(StandardCharsets.UTF_8).length;
                docs++;
            }
        }
        return docs;
    }

    /** The next document: mostly originals, some copies of recent originals. */
    String next() {
        double u = random.nextDouble();
        if (u < 0.10 && !recent.isEmpty()) {
            exactCopies++;
            return restyle(pick());
        }
        if (u < 0.20 && !recent.isEmpty()) {
            nearCopies++;
            return edit(pick(), 0.05 + 0.15 * random.nextDouble());
        }
        if (u < 0.22) {
            junk++;
            return junkDocument();
        }
        originals++;
        String doc = original();
        if (recent.size() < 20_000) {
            recent.add(doc);
        } else {
            recent.set(random.nextInt(recent.size()), doc);
        }
        return doc;
    }

    private String pick() {
        return recent.get(random.nextInt(recent.size()));
    }

    private String original() {
        StringBuilder b = new StringBuilder("Document ").append(++serial).append(" reports");
        int target = 120 + random.nextInt(580);
        int count = 3;
        int inSentence = 3;
        int sentenceLength = 6 + random.nextInt(19);
        boolean pii = random.nextInt(50) == 0;
        while (count < target) {
            String word = words[random.nextInt(words.length)];
            b.append(' ').append(inSentence == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : word);
            count++;
            inSentence++;
            if (inSentence >= sentenceLength) {
                b.append('.');
                if (pii && random.nextInt(4) == 0) {
                    b.append(random.nextBoolean() ? " Write to editor" + serial + "@example.org for more." : " Call +1 212-555-01" + (10 + random.nextInt(89)) + " today.");
                    pii = false;
                }
                if (random.nextInt(6) == 0) {
                    b.append('\n');
                }
                inSentence = 0;
                sentenceLength = 6 + random.nextInt(19);
            }
        }
        return b.append('.').toString();
    }

    /** The same words with another case, spacing or punctuation: equal after exact dedup's normalisation. */
    private String restyle(String doc) {
        return switch (random.nextInt(3)) {
            case 0 -> doc.toUpperCase(java.util.Locale.ROOT);
            case 1 -> doc.replace(" ", "  ");
            default -> doc.replace(".", "!");
        };
    }

    /** Replaces each word after the first two with probability {@code fraction}. */
    private String edit(String doc, double fraction) {
        String[] w = doc.split(" ");
        for (int i = 2; i < w.length; i++) {
            if (random.nextDouble() < fraction) {
                w[i] = words[random.nextInt(words.length)];
            }
        }
        return String.join(" ", w);
    }

    private String junkDocument() {
        if (random.nextBoolean()) {
            return "Home | About | Contact | Login\nHome | About | Contact | Login\nCopyright " + random.nextInt(100_000);
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 80; i++) {
            b.append("#tag").append(random.nextInt(1000)).append(" ## ");
        }
        return b.toString();
    }
}
