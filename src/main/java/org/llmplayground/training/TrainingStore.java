package org.llmplayground.training;

import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Jdbc;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs, per-step metrics, evaluations and samples in H2 (tables of V2__training.sql), in plain JDBC: metrics arrive
 * ten times a second and are written in batches.
 */
@Singleton
public class TrainingStore {
    private static final String RUN_COLUMNS = "id, name, job_id, config_yaml, seed, corpus, tokenizer, data_hash, vocab_size, parameters, "
            + "device, state, message, step, max_steps, best_val_loss, parent_run, parent_step, created_at, started_at, finished_at";

    private final Jdbc jdbc;

    /** The pool itself, not Micronaut Data's contextual proxy (which needs a @Transactional caller). */
    public TrainingStore(DataSource dataSource, io.micronaut.jdbc.DataSourceResolver resolver) {
        this.jdbc = new Jdbc(resolver.resolve(dataSource), "Training store");
    }

    public void insert(TrainingRun r) {
        update("insert into training_run (" + RUN_COLUMNS + ") values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", ps -> bindRun(ps, r, 1));
    }

    public void update(TrainingRun r) {
        update("update training_run set name=?, job_id=?, config_yaml=?, seed=?, corpus=?, tokenizer=?, data_hash=?, vocab_size=?, "
                + "parameters=?, device=?, state=?, message=?, step=?, max_steps=?, best_val_loss=?, parent_run=?, parent_step=?, "
                + "created_at=?, started_at=?, finished_at=? where id=?", ps -> {
            bindRun(ps, r, 0);
            ps.setString(21, r.id());
        });
    }

