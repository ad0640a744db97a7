package org.llmplayground.evaluation;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.Jdbc;

import javax.sql.DataSource;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Evaluation runs and their per-item results in H2. */
@Singleton
public class EvaluationStore {
    private static final String RUN = "id, job_id, model, weights_hash, tasks, num_fewshot, item_limit, code_version, state, message, created_at, finished_at, details";
    private final Jdbc jdbc;

    public EvaluationStore(DataSource dataSource, io.micronaut.jdbc.DataSourceResolver resolver) {
        this.jdbc = new Jdbc(resolver.resolve(dataSource), "Evaluation store");
    }

    /**
     * A run: tasks as a comma-separated list; state queued, running, succeeded, failed or cancelled; details: what its
     * numbers depend on (task versions, prompt templates, few-shot sampling, decoding settings, the model's source).
     */
    @Serdeable
    public record Run(String id, @Nullable String jobId, String model, @Nullable String weightsHash, List<String> tasks, int numFewshot,
                      @Nullable Integer limit, String codeVersion, String state, @Nullable String message, Instant createdAt,
                      @Nullable Instant finishedAt, Map<String, Object> details) {
        public Run {
            details = details == null ? Map.of() : details;
        }
    }

    /** One scored item; {@code detail}: JSON of what a generation task produced, or a text's token and byte counts. */
    @Serdeable
    public record Item(String task, int docId, int target, double[] loglikelihoods, double acc, @Nullable Double accNorm,
                       @Nullable Double mc2, boolean truncated, @Nullable String detail) {
    }

    public void insert(Run r) {
        jdbc.update("insert into evaluation_run (" + RUN + ") values (?,?,?,?,?,?,?,?,?,?,?,?,?)", ps -> {
            ps.setString(1, r.id());
            ps.setString(2, r.jobId());
            ps.setString(3, r.model());
            ps.setString(4, r.weightsHash());
            ps.setString(5, String.join(",", r.tasks()));
            ps.setInt(6, r.numFewshot());
            if (r.limit() == null) {
                ps.setNull(7, Types.INTEGER);
            } else {
                ps.setInt(7, r.limit());
            }
            ps.setString(8, r.codeVersion());
            ps.setString(9, r.state());
            ps.setString(10, r.message());
            ps.setTimestamp(11, Timestamp.from(r.createdAt()));
            ps.setTimestamp(12, r.finishedAt() == null ? null : Timestamp.from(r.finishedAt()));
            ps.setString(13, EvaluationService.json(r.details()));
        });
    }

    public void setJob(String runId, String jobId) {
        jdbc.update("update evaluation_run set job_id=? where id=?", Jdbc.strings(jobId, runId));
    }

    public void setWeightsHash(String runId, String hash) {
        jdbc.update("update evaluation_run set weights_hash=? where id=?", Jdbc.strings(hash, runId));
    }

    public void setState(String runId, String state, @Nullable String message, @Nullable Instant finished) {
        jdbc.setState("evaluation_run", runId, state, message, finished);
    }

    public Optional<Run> find(String id) {
        return jdbc.list("select " + RUN + " from evaluation_run where id=?", Jdbc.strings(id), EvaluationStore::run).stream().findFirst();
    }

    public List<Run> list() {
        return jdbc.list("select " + RUN + " from evaluation_run order by created_at desc", ps -> {
        }, EvaluationStore::run);
    }

    public void addItems(String runId, List<Item> items) {
        jdbc.batch("merge into evaluation_item (run_id, task, doc_id, target, loglikelihoods, acc, acc_norm, mc2, truncated, detail) "
                + "key (run_id, task, doc_id) values (?,?,?,?,?,?,?,?,?,?)", items, (ps, i) -> {
            ps.setString(1, runId);
            ps.setString(2, i.task());
            ps.setInt(3, i.docId());
            ps.setInt(4, i.target());
            StringBuilder b = new StringBuilder("[");
            for (int k = 0; k < i.loglikelihoods().length; k++) {
                b.append(k == 0 ? "" : ",").append(i.loglikelihoods()[k]);
            }
            ps.setString(5, b.append(']').toString());
            ps.setDouble(6, i.acc());
            setNullable(ps, 7, i.accNorm());
            setNullable(ps, 8, i.mc2());
            ps.setBoolean(9, i.truncated());
            ps.setString(10, i.detail());
        });
    }

