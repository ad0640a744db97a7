package org.llmplayground.generation.prompts;

import io.micronaut.jdbc.DataSourceResolver;
import jakarta.inject.Singleton;
import org.llmplayground.core.Jdbc;

import javax.sql.DataSource;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/** The user's own templates; each save under a name adds a version (table prompt_template). */
@Singleton
public class PromptStore {
    private final Jdbc jdbc;

    public PromptStore(DataSource dataSource, DataSourceResolver resolver) {
        this.jdbc = new Jdbc(resolver.resolve(dataSource), "Prompt store");
    }

    /** Saves a new version and returns its number (1 for a new name). */
    public synchronized int save(String name, String description, String text) {
        int version = versions(name).stream().mapToInt(PromptTemplate::version).max().orElse(0) + 1;
        jdbc.update("insert into prompt_template (name, version, description, text, created_at) values (?,?,?,?,?)", ps -> {
            ps.setString(1, name);
            ps.setInt(2, version);
            ps.setString(3, description);
            ps.setString(4, text);
            ps.setTimestamp(5, Timestamp.from(Instant.now()));
        });
        return version;
    }

    /** Every version of a name, newest first. */
    public List<PromptTemplate> versions(String name) {
        return jdbc.list("select name, version, description, text from prompt_template where name=? order by version desc",
                Jdbc.strings(name), rs -> new PromptTemplate(rs.getString(1), "mine", rs.getString(3), rs.getString(4), null, rs.getInt(2)));
    }

    /** The newest version of every name. */
    public List<PromptTemplate> latest() {
        return jdbc.list("select t.name, t.version, t.description, t.text from prompt_template t where t.version = "
                + "(select max(version) from prompt_template u where u.name = t.name) order by t.name", ps -> {
        }, rs -> new PromptTemplate(rs.getString(1), "mine", rs.getString(3), rs.getString(4), null, rs.getInt(2)));
    }

    public void delete(String name) {
        jdbc.update("delete from prompt_template where name=?", Jdbc.strings(name));
    }
}
