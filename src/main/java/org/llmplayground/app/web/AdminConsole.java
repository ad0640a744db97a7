package org.llmplayground.app.web;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.h2.server.web.JakartaWebServlet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.EnumSet;

/**
 * The embedded admin console: H2's web console at {@code /admin/h2}, for looking at runs, jobs and tokenizers in the
 * database.
 * <ul>
 *   <li>It starts only when {@code playground.admin.password} (env {@code PLAYGROUND_ADMIN_PASSWORD}) is set;
 *       otherwise the path answers 503 with how to enable it.</li>
 *   <li>Every request needs HTTP Basic credentials {@code admin}/that password ({@link AdminAuthFilter}).</li>
 *   <li>Only loopback clients are served, whatever address the app binds to ({@code webAllowOthers=false} as well).</li>
 * </ul>
 * The password is never logged.
 */
@Singleton
public class AdminConsole {
    private static final Logger LOG = LoggerFactory.getLogger(AdminConsole.class);

    private final String password;
    private final String jdbcUrl;

    public AdminConsole(@Value("${playground.admin.password:}") String password,
                        @Value("${datasources.default.url}") String jdbcUrl) {
        this.password = password == null ? "" : password;
        this.jdbcUrl = jdbcUrl;
    }

    public boolean enabled() {
        return !password.isBlank();
    }

    /** The JDBC URL to paste into the console's login form. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    void mount(WebAppContext web, String path) {
        if (!enabled()) {
            LOG.info("Admin console disabled: set playground.admin.password (env PLAYGROUND_ADMIN_PASSWORD) to enable {}", path);
            web.addServlet(new ServletHolder("admin-disabled", new DisabledServlet()), path + "/*");
            return;
        }
        ServletHolder h2 = new ServletHolder("h2-console", JakartaWebServlet.class);
        h2.setInitParameter("webAllowOthers", "false");
        h2.setInitOrder(2);
        web.addServlet(h2, path + "/*");
        web.addFilter(new FilterHolder(new AdminAuthFilter(password)), path + "/*", EnumSet.of(DispatcherType.REQUEST));
        LOG.info("Admin console enabled at {} (loopback only, HTTP Basic user 'admin')", path);
    }

    private static final class DisabledServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            resp.setContentType("text/plain;charset=utf-8");
            resp.getWriter().write("The admin console is disabled because no password is set. "
                    + "Set playground.admin.password (or the environment variable PLAYGROUND_ADMIN_PASSWORD) and restart.\n");
        }
    }
}
