package org.llmplayground.evaluation.judge;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.Jdbc;

import javax.sql.DataSource;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** LLM-as-judge runs and each verdict's raw reply in H2. */
@Singleton
public class JudgeStore {
    private static final String RUN = "id, task, judge, template, criterion, state, message, job_id, created_at, finished_at";
    private final Jdbc jdbc;

    public JudgeStore(DataSource dataSource, io.micronaut.jdbc.DataSourceResolver resolver) {
        this.jdbc = new Jdbc(resolver.resolve(dataSource), "Judge store");
    }

    /** A judge run over a human task's answers: the judge ("local:&lt;model&gt;" or "remote:&lt;model @ host&gt;"), its template. */
    @Serdeable
    public record Run(String id, String task, String judge, String template, @Nullable String criterion, String state, @Nullable String message,
                      @Nullable String jobId, Instant createdAt, @Nullable Instant finishedAt) {
    }

    /**
     * One judge call: slot "ab"/"ba" (a pair shown in the stored order or swapped) or "a"/"b" (one answer rated); the
     * raw reply, what it parsed to (A/B/C, or 1–5; null: unparsed) and an endpoint failure.
     */
    @Serdeable
    public record Verdict(String runId, String pairId, String slot, @Nullable String reply, @Nullable String parsed, @Nullable String error) {
    }

    public void insert(Run r) {
        jdbc.update("insert into judge_run (" + RUN + ") values (?,?,?,?,?,?,?,?,?,?)", ps -> {
            ps.setString(1, r.id());
            ps.setString(2, r.task());
            ps.setString(3, r.judge());
            ps.setString(4, r.template());
            ps.setString(5, r.criterion());
            ps.setString(6, r.state());
            ps.setString(7, r.message());
            ps.setString(8, r.jobId());
            ps.setTimestamp(9, Timestamp.from(r.createdAt()));
            ps.setTimestamp(10, r.finishedAt() == null ? null : Timestamp.from(r.finishedAt()));
        });
    }

    public void setJob(String id, String jobId) {
        jdbc.update("update judge_run set job_id=? where id=?", Jdbc.strings(jobId, id));
    }

    public void setState(String id, String state, @Nullable String message, @Nullable Instant finished) {
        jdbc.setState("judge_run", id, state, message, finished);
    }

    public Optional<Run> find(String id) {
        return jdbc.list("select " + RUN + " from judge_run where id=?", Jdbc.strings(id), JudgeStore::run).stream().findFirst();
    }

    /** Every run (of one task when given), newest first. */
    public List<Run> list(@Nullable String task) {
        return task == null ? jdbc.list("select " + RUN + " from judge_run order by created_at desc", ps -> {
        }, JudgeStore::run) : jdbc.list("select " + RUN + " from judge_run where task=? order by created_at desc", Jdbc.strings(task), JudgeStore::run);
    }

    public void add(Verdict v) {
        jdbc.update("merge into judge_verdict (run_id, pair_id, slot, reply, parsed, error) key (run_id, pair_id, slot) values (?,?,?,?,?,?)", ps -> {
            ps.setString(1, v.runId());
            ps.setString(2, v.pairId());
            ps.setString(3, v.slot());
            ps.setString(4, v.reply() == null || v.reply().length() <= 4000 ? v.reply() : v.reply().substring(0, 4000));
            ps.setString(5, v.parsed());
            ps.setString(6, v.error() == null || v.error().length() <= 1000 ? v.error() : v.error().substring(0, 1000));
        });
    }

    public List<Verdict> verdicts(String runId) {
        return jdbc.list("select run_id, pair_id, slot, reply, parsed, error from judge_verdict where run_id=? order by pair_id, slot",
                Jdbc.strings(runId), rs -> new Verdict(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6)));
    }

    private static Run run(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Run(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                rs.getString(8), Jdbc.instant(rs.getTimestamp(9)), Jdbc.instant(rs.getTimestamp(10)));
    }
}
