package org.llmplayground.generation.chat;

import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.serde.ObjectMapper;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Jdbc;
import org.llmplayground.generation.GenerationSettings;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.List;
import java.util.Optional;

/** Conversations and their message trees in H2 (V3__chat_prompts.sql). */
@Singleton
public class ChatStore {
    private static final String CONVERSATION = "id, title, model, compare_model, template, system_prompt, settings_json, active_leaf, "
            + "created_at, updated_at";
    private static final String MESSAGE = "id, conversation_id, parent_id, position, role, content, model, tokens, millis, "
            + "dropped_turns, finish, created_at";
    private final Jdbc jdbc;
    private final ObjectMapper json;

    public ChatStore(DataSource dataSource, DataSourceResolver resolver, ObjectMapper json) {
        this.jdbc = new Jdbc(resolver.resolve(dataSource), "Chat store");
        this.json = json;
    }

    public void insert(Conversation c) {
        jdbc.update("insert into chat_conversation (" + CONVERSATION + ") values (?,?,?,?,?,?,?,?,?,?)", ps -> {
            ps.setString(1, c.id());
            bindConversation(ps, c, 1);
        });
    }

    public void update(Conversation c) {
        jdbc.update("update chat_conversation set title=?, model=?, compare_model=?, template=?, system_prompt=?, settings_json=?, "
                + "active_leaf=?, created_at=?, updated_at=? where id=?", ps -> {
            bindConversation(ps, c, 0);
            ps.setString(10, c.id());
        });
    }

    private void bindConversation(java.sql.PreparedStatement ps, Conversation c, int o) throws SQLException {
        ps.setString(o + 1, c.title());
        ps.setString(o + 2, c.model());
        ps.setString(o + 3, c.compareModel());
        ps.setString(o + 4, c.template().name());
        ps.setString(o + 5, c.systemPrompt());
        ps.setString(o + 6, write(c.settings()));
        ps.setString(o + 7, c.activeLeaf());
        ps.setTimestamp(o + 8, Timestamp.from(c.createdAt()));
        ps.setTimestamp(o + 9, Timestamp.from(c.updatedAt()));
    }

    public Optional<Conversation> find(String id) {
        return jdbc.list("select " + CONVERSATION + " from chat_conversation where id=?", Jdbc.strings(id), this::conversation)
                .stream().findFirst();
    }

    public Conversation get(String id) {
        return find(id).orElseThrow(() -> BadInputException.notFound("No conversation with id '" + id + "'."));
    }

    /** Most recently used first. */
    public List<Conversation> list() {
        return jdbc.list("select " + CONVERSATION + " from chat_conversation order by updated_at desc", ps -> {
        }, this::conversation);
    }

    public void delete(String id) {
        jdbc.update("delete from chat_message where conversation_id=?", Jdbc.strings(id));
        jdbc.update("delete from chat_conversation where id=?", Jdbc.strings(id));
    }

    public void insert(StoredMessage m) {
        jdbc.update("insert into chat_message (" + MESSAGE + ") values (?,?,?,?,?,?,?,?,?,?,?,?)", ps -> {
            ps.setString(1, m.id());
            ps.setString(2, m.conversationId());
            ps.setString(3, m.parentId());
            ps.setInt(4, m.position());
            ps.setString(5, m.role());
            ps.setString(6, m.content());
            ps.setString(7, m.model());
            ps.setObject(8, m.tokens(), Types.INTEGER);
            ps.setObject(9, m.millis(), Types.DOUBLE);
            ps.setObject(10, m.droppedTurns(), Types.INTEGER);
            ps.setString(11, m.finish());
            ps.setTimestamp(12, Timestamp.from(m.createdAt()));
        });
    }

    /** Every message of a conversation (all branches), in the order they were written. */
    public List<StoredMessage> messages(String conversationId) {
        return jdbc.list("select " + MESSAGE + " from chat_message where conversation_id=? order by position", Jdbc.strings(conversationId),
                rs -> new StoredMessage(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5), rs.getString(6),
                        rs.getString(7), (Integer) rs.getObject(8), (Double) rs.getObject(9), (Integer) rs.getObject(10), rs.getString(11),
                        Jdbc.instant(rs.getTimestamp(12))));
    }

    public int messageCount(String conversationId) {
        int[] n = new int[1];
        jdbc.query("select count(*) from chat_message where conversation_id=?", Jdbc.strings(conversationId), rs -> n[0] = rs.getInt(1));
        return n[0];
    }

    private Conversation conversation(ResultSet rs) throws SQLException {
        return new Conversation(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), ChatTemplate.valueOf(rs.getString(5)),
                rs.getString(6), read(rs.getString(7)), rs.getString(8), Jdbc.instant(rs.getTimestamp(9)), Jdbc.instant(rs.getTimestamp(10)));
    }

    private String write(GenerationSettings s) {
        try {
            return json.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private GenerationSettings read(String text) {
        try {
            return json.readValue(text, GenerationSettings.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
