package org.llmplayground.course;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Jdbc;
import org.llmplayground.core.Resources;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The guided course: the nine tutorials of docs/tutorials/, and the learner's progress in H2. A step unlocks when
 * every step before it has passed its check; the check is run by {@link Checks} against what exists in the app, and
 * a pass is stored with the answer that passed. The quiz records each answer with whether it was right.
 */
@Singleton
public class CourseService {
    /** The tutorial files in course order (the parser's test checks this list against docs/tutorials/). */
    public static final List<String> FILES = List.of("01-tokenizer.md", "02-transformer.md", "03-train-gpt.md", "04-decoding.md",
            "05-data.md", "06-finetune.md", "07-dpo.md", "08-evaluate.md", "09-ship.md");

    private final List<Tutorial> tutorials = new ArrayList<>();
    private final Checks checks;
    private final Jdbc jdbc;

    /** A step's state: passed (with when and the message of its check), open (the next to do) or locked. */
    @Serdeable
    public record StepState(int step, String state, @Nullable String message, @Nullable Instant passedAt) {
    }

    /** A quiz answer as stored. */
    @Serdeable
    public record QuizAnswer(int question, int choice, boolean correct) {
    }

    /** A learner's progress in one tutorial. {@code passed}: the steps whose checks passed; complete when all did. */
    @Serdeable
    public record Progress(String tutorial, int number, String title, String lab, int passed, int steps, boolean complete,
                           List<StepState> stepStates, List<QuizAnswer> quiz) {
    }

    /** The result of a check: passed or not, what the app found, and the progress after it. */
    @Serdeable
    public record CheckResult(boolean passed, String message, Progress progress) {
    }

    /** A quiz answer's verdict with the explanation. */
    @Serdeable
    public record QuizResult(boolean correct, int answer, String explanation) {
    }

    public CourseService(Checks checks, javax.sql.DataSource dataSource, io.micronaut.jdbc.DataSourceResolver resolver) {
        this.checks = checks;
        this.jdbc = new Jdbc(resolver.resolve(dataSource), "Course progress");
        for (String f : FILES) {
            tutorials.add(TutorialParser.parse(f, Resources.text("bundled/docs/tutorials/" + f)));
        }
    }

    public List<Tutorial> tutorials() {
        return List.copyOf(tutorials);
    }

    /** By id ("tokenizer") or number ("1"). */
    public Tutorial tutorial(String id) {
        String key = id == null ? "" : id.strip();
        return tutorials.stream().filter(t -> t.id().equals(key) || String.valueOf(t.number()).equals(key)).findFirst()
                .orElseThrow(() -> BadInputException.notFound("No tutorial '" + key + "'. Tutorials: "
                        + String.join(", ", tutorials.stream().map(t -> t.number() + " " + t.id()).toList()) + "."));
    }

    public List<Progress> overview() {
        return tutorials.stream().map(t -> progress(t.id())).toList();
    }

    public Progress progress(String id) {
        Tutorial t = tutorial(id);
        Map<Integer, Object[]> passed = new HashMap<>();
        jdbc.query("select step, message, passed_at from tutorial_step where tutorial=?", Jdbc.strings(t.id()),
                rs -> passed.put(rs.getInt(1), new Object[]{rs.getString(2), Jdbc.instant(rs.getTimestamp(3))}));
        List<StepState> states = new ArrayList<>();
        boolean open = false;
        int done = 0;
        for (int i = 0; i < t.steps().size(); i++) {
            Object[] p = passed.get(i);
            if (p != null && !open) {
                states.add(new StepState(i, "passed", (String) p[0], (Instant) p[1]));
                done++;
            } else {
                states.add(new StepState(i, open ? "locked" : "open", null, null));
                open = true;
            }
        }
        List<QuizAnswer> quiz = jdbc.list("select question, choice, correct from tutorial_quiz where tutorial=? order by question",
                Jdbc.strings(t.id()), rs -> new QuizAnswer(rs.getInt(1), rs.getInt(2), rs.getBoolean(3)));
        return new Progress(t.id(), t.number(), t.title(), t.lab(), done, t.steps().size(), done == t.steps().size(), states, quiz);
    }

    /**
     * Runs step {@code step}'s check (0-based). A locked step is refused: the steps are a path, each builds on the one
     * before. A passed step may be checked again (the answer is stored anew when it passes).
     */
    public CheckResult check(String id, int step, @Nullable String answer) {
        Tutorial t = tutorial(id);
        if (step < 0 || step >= t.steps().size()) {
            throw new BadInputException("Tutorial " + t.number() + " has steps 1 to " + t.steps().size() + "; there is no step " + (step + 1) + ".");
        }
        if (answer != null && answer.length() > 400) {
            throw new BadInputException("An answer has at most 400 characters (got " + answer.length() + ").");
        }
        Progress before = progress(t.id());
        if ("locked".equals(before.stepStates().get(step).state())) {
            throw BadInputException.conflict("Step " + (step + 1) + " is locked: pass step " + (before.passed() + 1) + " first.");
        }
        Checks.Outcome o = checks.run(t.steps().get(step).check(), answer);
        if (o.passed()) {
            jdbc.update("merge into tutorial_step (tutorial, step, answer, message, passed_at) key (tutorial, step) values (?,?,?,?,?)", ps -> {
                ps.setString(1, t.id());
                ps.setInt(2, step);
                ps.setString(3, answer == null || answer.isBlank() ? null : answer.strip());
                ps.setString(4, o.message());
                ps.setTimestamp(5, Timestamp.from(Instant.now()));
            });
        }
        return new CheckResult(o.passed(), o.message(), progress(t.id()));
    }

    /** Records a quiz answer (the last one counts) and explains the right one. */
    public QuizResult answer(String id, int question, int choice) {
        Tutorial t = tutorial(id);
        if (question < 0 || question >= t.quiz().size()) {
            throw new BadInputException("Tutorial " + t.number() + "'s quiz has questions 1 to " + t.quiz().size() + ".");
        }
        Tutorial.Question q = t.quiz().get(question);
        if (choice < 0 || choice >= q.options().size()) {
            throw new BadInputException("Question " + (question + 1) + " has options 1 to " + q.options().size() + ".");
        }
        boolean correct = choice == q.answer();
        jdbc.update("merge into tutorial_quiz (tutorial, question, choice, correct, answered_at) key (tutorial, question) values (?,?,?,?,?)", ps -> {
            ps.setString(1, t.id());
            ps.setInt(2, question);
            ps.setInt(3, choice);
            ps.setBoolean(4, correct);
            ps.setTimestamp(5, Timestamp.from(Instant.now()));
        });
        return new QuizResult(correct, q.answer(), q.explanation());
    }

    /** Forgets a tutorial's progress and quiz answers; what the learner made in the labs stays. */
    public Progress reset(String id) {
        Tutorial t = tutorial(id);
        jdbc.update("delete from tutorial_step where tutorial=?", Jdbc.strings(t.id()));
        jdbc.update("delete from tutorial_quiz where tutorial=?", Jdbc.strings(t.id()));
        return progress(t.id());
    }
}
