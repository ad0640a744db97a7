package org.llmplayground.app.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;

/**
 * Serves classpath resources outside Vaadin's bundle: {@code /webjars/**} from {@code META-INF/resources/webjars}
 * (ECharts) and {@code /static/**} from {@code static/} (chart element, theme CSS copied from frontend-theme/).
 */
public final class ClasspathResourceServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo();
        if (path == null || path.contains("..") || path.endsWith("/")) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        String base = "/webjars".equals(req.getServletPath()) ? "META-INF/resources/webjars" : "static";
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(base + path)) {
            if (in == null) {
                resp.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            resp.setContentType(contentType(path));
            resp.setHeader("Cache-Control", "public, max-age=3600");
            in.transferTo(resp.getOutputStream());
        }
    }

    private String contentType(String path) {
        if (path.endsWith(".js")) {
            return "text/javascript";
        }
        if (path.endsWith(".css")) {
            return "text/css";
        }
        String type = getServletContext().getMimeType(path);
        return type == null ? "application/octet-stream" : type;
    }
}
