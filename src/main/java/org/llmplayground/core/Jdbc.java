package org.llmplayground.core;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain JDBC in a few lines: a statement, its parameters, and how to read a row. The stores of the features use it
 * directly (no ORM: their tables are small and their queries are few). SQL errors become IllegalStateException
 * naming the store.
 */
public final class Jdbc {
    private final DataSource dataSource;
    private final String store;

    public Jdbc(DataSource dataSource, String store) {
        this.dataSource = dataSource;
        this.store = store;
    }

    @FunctionalInterface
    public interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    public interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Runs an insert/update/delete; returns the rows changed. */
    public int update(String sql, Binder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(store + ": " + e.getMessage(), e);
        }
    }

    /**
     * Sets a run's state, message (cut to 2,000 characters) and finish time in {@code table}'s columns state, message,
     * finished_at, keyed by id: how every run table of the labs records how a job ended.
     */
    public void setState(String table, String id, String state, String message, java.time.Instant finished) {
        update("update " + table + " set state=?, message=?, finished_at=? where id=?", ps -> {
            ps.setString(1, state);
            ps.setString(2, message == null || message.length() <= 2000 ? message : message.substring(0, 2000));
            ps.setTimestamp(3, finished == null ? null : java.sql.Timestamp.from(finished));
            ps.setString(4, id);
        });
    }

    public void query(String sql, Binder binder, RowReader reader) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    reader.read(rs);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(store + ": " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    public interface ItemBinder<T> {
        void bind(PreparedStatement ps, T item) throws SQLException;
    }

    /** One statement executed for every item, as one JDBC batch. */
    public <T> void batch(String sql, List<T> items, ItemBinder<T> binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (T item : items) {
                binder.bind(ps, item);
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException(store + ": " + e.getMessage(), e);
        }
    }

    /** Every row, mapped. */
    public <T> List<T> list(String sql, Binder binder, RowMapper<T> mapper) {
        List<T> out = new ArrayList<>();
        query(sql, binder, rs -> out.add(mapper.map(rs)));
        return out;
    }

    /** Binds string parameters in order. */
    public static Binder strings(String... args) {
        return ps -> {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
        };
    }

    public static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
