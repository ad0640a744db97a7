package org.llmplayground.preference;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Jdbc;

import javax.sql.DataSource;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The A/B interface's pairs and judgments in H2. A pair is one prompt and two answers (answer_a, answer_b, and what
 * made each: model, temperature, seed); a judgment is one annotator's verdict on one pair: {@code a} (answer_a is
 * better), {@code b}, {@code tie} or {@code both_bad}, stored over the stored answers whatever order the annotator
 * saw them in ({@code shownFirst}). Several annotators judge the same pairs; each judges a pair once.
 */
@Singleton
public class PreferenceStore {
    /** The verdicts, over the stored answers. */
    public static final List<String> VERDICTS = List.of("a", "b", "tie", "both_bad");
    private static final String PAIR_COLUMNS = "id, prompt_set, prompt, answer_a, answer_b, source_a, source_b, reward_a, reward_b, created_at";
    private final Jdbc jdbc;

    public PreferenceStore(DataSource dataSource, io.micronaut.jdbc.DataSourceResolver resolver) {
        this.jdbc = new Jdbc(resolver.resolve(dataSource), "Preference store");
    }

    /** A pair of answers to one prompt; the sources say which model, temperature and seed wrote each. */
    @Serdeable
    public record Pair(String id, String promptSet, String prompt, String answerA, String answerB, String sourceA, String sourceB,
                       @Nullable Double rewardA, @Nullable Double rewardB, Instant createdAt) {
        /** How unsure a reward model is about the pair: |r_a − r_b| (smaller: less sure); unknown: infinity. */
        public double certainty() {
            return rewardA == null || rewardB == null ? Double.POSITIVE_INFINITY : Math.abs(rewardA - rewardB);
        }
    }

    /** One annotator's verdict on one pair. */
    @Serdeable
    public record Judgment(String pairId, String annotator, String verdict, String shownFirst, @Nullable String note, Instant judgedAt) {
    }

    public void insert(Pair p) {
        jdbc.update("insert into preference_pair (" + PAIR_COLUMNS + ") values (?,?,?,?,?,?,?,?,?,?)", ps -> {
            ps.setString(1, p.id());
            ps.setString(2, p.promptSet());
            ps.setString(3, cut(p.prompt(), 8000));
            ps.setString(4, cut(p.answerA(), 8000));
            ps.setString(5, cut(p.answerB(), 8000));
            ps.setString(6, cut(p.sourceA(), 400));
            ps.setString(7, cut(p.sourceB(), 400));
            setDouble(ps, 8, p.rewardA());
            setDouble(ps, 9, p.rewardB());
            ps.setTimestamp(10, Timestamp.from(p.createdAt()));
        });
    }

    /** Records what a reward model thinks of a pair's two answers. */
    public void setRewards(String pairId, double a, double b) {
        jdbc.update("update preference_pair set reward_a=?, reward_b=? where id=?", ps -> {
            ps.setDouble(1, a);
            ps.setDouble(2, b);
            ps.setString(3, pairId);
        });
    }

    public Optional<Pair> pair(String id) {
        return jdbc.list("select " + PAIR_COLUMNS + " from preference_pair where id=?", Jdbc.strings(id), PreferenceStore::pair)
                .stream().findFirst();
    }

    /** The pairs of a prompt set, oldest first. */
    public List<Pair> pairs(String promptSet) {
        return jdbc.list("select " + PAIR_COLUMNS + " from preference_pair where prompt_set=? order by created_at, id",
                Jdbc.strings(promptSet), PreferenceStore::pair);
    }

    /** The pairs of a prompt set that {@code annotator} has not judged yet, oldest first. */
    public List<Pair> unjudged(String promptSet, String annotator) {
        return jdbc.list("select " + PAIR_COLUMNS + " from preference_pair p where prompt_set=? and not exists (select 1 from "
                + "preference_judgment j where j.pair_id=p.id and j.annotator=?) order by created_at, id", Jdbc.strings(promptSet, annotator),
                PreferenceStore::pair);
    }

