package org.llmplayground.data.clean;

import io.micronaut.serde.annotation.Serdeable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one stage did: documents and characters in and out, how many it removed or changed, counts per reason (a
 * filter rule, a PII type), and the first few examples of each reason with the text before and after. Thread-safe.
 */
public final class StageReport {
    public static final int EXAMPLES_PER_REASON = 3;
    private static final int EXAMPLE_CHARS = 300;

    private final String stage;
    private long documentsIn;
    private long documentsOut;
    private long removed;
    private long changed;
    private long charsIn;
    private long charsOut;
    private final Map<String, Long> reasons = new LinkedHashMap<>();
    private final List<Example> examples = new ArrayList<>();
    private final java.util.concurrent.atomic.LongAdder nanos = new java.util.concurrent.atomic.LongAdder();

    /** A before/after pair; after is empty when the document was removed; note says more (e.g. which document it copies). */
    @Serdeable
    public record Example(String reason, String documentId, String before, String after, String note) {
    }

    /** The report as plain data for the UI and the API. */
    @Serdeable
    public record Summary(String stage, long documentsIn, long documentsOut, long removed, long changed, long charsIn, long charsOut,
                          Map<String, Long> reasons, List<Example> examples, long cpuMillis) {
        /** Characters in per second of this stage's CPU time, summed over threads (MB/s for ASCII text). */
        public double charsPerSecond() {
            return cpuMillis == 0 ? 0 : charsIn * 1000.0 / cpuMillis;
        }
    }

    public StageReport(String stage) {
        this.stage = stage;
    }

    synchronized void in(Document d) {
        documentsIn++;
        charsIn += d.text().length();
    }

    synchronized void out(Document d) {
        documentsOut++;
        charsOut += d.text().length();
    }

    /** The document was dropped for {@code reason}. */
    public synchronized void removed(Document d, String reason) {
        removed(d, reason, "");
    }

    /** The document was dropped for {@code reason}; {@code note} explains (shown with the example). */
    public synchronized void removed(Document d, String reason, String note) {
        removed++;
        count(reason, 1);
        example(reason, d, "", note);
    }

    /** The document was changed: {@code count} edits for {@code reason} (e.g. 3 e-mail addresses). */
    public synchronized void changed(Document before, String after, String reason, long count) {
        count(reason, count);
        example(reason, before, after, "");
    }

    /** Time spent in this stage (from any thread). */
    void time(long elapsedNanos) {
        nanos.add(elapsedNanos);
    }

    synchronized void markChanged() {
        changed++;
    }

    private void count(String reason, long n) {
        reasons.merge(reason, n, Long::sum);
    }

    private void example(String reason, Document d, String after, String note) {
        if (examples.stream().filter(e -> e.reason().equals(reason)).count() < EXAMPLES_PER_REASON) {
            examples.add(new Example(reason, d.id(), clip(d.text()), clip(after), note));
        }
    }

    private static String clip(String s) {
        return s.length() <= EXAMPLE_CHARS ? s : s.substring(0, EXAMPLE_CHARS) + "…";
    }

    public synchronized Summary summary() {
        return new Summary(stage, documentsIn, documentsOut, removed, changed, charsIn, charsOut, Map.copyOf(reasons), List.copyOf(examples),
                nanos.sum() / 1_000_000);
    }
}
