package org.llmplayground.tokenizer;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** Published while a vocabulary trains: merges done so far and the latest ones, newest first. */
@Serdeable
public record TrainingProgress(int merges, int totalMerges, long chunks, int distinctChunks, List<LearnedMerge> latest) {

    /** Merge number {@code rank} joined {@code left} and {@code right} into token {@code id}, seen {@code count} times. */
    @Serdeable
    public record LearnedMerge(int rank, int id, String left, String right, String merged, long count) {
    }
}
