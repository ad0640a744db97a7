package org.llmplayground.data.clean;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Ordered stages with one report each: a document goes through them in turn until one removes it.
 * <p>
 * For speed the work is split in two phases. {@link #prepare} runs the independent stages (normalise, language,
 * PII, quality) and computes the keys of the deduplication stages behind them; it touches no shared state except
 * the reports, so worker threads can run it on many documents at once. {@link #finish} then takes the prepared
 * documents one at a time, in input order, and lets the dedup stages decide. {@link #apply} is both in one go.
 * A stage that follows a dedup stage (it sees only what dedup kept) runs in {@link #finish} too.
 */
public final class Pipeline {
    private final List<Stage> stages;
    private final List<StageReport> reports = new ArrayList<>();
    /** Index of the first stage that must run in order (the first keyed stage), or stages.size(). */
    private final int serialFrom;

    public Pipeline(List<Stage> stages) {
        this.stages = List.copyOf(stages);
        for (Stage s : stages) {
            reports.add(new StageReport(s.name()));
        }
        int first = 0;
        while (first < stages.size() && !(stages.get(first) instanceof KeyedStage<?>)) {
            first++;
        }
        this.serialFrom = first;
    }

    /**
     * A document after the independent stages (empty text = removed there) with the keys the keyed stages will
     * need: {@code keys[i]} belongs to stage {@code serialFrom + i}, null where it is computed in {@link #finish}.
     */
    public record Prepared(Document document, boolean removed, Object[] keys) {
    }

    /** The cleaned document, or empty when a stage removed it. */
    public Optional<Document> apply(Document d) {
        return finish(prepare(d));
    }

    /** Phase one, thread-safe: the independent stages, then the keys of the dedup stages. */
    public Prepared prepare(Document d) {
        Optional<Document> current = run(Optional.of(d), 0, serialFrom, null);
        if (current.isEmpty()) {
            return new Prepared(d, true, null);
        }
        Object[] keys = new Object[stages.size() - serialFrom];
        for (int i = serialFrom; i < stages.size(); i++) {
            if (!(stages.get(i) instanceof KeyedStage<?> k)) {
                break; // the text may still change: later keys are computed in finish
            }
            long t0 = System.nanoTime();
            keys[i - serialFrom] = k.key(current.get());
            reports.get(i).time(System.nanoTime() - t0);
        }
        return new Prepared(current.get(), false, keys);
    }

    /** Phase two, one thread, input order: the dedup stages and whatever follows them. */
    public Optional<Document> finish(Prepared p) {
        if (p.removed()) {
            return Optional.empty();
        }
        return run(Optional.of(p.document()), serialFrom, stages.size(), p.keys());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Optional<Document> run(Optional<Document> start, int from, int to, Object[] keys) {
        Optional<Document> current = start;
        for (int i = from; i < to && current.isPresent(); i++) {
            Document before = current.get();
            StageReport r = reports.get(i);
            r.in(before);
            Stage stage = stages.get(i);
            Object key = keys == null ? null : keys[i - serialFrom];
            long t0 = System.nanoTime();
            current = key != null && stage instanceof KeyedStage k ? k.decide(before, key, r) : stage.apply(before, r);
            r.time(System.nanoTime() - t0);
            if (current.isPresent()) {
                if (!current.get().text().equals(before.text())) {
                    r.markChanged();
                }
                r.out(current.get());
            }
        }
        return current;
    }

    public List<Stage> stages() {
        return stages;
    }

    public List<StageReport.Summary> reports() {
        return reports.stream().map(StageReport::summary).toList();
    }
}
