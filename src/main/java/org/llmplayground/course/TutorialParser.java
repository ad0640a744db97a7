package org.llmplayground.course;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a tutorial from its Markdown file. The file is ordinary Markdown (it reads well on the repository) with a
 * few conventions the parser relies on:
 * <pre>
 * # Tutorial 1: Your first tokenizer        ← the title
 * lab: /tokenizer                           ← header lines, up to the first blank line after them
 * minutes: 10
 * makes: a vocabulary of your own
 *
 * Intro paragraphs…
 *
 * ## Step: Train a BPE vocabulary            ← each step
 * Explanation paragraphs…
 * Do: what to do in the lab                  ← the action (one paragraph)
 * check: tokenizer-trained min_vocab=512     ← the check ({@link CheckSpec})
 * ask: the question, for answer checks
 *
 * ## Quiz
 * ### The question?
 * - a wrong option
 * - [x] the right option
 * Why it is right…
 *
 * ## Try this
 * - an experiment
 * </pre>
 */
public final class TutorialParser {
    private TutorialParser() {
    }

    public static Tutorial parse(String fileName, String markdown) {
        String base = fileName.replaceFirst("\\.md$", "");
        int number = Integer.parseInt(base.substring(0, base.indexOf('-')));
        String id = base.substring(base.indexOf('-') + 1);
        List<String> lines = markdown.lines().toList();
        String title = null;
        String lab = null;
        String makes = "";
        int minutes = 0;
        List<List<String>> sections = new ArrayList<>();
        List<String> intro = new ArrayList<>();
        List<String> current = intro;
        for (String line : lines) {
            if (line.startsWith("# ") && title == null) {
                title = line.substring(2).strip();
            } else if (line.startsWith("## ")) {
                current = new ArrayList<>();
                current.add(line.substring(3).strip());
                sections.add(current);
            } else if (current == intro && line.startsWith("lab:")) {
                lab = line.substring(4).strip();
            } else if (current == intro && line.startsWith("minutes:")) {
                minutes = Integer.parseInt(line.substring(8).strip());
            } else if (current == intro && line.startsWith("makes:")) {
                makes = line.substring(6).strip();
            } else {
                current.add(line);
            }
        }
        if (title == null || lab == null) {
            throw new IllegalArgumentException(fileName + ": needs a '# title' and a 'lab:' line");
        }
        List<Tutorial.Step> steps = new ArrayList<>();
        List<Tutorial.Question> quiz = new ArrayList<>();
        List<String> tryThis = new ArrayList<>();
        for (List<String> s : sections) {
            String heading = s.get(0);
            List<String> body = s.subList(1, s.size());
            if (heading.startsWith("Step:")) {
                steps.add(step(fileName, heading.substring(5).strip(), body));
            } else if (heading.equals("Quiz")) {
                quiz.addAll(quiz(fileName, body));
            } else if (heading.equals("Try this")) {
                body.stream().filter(l -> l.startsWith("- ")).map(l -> l.substring(2).strip()).forEach(tryThis::add);
            } else {
                throw new IllegalArgumentException(fileName + ": unknown section '## " + heading + "'");
            }
        }
        if (steps.isEmpty()) {
            throw new IllegalArgumentException(fileName + ": a tutorial needs at least one '## Step:'");
        }
        return new Tutorial(number, id, title, lab, minutes, makes, join(intro), steps, quiz, tryThis);
    }

    private static Tutorial.Step step(String file, String title, List<String> body) {
        List<String> explanation = new ArrayList<>();
        StringBuilder action = new StringBuilder();
        String check = null;
        String ask = "";
        boolean inAction = false; // the action paragraph runs from "Do:" to the next blank line; indented lines are code
        for (String l : body) {
            if (l.startsWith("Do:")) {
                action.append(l.substring(3).strip());
                inAction = true;
            } else if (l.startsWith("check:")) {
                check = l.substring(6).strip();
                inAction = false;
            } else if (l.startsWith("ask:")) {
                ask = l.substring(4).strip();
                inAction = false;
            } else if (inAction && l.startsWith("    ")) {
                action.append('\n').append(l);
            } else if (inAction && !l.isBlank()) {
                action.append(' ').append(l.strip());
            } else if (inAction && l.isBlank()) {
                action.append('\n');
            } else {
                explanation.add(l);
            }
        }
        if (check == null) {
            throw new IllegalArgumentException(file + ": step '" + title + "' has no 'check:' line");
        }
        CheckSpec spec = CheckSpec.parse(check);
        if (spec.isAnswer() && ask.isEmpty()) {
            throw new IllegalArgumentException(file + ": step '" + title + "' checks an answer but has no 'ask:' line");
        }
        return new Tutorial.Step(title, join(explanation), action.toString().strip(), spec, ask);
    }

    private static List<Tutorial.Question> quiz(String file, List<String> body) {
        List<Tutorial.Question> out = new ArrayList<>();
        String q = null;
        List<String> options = new ArrayList<>();
        List<String> why = new ArrayList<>();
        int answer = -1;
        for (String l : new ArrayList<>(body) {{ add("### "); }}) { // a sentinel heading closes the last question
            if (l.startsWith("### ")) {
                if (q != null) {
                    if (answer < 0 || options.size() < 2) {
                        throw new IllegalArgumentException(file + ": quiz question '" + q + "' needs 2+ options, one marked [x]");
                    }
                    out.add(new Tutorial.Question(q, List.copyOf(options), answer, join(why)));
                }
                q = l.substring(4).strip();
                options.clear();
                why.clear();
                answer = -1;
            } else if (l.startsWith("- ")) {
                String o = l.substring(2).strip();
                if (o.startsWith("[x] ")) {
                    answer = options.size();
                    o = o.substring(4);
                }
                options.add(o);
            } else {
                why.add(l);
            }
        }
        return out;
    }

    private static String join(List<String> lines) {
        return String.join("\n", lines).strip();
    }
}
