package org.llmplayground.evaluation.human;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.Jdbc;

import javax.sql.DataSource;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Human evaluation tasks and their 1–5 ratings in H2 (pairwise verdicts live in the Preferences lab's store). */
@Singleton
public class HumanStore {
    private static final String TASK = "name, kind, criteria, guidelines, k, model_a, model_b, prompts, job_id, created_at";
    private static final String RATING = "seq, task, pair_id, side, annotator, criterion, score, note, replaced, judged_at";
    private final Jdbc jdbc;

    public HumanStore(DataSource dataSource, io.micronaut.jdbc.DataSourceResolver resolver) {
        this.jdbc = new Jdbc(resolver.resolve(dataSource), "Human evaluation store");
    }

    /**
     * A task: kind pairwise (A/B verdicts) or rating (1–5 per criterion); each item judged by k annotators; its answers
     * are the preference pairs of prompt set {@code human-<name>}, written by model_a and model_b.
     */
    @Serdeable
    public record Task(String name, String kind, List<String> criteria, String guidelines, int k, String modelA, String modelB, int prompts,
                       @Nullable String jobId, Instant createdAt) {
        public String promptSet() {
            return "human-" + name;
        }

        public boolean pairwise() {
            return HumanEvaluation.PAIRWISE.equals(kind);
        }
    }

    /** One rating of one answer (side a or b of a pair) on one criterion; replaced: a later rating took its place. */
    @Serdeable
    public record Rating(long seq, String task, String pairId, String side, String annotator, String criterion, int score,
                         @Nullable String note, boolean replaced, Instant judgedAt) {
    }

    public void insert(Task t) {
        jdbc.update("insert into human_task (" + TASK + ") values (?,?,?,?,?,?,?,?,?,?)", ps -> {
            ps.setString(1, t.name());
            ps.setString(2, t.kind());
            ps.setString(3, String.join(",", t.criteria()));
            ps.setString(4, t.guidelines());
            ps.setInt(5, t.k());
            ps.setString(6, t.modelA());
            ps.setString(7, t.modelB());
            ps.setInt(8, t.prompts());
            ps.setString(9, t.jobId());
            ps.setTimestamp(10, Timestamp.from(t.createdAt()));
        });
    }

    public void setJob(String name, String jobId) {
        jdbc.update("update human_task set job_id=? where name=?", Jdbc.strings(jobId, name));
    }

    public void setGuidelines(String name, String guidelines, List<String> criteria) {
        jdbc.update("update human_task set guidelines=?, criteria=? where name=?", Jdbc.strings(guidelines, String.join(",", criteria), name));
    }

    public Optional<Task> task(String name) {
        return jdbc.list("select " + TASK + " from human_task where name=?", Jdbc.strings(name), HumanStore::task).stream().findFirst();
    }

    public List<Task> tasks() {
        return jdbc.list("select " + TASK + " from human_task order by created_at desc", ps -> {
        }, HumanStore::task);
    }

    /** Stores ratings, marking the same annotator's earlier ratings of the same answer and criteria as replaced. */
    public synchronized void rate(List<Rating> ratings) {
        for (Rating r : ratings) {
            jdbc.update("update human_rating set replaced=true where task=? and pair_id=? and side=? and annotator=? and criterion=? "
                    + "and replaced=false", Jdbc.strings(r.task(), r.pairId(), r.side(), r.annotator(), r.criterion()));
        }
        jdbc.batch("insert into human_rating (task, pair_id, side, annotator, criterion, score, note, replaced, judged_at) "
                + "values (?,?,?,?,?,?,?,false,?)", ratings, (ps, r) -> {
            ps.setString(1, r.task());
            ps.setString(2, r.pairId());
            ps.setString(3, r.side());
            ps.setString(4, r.annotator());
            ps.setString(5, r.criterion());
            ps.setInt(6, r.score());
            ps.setString(7, r.note());
            ps.setTimestamp(8, Timestamp.from(r.judgedAt()));
        });
    }

    /** A task's ratings in the order they were given: the current ones, or with {@code history} also the replaced. */
    public List<Rating> ratings(String task, boolean history) {
        return jdbc.list("select " + RATING + " from human_rating where task=?" + (history ? "" : " and replaced=false") + " order by seq",
                Jdbc.strings(task), rs -> new Rating(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getInt(7), rs.getString(8), rs.getBoolean(9), Jdbc.instant(rs.getTimestamp(10))));
    }

    private static Task task(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Task(rs.getString(1), rs.getString(2), Arrays.asList(rs.getString(3).split(",")), rs.getString(4), rs.getInt(5),
                rs.getString(6), rs.getString(7), rs.getInt(8), rs.getString(9), Jdbc.instant(rs.getTimestamp(10)));
    }
}
