package org.llmplayground.data.clean;

import java.util.Optional;

/**
 * One step of the cleaning pipeline. It sees one document at a time (so a corpus of any size streams through in
 * bounded memory), returns it changed or unchanged, or removes it, and writes what it did into its report.
 */
public interface Stage {
    String name();

    /** The document after this stage, or empty when the stage removes it. */
    Optional<Document> apply(Document d, StageReport report);
}
