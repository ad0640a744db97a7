package org.llmplayground.app.web;

import com.vaadin.flow.server.VaadinServlet;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.util.EnumSet;

/**
 * The one embedded Jetty 12 (EE10), owned by Micronaut. One port serves:
 * <pre>
 *   /api/*       Micronaut controllers (same ApplicationContext as the views)
 *   /v1/*        the OpenAI-compatible API (the same Micronaut servlet)
 *   /admin/h2/*  H2 web console (password-protected, loopback only) — see {@link AdminConsole}
 *   /static/*    theme CSS and chart script; /webjars/* ECharts
 *   /*           Vaadin (UI and @Push websocket)
 * </pre>
 * Binds to {@code playground.host} (default 127.0.0.1), so nothing is reachable from other machines unless configured;
 * every request first passes {@link RequestGuard} (known host names only, the optional API key, security headers), and
 * Jetty's own errors are JSON ({@link JsonErrorHandler}).
 * Starts when the context has started (database migrated, jobs recovered), so it never serves a half-started app.
 */
@Context
public class JettyServer {
    private static final Logger LOG = LoggerFactory.getLogger(JettyServer.class);

    private final ApplicationContext applicationContext;
    private final AdminConsole adminConsole;
    private final RequestGuard guard;
    private final String host;
    private final int port;
    private Server server;

    public JettyServer(ApplicationContext applicationContext, AdminConsole adminConsole, RequestGuard guard,
                       @Value("${playground.host:127.0.0.1}") String host,
                       @Value("${playground.port:8080}") int port) {
        this.applicationContext = applicationContext;
        this.adminConsole = adminConsole;
        this.guard = guard;
        this.host = host;
        this.port = port;
    }

    @EventListener
    void onStartup(StartupEvent event) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(webApp());
        server.setErrorHandler(new JsonErrorHandler.ForServer()); // errors before the web app: JSON too
        server.start();
        LOG.info("Listening on http://{}:{}/", host, getPort());
    }

    private WebAppContext webApp() throws IOException {
        WebAppContext web = new WebAppContext();
        web.setContextPath("/");
        web.setBaseResource(web.getResourceFactory().newResource(Files.createTempDirectory("playground-webroot")));
        // Jetty's annotation scan runs Vaadin's ServletContainerInitializers over our classes and Vaadin's jars.
        web.setAttribute("org.eclipse.jetty.server.webapp.ContainerIncludeJarPattern",
                ".*/(flow-|vaadin-|llm-playground)[^/]*\\.jar$|.*/classes/.*");
        web.setConfigurationDiscovered(true);
        web.setParentLoaderPriority(true);
        // read by MicronautInstantiatorFactory: Vaadin gets its views and services from this context
        web.setAttribute(ApplicationContext.class.getName(), applicationContext);
        // micronaut-servlet's own initializer would build a second ApplicationContext mapped at /*: keep it out
        web.setAttribute("org.eclipse.jetty.containerInitializerExclusionPattern", "io\\.micronaut\\.servlet\\..*");

        // first of all: Host names, the API key and the security headers (RequestGuard), then JSON for Jetty's own errors
        web.addFilter(new FilterHolder(guard.filter()), "/*", EnumSet.of(DispatcherType.REQUEST));
        web.setErrorHandler(new JsonErrorHandler());
        // the Vaadin session cookie: not readable by scripts, never sent with requests from other sites
        web.getSessionHandler().setHttpOnly(true);
        web.getSessionHandler().setSameSite(HttpCookie.SameSite.STRICT);

        ServletHolder api = new ServletHolder("micronaut", new SharedContextMicronautServlet(applicationContext));
        api.setAsyncSupported(true);
        api.setInitOrder(0);
        web.addServlet(api, "/api/*");
        web.addServlet(api, "/v1/*"); // the OpenAI-compatible API

        ServletHolder vaadin = new ServletHolder("vaadin", VaadinServlet.class);
        vaadin.setAsyncSupported(true);
        vaadin.setInitOrder(1);
        web.addServlet(vaadin, "/*");

        ServletHolder resources = new ServletHolder("classpath-resources", ClasspathResourceServlet.class);
        web.addServlet(resources, "/webjars/*");
        web.addServlet(resources, "/static/*");

        adminConsole.mount(web, "/admin/h2");

        JakartaWebSocketServletContainerInitializer.configure(web, null); // JSR-356 for Vaadin push over websocket
        return web;
    }

    /** The port actually bound (differs from the configured one when that is 0, as in tests). */
    public int getPort() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    public String baseUrl() {
        return "http://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + getPort();
    }

    @PreDestroy
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }
}
