package org.llmplayground.core.jobs;

import io.micronaut.jdbc.DataSourceResolver;
import jakarta.inject.Singleton;
import org.llmplayground.core.Jdbc;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The {@code job} table, through the {@link Jdbc} helper (see core's package doc for why plain SQL). */
@Singleton
class JobRepository {
    private static final String COLUMNS = "id, kind, title, state, progress, message, result, created_at, started_at, finished_at, "
            + "items_done, items_total";
    private final Jdbc jdbc;

    JobRepository(DataSource dataSource, DataSourceResolver resolver) {
        this.jdbc = new Jdbc(resolver.resolve(dataSource), "Job store");
    }

    void save(JobRecord r) {
        jdbc.update("insert into job (" + COLUMNS + ") values (?,?,?,?,?,?,?,?,?,?,?,?)", ps -> bind(ps, r));
    }

    void update(JobRecord r) {
        jdbc.update("update job set state=?, progress=?, message=?, result=?, started_at=?, finished_at=?, items_done=?, items_total=? "
                + "where id=?", ps -> {
            ps.setString(1, r.state().name());
            ps.setDouble(2, r.progress());
            ps.setString(3, r.message());
            ps.setString(4, r.result());
            ps.setTimestamp(5, timestamp(r.startedAt()));
            ps.setTimestamp(6, timestamp(r.finishedAt()));
            ps.setLong(7, r.done());
            ps.setLong(8, r.total());
            ps.setString(9, r.id());
        });
    }

    /** Stores the request a job can be run again from (see {@link JobRunner#rerun}). */
    void saveRequest(String id, String rerunKey, String json) {
        jdbc.update("update job set rerun_key=?, request=? where id=?", ps -> {
            ps.setString(1, rerunKey);
            ps.setString(2, json);
            ps.setString(3, id);
        });
    }

    /** {rerun key, request JSON} of a job that stored one. */
    Optional<String[]> findRequest(String id) {
        return jdbc.list("select rerun_key, request from job where id=? and rerun_key is not null", Jdbc.strings(id),
                rs -> new String[]{rs.getString(1), rs.getString(2)}).stream().findFirst();
    }

    Optional<JobRecord> findById(String id) {
        return jdbc.list("select " + COLUMNS + " from job where id=?", Jdbc.strings(id), JobRepository::read).stream().findFirst();
    }

    List<JobRecord> findByStateIn(Collection<JobState> states) {
        String marks = String.join(",", states.stream().map(s -> "?").toList());
        List<String> names = states.stream().map(Enum::name).toList();
        return jdbc.list("select " + COLUMNS + " from job where state in (" + marks + ")", Jdbc.strings(names.toArray(String[]::new)),
                JobRepository::read);
    }

    /** A kind's jobs, newest first. */
    List<JobRecord> recent(int limit) {
        return jdbc.list("select " + COLUMNS + " from job order by created_at desc limit " + Math.max(1, limit), ps -> { }, JobRepository::read);
    }

    List<JobRecord> findByKindOrderByCreatedAtDesc(String kind) {
        return jdbc.list("select " + COLUMNS + " from job where kind=? order by created_at desc", Jdbc.strings(kind), JobRepository::read);
    }

    private static void bind(PreparedStatement ps, JobRecord r) throws SQLException {
        ps.setString(1, r.id());
        ps.setString(2, r.kind());
        ps.setString(3, r.title());
        ps.setString(4, r.state().name());
        ps.setDouble(5, r.progress());
        ps.setString(6, r.message());
        ps.setString(7, r.result());
        ps.setTimestamp(8, timestamp(r.createdAt()));
        ps.setTimestamp(9, timestamp(r.startedAt()));
        ps.setTimestamp(10, timestamp(r.finishedAt()));
        ps.setLong(11, r.done());
        ps.setLong(12, r.total());
    }

    private static JobRecord read(ResultSet rs) throws SQLException {
        return new JobRecord(rs.getString(1), rs.getString(2), rs.getString(3), JobState.valueOf(rs.getString(4)), rs.getDouble(5),
                rs.getString(6), rs.getString(7), Jdbc.instant(rs.getTimestamp(8)), Jdbc.instant(rs.getTimestamp(9)),
                Jdbc.instant(rs.getTimestamp(10)), rs.getLong(11), rs.getLong(12));
    }

    private static Timestamp timestamp(Instant t) {
        return t == null ? null : Timestamp.from(t);
    }
}