    private static void setNullable(java.sql.PreparedStatement ps, int at, Double v) throws java.sql.SQLException {
        if (v == null) {
            ps.setNull(at, Types.DOUBLE);
        } else {
            ps.setDouble(at, v);
        }
    }

    public List<Item> items(String runId, String task) {
        return jdbc.list("select task, doc_id, target, loglikelihoods, acc, acc_norm, mc2, truncated, detail from evaluation_item "
                + "where run_id=? and task=? order by doc_id", Jdbc.strings(runId, task), rs -> {
            String json = rs.getString(4);
            String inner = json.substring(1, json.length() - 1);
            double[] ll = inner.isEmpty() ? new double[0] : java.util.Arrays.stream(inner.split(",")).mapToDouble(Double::parseDouble).toArray();
            return new Item(rs.getString(1), rs.getInt(2), rs.getInt(3), ll, rs.getDouble(5), (Double) rs.getObject(6), (Double) rs.getObject(7),
                    rs.getBoolean(8), rs.getString(9));
        });
    }

    /** A run's headline score on one task and metric (the leaderboard's cell): mean, lm-eval's stderr, the 95 % interval. */
    @Serdeable
    public record Score(String runId, String task, String metric, double value, @Nullable Double stderr, @Nullable Double ciLow,
                        @Nullable Double ciHigh, int n) {
    }

    /** Replaces a run's scores. */
    public void setScores(String runId, List<Score> scores) {
        jdbc.update("delete from evaluation_score where run_id=?", Jdbc.strings(runId));
        jdbc.batch("insert into evaluation_score (run_id, task, metric, val, stderr, ci_low, ci_high, n) values (?,?,?,?,?,?,?,?)", scores,
                (ps, s) -> {
                    ps.setString(1, runId);
                    ps.setString(2, s.task());
                    ps.setString(3, s.metric());
                    ps.setDouble(4, s.value());
                    setNullable(ps, 5, s.stderr());
                    setNullable(ps, 6, s.ciLow());
                    setNullable(ps, 7, s.ciHigh());
                    ps.setInt(8, s.n());
                });
    }

    /** Every stored score of every run, in one query (the leaderboard's load). */
    public List<Score> scores() {
        return jdbc.list("select run_id, task, metric, val, stderr, ci_low, ci_high, n from evaluation_score", ps -> {
        }, rs -> new Score(rs.getString(1), rs.getString(2), rs.getString(3), rs.getDouble(4), (Double) rs.getObject(5),
                (Double) rs.getObject(6), (Double) rs.getObject(7), rs.getInt(8)));
    }

    /** One run's stored scores. */
    public List<Score> scores(String runId) {
        return jdbc.list("select run_id, task, metric, val, stderr, ci_low, ci_high, n from evaluation_score where run_id=?", Jdbc.strings(runId),
                rs -> new Score(rs.getString(1), rs.getString(2), rs.getString(3), rs.getDouble(4), (Double) rs.getObject(5),
                        (Double) rs.getObject(6), (Double) rs.getObject(7), rs.getInt(8)));
    }

    private static Run run(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Run(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), List.of(rs.getString(5).split(",")), rs.getInt(6),
                (Integer) rs.getObject(7), rs.getString(8), rs.getString(9), rs.getString(10), Jdbc.instant(rs.getTimestamp(11)),
                Jdbc.instant(rs.getTimestamp(12)), EvaluationService.parse(rs.getString(13)));
    }
}
