package org.llmplayground.data.clean;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Ordered stages with one report each: a document goes through them in turn until one removes it. */
public final class Pipeline {
    private final List<Stage> stages;
    private final List<StageReport> reports = new ArrayList<>();

    public Pipeline(List<Stage> stages) {
        this.stages = List.copyOf(stages);
        for (Stage s : stages) {
            reports.add(new StageReport(s.name()));
        }
    }

    /** The cleaned document, or empty when a stage removed it. */
    public Optional<Document> apply(Document d) {
        Document current = d;
        for (int i = 0; i < stages.size(); i++) {
            StageReport r = reports.get(i);
            r.in(current);
            Optional<Document> next = stages.get(i).apply(current, r);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            if (!next.get().text().equals(current.text())) {
                r.markChanged();
            }
            current = next.get();
            r.out(current);
        }
        return Optional.of(current);
    }

    public List<StageReport.Summary> reports() {
        return reports.stream().map(StageReport::summary).toList();
    }
}
