package org.llmplayground.core;

import io.micronaut.configuration.jdbc.hikari.DatasourceConfiguration;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;

import java.nio.file.Path;

/**
 * H2 refuses a file URL with an implicitly relative path ({@code jdbc:h2:file:ws/db/x}), which is what
 * {@code playground.home=ws} would give. Before the pool opens, such a path is made absolute.
 */
@Singleton
final class DatabaseLocation implements BeanCreatedEventListener<DatasourceConfiguration> {
    private static final String PREFIX = "jdbc:h2:file:";

    /** The workspace is checked (writable, free space) and cleaned before the database inside it opens. */
    DatabaseLocation(Workspace workspace) {
        workspace.home();
    }

    @Override
    public DatasourceConfiguration onCreated(BeanCreatedEvent<DatasourceConfiguration> event) {
        DatasourceConfiguration config = event.getBean();
        config.setUrl(absolute(config.getUrl()));
        return config;
    }

    static String absolute(String url) {
        if (url == null || !url.startsWith(PREFIX)) {
            return url;
        }
        String rest = url.substring(PREFIX.length());
        int options = rest.indexOf(';');
        String path = options < 0 ? rest : rest.substring(0, options);
        if (path.startsWith("~") || Path.of(path).isAbsolute()) {
            return url;
        }
        return PREFIX + Path.of(path).toAbsolutePath().normalize() + (options < 0 ? "" : rest.substring(options));
    }
}
