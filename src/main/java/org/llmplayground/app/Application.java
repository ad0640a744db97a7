package org.llmplayground.app;

import io.micronaut.context.ApplicationContext;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.util.jar.JarFile;

/**
 * Starts LLM Playground: one Micronaut {@link ApplicationContext}; its {@code @Context} bean {@link web.JettyServer}
 * then starts the one Jetty that serves the Vaadin UI, the REST API and the admin console on one port.
 */
@OpenAPIDefinition(info = @Info(title = "llm-playground", version = "1",
        description = "REST API of LLM Playground. Every endpoint calls the same service as the lab in the UI."))
public final class Application {
    private static final Logger LOG = LoggerFactory.getLogger(Application.class);

    private Application() {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        expandManifestClassPath();
        String nativeSetup;
        try {
            nativeSetup = org.llmplayground.core.NativeSetup.install(); // before anything loads libtorch
        } catch (IllegalArgumentException e) {
            LOG.error("LLM Playground could not start: {}", e.getMessage());
            System.exit(1);
            return;
        }
        LOG.info("Native set-up: {}", nativeSetup);
        long t0 = System.currentTimeMillis();
        ApplicationContext ctx;
        try {
            ctx = ApplicationContext.builder().args(args).start();
        } catch (RuntimeException e) {
            String line = startupFailure(e);
            if (line != null) {
                LOG.error("LLM Playground could not start: {}", line); // one line: the user's to fix, no stack trace
            } else {
                LOG.error("LLM Playground could not start: {}", e.getMessage(), e);
            }
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(ctx::close, "shutdown"));
        LOG.info("LLM Playground started in {} ms: {}", System.currentTimeMillis() - t0,
                ctx.getBean(org.llmplayground.app.web.JettyServer.class).baseUrl());
    }

    /** The one-line reason for a failed start that the user can fix (an unusable workspace), or null for any other. */
    static String startupFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.llmplayground.core.Workspace.Unusable u) {
                return u.getMessage();
            }
        }
        return null;
    }

    /**
     * {@code java -jar llm-playground.jar} puts only the jar itself on {@code java.class.path}; the libraries come from
     * the manifest's {@code Class-Path}. Jetty's annotation scan (which runs Vaadin's initializers) reads only
     * {@code java.class.path}, so expand it before Jetty starts.
     */
    static void expandManifestClassPath() throws IOException {
        String cp = System.getProperty("java.class.path", "");
        if (cp.contains(File.pathSeparator) || !cp.endsWith(".jar")) {
            return;
        }
        File jar = new File(cp).getAbsoluteFile();
        try (JarFile jf = new JarFile(jar)) {
            String manifestCp = jf.getManifest().getMainAttributes().getValue("Class-Path");
            if (manifestCp == null) {
                return;
            }
            StringBuilder sb = new StringBuilder(jar.getPath());
            for (String entry : manifestCp.trim().split("\\s+")) {
                sb.append(File.pathSeparator).append(new File(jar.getParentFile(), entry).getPath());
            }
            System.setProperty("java.class.path", sb.toString());
        }
    }
}