    /**
     * Stores a judgment. Refused: an unknown pair (404), a verdict other than a, b, tie or both_bad. Judging a pair again
     * replaces the annotator's earlier verdict, which moves to the history ({@link #replaced}).
     */
    public Judgment judge(String pairId, String annotator, String verdict, String shownFirst, @Nullable String note) {
        if (pair(pairId).isEmpty()) {
            throw BadInputException.notFound("No pair '" + pairId + "': ask for the next pair first.");
        }
        if (!VERDICTS.contains(verdict)) {
            throw new BadInputException("A verdict is A, B, tie or both_bad (got '" + verdict + "').");
        }
        Optional<Judgment> earlier = judgment(pairId, annotator);
        if (earlier.isPresent()) { // judged again: the later verdict replaces the earlier, which is kept as history
            Judgment e = earlier.get();
            jdbc.update("insert into preference_judgment_history (pair_id, annotator, verdict, shown_first, note, judged_at, replaced_at) "
                    + "values (?,?,?,?,?,?,?)", ps -> {
                ps.setString(1, e.pairId());
                ps.setString(2, e.annotator());
                ps.setString(3, e.verdict());
                ps.setString(4, e.shownFirst());
                ps.setString(5, e.note());
                ps.setTimestamp(6, Timestamp.from(e.judgedAt()));
                ps.setTimestamp(7, Timestamp.from(Instant.now()));
            });
            jdbc.update("delete from preference_judgment where pair_id=? and annotator=?", Jdbc.strings(pairId, annotator));
        }
        Judgment j = new Judgment(pairId, annotator, verdict, shownFirst, note == null || note.isBlank() ? null : cut(note.strip(), 2000),
                Instant.now());
        jdbc.update("insert into preference_judgment (pair_id, annotator, verdict, shown_first, note, judged_at) values (?,?,?,?,?,?)", ps -> {
            ps.setString(1, j.pairId());
            ps.setString(2, j.annotator());
            ps.setString(3, j.verdict());
            ps.setString(4, j.shownFirst());
            ps.setString(5, j.note());
            ps.setTimestamp(6, Timestamp.from(j.judgedAt()));
        });
        return j;
    }

    public Optional<Judgment> judgment(String pairId, String annotator) {
        return jdbc.list("select pair_id, annotator, verdict, shown_first, note, judged_at from preference_judgment where pair_id=? and annotator=?",
                Jdbc.strings(pairId, annotator), PreferenceStore::judgment).stream().findFirst();
    }

    /** Removes {@code annotator}'s last judgment (in any prompt set) and returns it; 404 when there is none. */
    public Judgment undo(String annotator) {
        Judgment last = jdbc.list("select pair_id, annotator, verdict, shown_first, note, judged_at from preference_judgment "
                + "where annotator=? order by seq desc limit 1", Jdbc.strings(annotator), PreferenceStore::judgment).stream().findFirst()
                .orElseThrow(() -> BadInputException.notFound("'" + annotator + "' has no judgment to undo."));
        jdbc.update("delete from preference_judgment where pair_id=? and annotator=?", Jdbc.strings(last.pairId(), annotator));
        return last;
    }

    /** How many judgments exist, on every set, by every annotator (the course's "judge a few pairs" check). */
    public long judgmentCount() {
        long[] n = {0};
        jdbc.query("select count(*) from preference_judgment", ps -> { }, rs -> n[0] = rs.getLong(1));
        return n[0];
    }

    /** Every judgment on the pairs of a prompt set (all annotators), in the order they were made. */
    public List<Judgment> judgments(String promptSet) {
        return jdbc.list("select j.pair_id, j.annotator, j.verdict, j.shown_first, j.note, j.judged_at from preference_judgment j "
                + "join preference_pair p on p.id=j.pair_id where p.prompt_set=? order by j.seq", Jdbc.strings(promptSet), PreferenceStore::judgment);
    }

    /** The judgments replaced by a later one on the pairs of a prompt set, oldest first. */
    public List<Judgment> replaced(String promptSet) {
        return jdbc.list("select h.pair_id, h.annotator, h.verdict, h.shown_first, h.note, h.judged_at from preference_judgment_history h "
                + "join preference_pair p on p.id=h.pair_id where p.prompt_set=? order by h.replaced_at", Jdbc.strings(promptSet),
                PreferenceStore::judgment);
    }

    /** The prompt sets that have pairs, by name. */
    public List<String> promptSets() {
        return jdbc.list("select distinct prompt_set from preference_pair order by prompt_set", ps -> {
        }, rs -> rs.getString(1));
    }

    private static Pair pair(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Pair(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getString(7), (Double) rs.getObject(8), (Double) rs.getObject(9), Jdbc.instant(rs.getTimestamp(10)));
    }

    private static Judgment judgment(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Judgment(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), Jdbc.instant(rs.getTimestamp(6)));
    }

    private static void setDouble(java.sql.PreparedStatement ps, int i, Double v) throws java.sql.SQLException {
        if (v == null) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