    public Optional<TrainingRun> find(String id) {
        List<TrainingRun> runs = queryRuns("select " + RUN_COLUMNS + " from training_run where id=?", id);
        return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(0));
    }

    public TrainingRun get(String id) {
        return find(id).orElseThrow(() -> BadInputException.notFound("No training run with id '" + id + "'."));
    }

    /** Whether a run of that name exists (names are unique per workspace, compared as written). */
    public boolean nameTaken(String name) {
        boolean[] taken = {false};
        query("select 1 from training_run where name=?", Jdbc.strings(name), rs -> taken[0] = true);
        return taken[0];
    }

    /** Newest first. */
    public List<TrainingRun> list() {
        return queryRuns("select " + RUN_COLUMNS + " from training_run order by created_at desc");
    }

    public List<TrainingRun> withState(TrainingRun.State... states) {
        List<TrainingRun> out = new ArrayList<>();
        for (TrainingRun.State s : states) {
            out.addAll(queryRuns("select " + RUN_COLUMNS + " from training_run where state=?", s.name()));
        }
        return out;
    }

    public void delete(String id) {
        for (String table : List.of("training_metric", "training_measure", "training_eval", "training_sample")) {
            update("delete from " + table + " where run_id=?", ps -> ps.setString(1, id));
        }
        update("delete from training_run where id=?", ps -> ps.setString(1, id));
    }

    /** Forgets what a run recorded after {@code step} (before it continues from the checkpoint at that step). */
    public void truncateAfter(String runId, int step) {
        for (String table : List.of("training_metric", "training_measure", "training_eval", "training_sample")) {
            update("delete from " + table + " where run_id=? and step>?", ps -> {
                ps.setString(1, runId);
                ps.setInt(2, step);
            });
        }
    }

    public void addMetrics(String runId, List<Trainer.StepMetrics> metrics) {
        if (metrics.isEmpty()) {
            return;
        }
        jdbc.batch("merge into training_metric (run_id, step, loss, lr, grad_norm, tokens_per_second, "
                + "step_ms, heap_mb, memory_mb) key (run_id, step) values (?,?,?,?,?,?,?,?,?)", metrics, (ps, m) -> {
            ps.setString(1, runId);
            ps.setInt(2, m.step());
            ps.setDouble(3, m.loss());
            ps.setDouble(4, m.lr());
            ps.setDouble(5, m.gradNorm());
            ps.setDouble(6, m.tokensPerSecond());
            ps.setDouble(7, m.stepMillis());
            ps.setDouble(8, m.heapMb());
            ps.setDouble(9, m.memoryMb());
        });
    }

    /** What an objective measured besides the loss, one row per (step, name). */
    public void addMeasures(String runId, List<Trainer.Measured> measures) {
        List<Object[]> rows = new ArrayList<>();
        for (Trainer.Measured m : measures) {
            m.values().forEach((name, value) -> rows.add(new Object[]{m.step(), name, value}));
        }
        if (rows.isEmpty()) {
            return;
        }
        jdbc.batch("merge into training_measure (run_id, step, name, val) key (run_id, step, name) values (?,?,?,?)", rows, (ps, r) -> {
            ps.setString(1, runId);
            ps.setInt(2, (Integer) r[0]);
            ps.setString(3, (String) r[1]);
            ps.setDouble(4, Double.isFinite((Double) r[2]) ? (Double) r[2] : 0.0);
        });
    }

    /** The measures after {@code afterStep}, by step (at most {@code limit} steps), names in insertion order. */
    public List<Trainer.Measured> measures(String runId, int afterStep, int limit) {
        java.util.TreeMap<Integer, java.util.Map<String, Double>> byStep = new java.util.TreeMap<>();
        query("select step, name, val from training_measure where run_id=? and step>? and step in (select distinct step from "
                + "training_measure where run_id=? and step>? order by step limit ?) order by step, name", ps -> {
            ps.setString(1, runId);
            ps.setInt(2, afterStep);
            ps.setString(3, runId);
            ps.setInt(4, afterStep);
            ps.setInt(5, limit);
        }, rs -> byStep.computeIfAbsent(rs.getInt(1), k -> new java.util.LinkedHashMap<>()).put(rs.getString(2), rs.getDouble(3)));
        List<Trainer.Measured> out = new ArrayList<>();
        byStep.forEach((step, values) -> out.add(new Trainer.Measured(step, values)));
        return out;
    }

    public void addEval(String runId, Trainer.EvalMetrics e) {
        update("merge into training_eval (run_id, step, train_loss, val_loss, val_perplexity, val_accuracy) key (run_id, step) "
                + "values (?,?,?,?,?,?)", ps -> {
            ps.setString(1, runId);
            ps.setInt(2, e.step());
            ps.setDouble(3, e.trainLoss());
            ps.setDouble(4, e.valLoss());
            ps.setDouble(5, e.valPerplexity());
            ps.setDouble(6, e.valAccuracy());
        });
    }

    public void addSample(String runId, Trainer.Sample s) {
        update("merge into training_sample (run_id, step, text) key (run_id, step) values (?,?,?)", ps -> {
            ps.setString(1, runId);
            ps.setInt(2, s.step());
            ps.setString(3, s.text().length() > 20000 ? s.text().substring(0, 20000) : s.text());
        });
    }

    /** Step metrics after {@code afterStep}, at most {@code limit}, in step order. */
    public List<Trainer.StepMetrics> metrics(String runId, int afterStep, int limit) {
        List<Trainer.StepMetrics> out = new ArrayList<>();
        query("select step, loss, lr, grad_norm, tokens_per_second, step_ms, heap_mb, memory_mb from training_metric "
                + "where run_id=? and step>? order by step limit ?", ps -> {
            ps.setString(1, runId);
            ps.setInt(2, afterStep);
            ps.setInt(3, limit);
        }, rs -> out.add(new Trainer.StepMetrics(rs.getInt(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4), rs.getDouble(5),
                rs.getDouble(6), rs.getDouble(7), rs.getDouble(8))));
        return out;
    }

    public Optional<Trainer.StepMetrics> latestMetric(String runId) {
        List<Trainer.StepMetrics> out = new ArrayList<>();
        query("select step, loss, lr, grad_norm, tokens_per_second, step_ms, heap_mb, memory_mb from training_metric "
                + "where run_id=? order by step desc limit 1", ps -> ps.setString(1, runId),
                rs -> out.add(new Trainer.StepMetrics(rs.getInt(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4), rs.getDouble(5),
                        rs.getDouble(6), rs.getDouble(7), rs.getDouble(8))));
        return out.stream().findFirst();
    }

    public List<Trainer.EvalMetrics> evals(String runId) {
        List<Trainer.EvalMetrics> out = new ArrayList<>();
        query("select step, train_loss, val_loss, val_perplexity, val_accuracy from training_eval where run_id=? order by step",
                ps -> ps.setString(1, runId),
                rs -> out.add(new Trainer.EvalMetrics(rs.getInt(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4), rs.getDouble(5))));
        return out;
    }

    public List<Trainer.Sample> samples(String runId) {
        List<Trainer.Sample> out = new ArrayList<>();
        query("select step, text from training_sample where run_id=? order by step", ps -> ps.setString(1, runId),
                rs -> out.add(new Trainer.Sample(rs.getInt(1), rs.getString(2))));
        return out;
    }

    private void bindRun(PreparedStatement ps, TrainingRun r, int offset) throws SQLException {
        int i = 1;
        if (offset == 1) {
            ps.setString(i++, r.id());
        }
        ps.setString(i++, r.name());
        ps.setString(i++, r.jobId());
        ps.setString(i++, r.configYaml());
        ps.setLong(i++, r.seed());
        ps.setString(i++, r.corpus());
        ps.setString(i++, r.tokenizer());
        ps.setString(i++, r.dataHash());
        setNullable(ps, i++, r.vocabSize(), Types.INTEGER);
        setNullable(ps, i++, r.parameters(), Types.BIGINT);
        ps.setString(i++, r.device());
        ps.setString(i++, r.state().name());
        ps.setString(i++, r.message());
        ps.setInt(i++, r.step());
        ps.setInt(i++, r.maxSteps());
        setNullable(ps, i++, r.bestValLoss(), Types.DOUBLE);
        ps.setString(i++, r.parentRun());
        setNullable(ps, i++, r.parentStep(), Types.INTEGER);
        ps.setTimestamp(i++, Timestamp.from(r.createdAt()));
        ps.setTimestamp(i++, r.startedAt() == null ? null : Timestamp.from(r.startedAt()));
        ps.setTimestamp(i, r.finishedAt() == null ? null : Timestamp.from(r.finishedAt()));
    }

    private static void setNullable(PreparedStatement ps, int i, Object value, int type) throws SQLException {
        if (value == null) {
            ps.setNull(i, type);
        } else {
            ps.setObject(i, value, type);
        }
    }

    private List<TrainingRun> queryRuns(String sql, String... args) {
        List<TrainingRun> out = new ArrayList<>();
        query(sql, ps -> {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
        }, rs -> out.add(new TrainingRun(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                rs.getString(6), rs.getString(7), rs.getString(8), (Integer) rs.getObject(9), (Long) rs.getObject(10), rs.getString(11),
                TrainingRun.State.valueOf(rs.getString(12)), rs.getString(13), rs.getInt(14), rs.getInt(15), (Double) rs.getObject(16),
                rs.getString(17), (Integer) rs.getObject(18), instant(rs.getTimestamp(19)), instant(rs.getTimestamp(20)),
                instant(rs.getTimestamp(21)))));
        return out;
    }

    private static Instant instant(Timestamp t) {
        return Jdbc.instant(t);
    }

    private void update(String sql, Jdbc.Binder binder) {
        jdbc.update(sql, binder);
    }

    private void query(String sql, Jdbc.Binder binder, Jdbc.RowReader reader) {
        jdbc.query(sql, binder, reader);
    }
}
