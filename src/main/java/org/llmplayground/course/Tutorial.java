package org.llmplayground.course;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * One tutorial of the course: which lab it runs beside, what the learner makes, its steps, a quiz and experiments to
 * try. Written in docs/tutorials/NN-name.md (see {@link TutorialParser}) so the same text reads on the repository.
 *
 * @param number  its place in the course, 1..9
 * @param id      the file name without number and extension ("tokenizer" for 01-tokenizer.md)
 * @param lab     the app route the tutorial runs beside ("/tokenizer")
 * @param minutes how long it takes a newcomer, as written
 * @param makes   what the learner has made at the end
 * @param intro   Markdown: the concept in a paragraph
 */
@Serdeable
public record Tutorial(int number, String id, String title, String lab, int minutes, String makes, String intro, List<Step> steps,
                       List<Question> quiz, List<String> tryThis) {

    /**
     * A step: an explanation (Markdown, with the formula where it helps), what to do in the lab, and the check the app
     * runs before the next step unlocks. {@code ask} is the question the learner answers when the check is an answer.
     */
    @Serdeable
    public record Step(String title, String explanation, String action, CheckSpec check, String ask) {
    }

    /** A quiz question: options, the index of the right one, and why it is right. */
    @Serdeable
    public record Question(String text, List<String> options, int answer, String explanation) {
    }
}
