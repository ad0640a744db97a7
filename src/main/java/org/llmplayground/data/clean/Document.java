package org.llmplayground.data.clean;

/** One document of a corpus on its way through the cleaning stages: an id (its source and position) and its text. */
public record Document(String id, String text) {
    public Document withText(String t) {
        return new Document(id, t);
    }
}
