package org.llmplayground.tracking;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import org.llmplayground.core.Jdbc;

import java.io.IOException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Mirrors runs to Weights &amp; Biases without ever losing a line: every history row is first written to H2
 * ({@code wandb_line}); {@link #sync} sends what W&amp;B has not acknowledged, from the acknowledged offset, and
 * moves the offset only when W&amp;B answers 200. So an outage, a 429 or a restart in the middle loses nothing and
 * sends nothing twice (file_stream offsets make a resent line replace itself). A 429, a 5xx or a network error waits
 * 2, 4, 8 … up to 60 s (±20 % jitter) before the next try; a 400/401/403/404 stops the run's mirroring with the reason
 * (its lines stay in H2). Idle runs get a heartbeat (an empty file_stream post) every 30 s.
 */
public class WandbMirror {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int BATCH = 500;
    static final Duration HEARTBEAT = Duration.ofSeconds(30);
    private final Jdbc jdbc;
    private final WandbClient client;
    private final java.util.Random jitter = new java.util.Random();
    private final Map<String, Backoff> backoff = new ConcurrentHashMap<>();

    private record Backoff(int failures, Instant next, Instant lastSent) {
    }

    public WandbMirror(javax.sql.DataSource dataSource, WandbClient client) {
        this.jdbc = new Jdbc(dataSource, "W&B buffer");
        this.client = client;
    }

    /** How a run's mirroring stands: synced, behind (N lines not yet acknowledged), retrying or failing, and why. */
    @Serdeable
    public record Status(String runId, String wandbRun, String state, int lines, int acknowledged, int behind, boolean completed,
                         @Nullable String message) {
    }

    /** Starts mirroring a run: its W&amp;B name (8 characters of the id), display name and resolved config. */
    public void start(String runId, String displayName, Map<String, Object> config) {
        jdbc.update("merge into wandb_run (run_id, wandb_name, display_name, config, created, acknowledged, completed, state, updated_at) "
                + "key (run_id) values (?,?,?,?,false,0,false,'behind',?)", ps -> {
            ps.setString(1, runId);
            ps.setString(2, runId.replace("-", "").substring(0, Math.min(8, runId.replace("-", "").length())));
            ps.setString(3, displayName);
            ps.setString(4, json(config));
            ps.setTimestamp(5, Timestamp.from(Instant.now()));
        });
    }

    /** Buffers one history row (e.g. {"_step": 10, "loss": 2.3}). */
    public synchronized void log(String runId, Map<String, Object> row) {
        int next = jdbc.list("select coalesce(max(seq), -1) + 1 from wandb_line where run_id=?", Jdbc.strings(runId), rs -> rs.getInt(1)).get(0);
        jdbc.update("insert into wandb_line (run_id, seq, line) values (?,?,?)", ps -> {
            ps.setString(1, runId);
            ps.setInt(2, next);
            ps.setString(3, json(row));
        });
    }

    /** The run ended: its summary and exit code, sent after every line. */
    public void finish(String runId, Map<String, Object> summary, int exitCode) {
        jdbc.update("update wandb_run set summary=?, exit_code=? where run_id=?", ps -> {
            ps.setString(1, json(summary));
            ps.setInt(2, exitCode);
            ps.setString(3, runId);
        });
    }

    /** One step for every run not completed or stopped: what {@link #sync(String, Instant)} does per run. */
    public void syncAll(Instant now) {
        for (String id : jdbc.list("select run_id from wandb_run where completed=false and state<>'failing'", ps -> {
        }, rs -> rs.getString(1))) {
            sync(id, now);
        }
    }

    /**
     * One step for one run at {@code now}: create it on W&amp;B if needed, send up to {@value #BATCH} unacknowledged
     * lines from the acknowledged offset (with the summary once every line is there), then {@code complete}.
     */
    public void sync(String runId, Instant now) {
        Backoff b = backoff.getOrDefault(runId, new Backoff(0, Instant.EPOCH, Instant.EPOCH));
        if (now.isBefore(b.next())) {
            return;
        }
        Row r = row(runId).orElse(null);
        if (r == null || r.completed() || "failing".equals(r.state())) {
            return;
        }
        try {
            if (!r.created()) {
                client.upsertRun(r.wandbName(), r.displayName(), JSON.readValue(r.config(), Map.class));
                jdbc.update("update wandb_run set created=true where run_id=?", Jdbc.strings(runId));
            }
            List<String> lines = jdbc.list("select line from wandb_line where run_id=? and seq>=? order by seq limit " + BATCH, ps -> {
                ps.setString(1, runId);
                ps.setInt(2, r.acknowledged());
            }, rs -> rs.getString(1));
            int total = lines(runId);
            boolean last = r.acknowledged() + lines.size() >= total;
            String summary = last ? r.summary() : null;
            if (!lines.isEmpty() || summary != null || now.isAfter(b.lastSent().plus(HEARTBEAT))) {
                client.stream(r.wandbName(), r.acknowledged(), lines, summary);
                b = new Backoff(0, Instant.EPOCH, now);
                int acknowledged = r.acknowledged() + lines.size();
                jdbc.update("update wandb_run set acknowledged=?, state=?, message=null, updated_at=? where run_id=?", ps -> {
                    ps.setInt(1, acknowledged);
                    ps.setString(2, acknowledged >= total ? "synced" : "behind");
                    ps.setTimestamp(3, Timestamp.from(now));
                    ps.setString(4, runId);
                });
            }
            if (last && r.exitCode() != null) {
                client.complete(r.wandbName(), r.exitCode());
                jdbc.update("update wandb_run set completed=true, state='synced' where run_id=?", Jdbc.strings(runId));
            }
            backoff.put(runId, new Backoff(0, Instant.EPOCH, b.lastSent()));
        } catch (WandbClient.Retry e) {
            int failures = b.failures() + 1;
            long seconds = Math.min(60, 2L << Math.min(5, failures - 1)); // 2, 4, 8, 16, 32, 60
            long millis = (long) (seconds * 1000 * (0.8 + 0.4 * jitter.nextDouble()));
            backoff.put(runId, new Backoff(failures, now.plusMillis(millis), b.lastSent()));
            state(runId, "retrying", e.getMessage() + String.format("; try %d, next in %.0f s", failures, millis / 1000.0));
        } catch (WandbClient.Refused e) {
            state(runId, "failing", e.getMessage() + " — mirroring stopped; the run's lines are kept here.");
        } catch (IOException e) {
            state(runId, "failing", "The run's stored config is not JSON: " + e.getMessage());
        }
    }

    /** The last history row's "_step" buffered for a run (-1: none), so a reporter resumes after it. */
    public int lastStep(String runId) {
        List<String> last = jdbc.list("select line from wandb_line where run_id=? order by seq desc limit 1", Jdbc.strings(runId), rs -> rs.getString(1));
        if (last.isEmpty()) {
            return -1;
        }
        try {
            return JSON.readTree(last.get(0)).path("_step").asInt(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Whether a run is mirrored at all (started), and whether its end was recorded. */
    public boolean started(String runId) {
        return row(runId).isPresent();
    }

    public boolean finished(String runId) {
        return row(runId).map(r -> r.exitCode() != null).orElse(false);
    }

    /** When the next try of a run is due (tests and the scheduler read it). */
    public Instant nextTry(String runId) {
        return backoff.getOrDefault(runId, new Backoff(0, Instant.EPOCH, Instant.EPOCH)).next();
    }

    public Optional<Status> status(String runId) {
        return row(runId).map(r -> {
            int total = lines(runId);
            String state = r.completed() ? "synced" : r.state().equals("failing") || r.state().equals("retrying") ? r.state()
                    : r.acknowledged() >= total ? "synced" : "behind";
            return new Status(runId, r.wandbName(), state, total, r.acknowledged(), total - r.acknowledged(), r.completed(), r.message());
        });
    }

    private int lines(String runId) {
        return jdbc.list("select count(*) from wandb_line where run_id=?", Jdbc.strings(runId), rs -> rs.getInt(1)).get(0);
    }

    private void state(String runId, String state, String message) {
        jdbc.update("update wandb_run set state=?, message=?, updated_at=? where run_id=?", ps -> {
            ps.setString(1, state);
            ps.setString(2, message.length() > 2000 ? message.substring(0, 2000) : message);
            ps.setTimestamp(3, Timestamp.from(Instant.now()));
            ps.setString(4, runId);
        });
    }

    private record Row(String wandbName, String displayName, String config, boolean created, int acknowledged, @Nullable String summary,
                       @Nullable Integer exitCode, boolean completed, String state, @Nullable String message) {
    }

    private Optional<Row> row(String runId) {
        return jdbc.list("select wandb_name, display_name, config, created, acknowledged, summary, exit_code, completed, state, message "
                + "from wandb_run where run_id=?", Jdbc.strings(runId), rs -> new Row(rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getBoolean(4), rs.getInt(5), rs.getString(6), (Integer) rs.getObject(7), rs.getBoolean(8), rs.getString(9),
                rs.getString(10))).stream().findFirst();
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
