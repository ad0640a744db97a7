package org.llmplayground.app.web;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * What every request passes before any servlet sees it, so a local app cannot be driven by a web page:
 * <ol>
 *   <li><b>Host names</b>: only {@code localhost}, {@code 127.0.0.1}, {@code [::1]}, the bound address and
 *       {@code playground.allowed-hosts} are answered; any other {@code Host} header gets 403. A page on
 *       {@code evil.example} whose DNS is rebound to 127.0.0.1 still sends {@code Host: evil.example}, so its
 *       requests (API, OpenAI endpoints, UI and push) stop here.</li>
 *   <li><b>API key</b>: when {@code playground.api-key} is set, {@code /api/*} and {@code /v1/*} need
 *       {@code Authorization: Bearer <key>} (compared in constant time), else 401.</li>
 *   <li><b>Headers</b> on every answer: a Content-Security-Policy that Vaadin runs under (its client needs inline
 *       scripts and eval), no framing by other sites, no MIME sniffing, no referrer leaving the app.</li>
 * </ol>
 * Refusals are the API's JSON error ({@code {"status","error","message","details"}}), with what to do.
 */
@Singleton
public class RequestGuard {
    private static final Logger LOG = LoggerFactory.getLogger(RequestGuard.class);
    /** Vaadin Flow needs 'unsafe-inline' and 'unsafe-eval' for its client engine; everything else stays on this origin. */
    static final String CSP = "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'self'; "
            + "form-action 'self'; frame-ancestors 'self'";

    private final Set<String> hosts;
    private final byte[] apiKey;

    public RequestGuard(@Value("${playground.host:127.0.0.1}") String boundHost,
                        @Value("${playground.allowed-hosts:}") String allowedHosts,
                        @Value("${playground.api-key:}") String apiKey) {
        Set<String> h = new LinkedHashSet<>(Set.of("localhost", "127.0.0.1", "::1"));
        if (!boundHost.isBlank() && !"0.0.0.0".equals(boundHost) && !"::".equals(boundHost)) {
            h.add(normalise(boundHost));
        }
        Arrays.stream(allowedHosts.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(RequestGuard::normalise).forEach(h::add);
        this.hosts = Set.copyOf(h);
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.trim().getBytes(StandardCharsets.UTF_8);
        boolean exposed = "0.0.0.0".equals(boundHost) || "::".equals(boundHost) || !isLoopbackName(boundHost);
        if (exposed && this.apiKey == null) {
            LOG.warn("The app listens on {} (beyond this machine) and playground.api-key is not set: anyone who can reach it "
                    + "can use the API. Set PLAYGROUND_API_KEY.", boundHost);
        }
    }

    /** The host names answered (lower case, no port, IPv6 without brackets). */
    public Set<String> hosts() {
        return hosts;
    }

    /** The names as a Host header writes them, sorted: "127.0.0.1, [::1], localhost, playground.lan". */
    public String describeHosts() {
        return String.join(", ", hosts.stream().sorted().map(h -> h.contains(":") ? "[" + h + "]" : h).toList());
    }

    public boolean apiKeyRequired() {
        return apiKey != null;
    }

    HttpFilter filter() {
        return new HttpFilter() {
            @Override
            protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain) throws IOException, ServletException {
                String host = hostName(req.getHeader("Host"));
                if (host == null || !hosts.contains(host)) {
                    refuse(resp, 403, "This server answers only to " + describeHosts() + " (the request named host '"
                            + (req.getHeader("Host") == null ? "" : req.getHeader("Host")) + "'). If you reach it under another name, add "
                            + "that name to playground.allowed-hosts (env PLAYGROUND_ALLOWED_HOSTS).");
                    return;
                }
                String path = req.getRequestURI();
                if (apiKey != null && (path.startsWith("/api/") || path.equals("/api") || path.startsWith("/v1/"))
                        && !authorized(req.getHeader("Authorization"))) {
                    resp.setHeader("WWW-Authenticate", "Bearer realm=\"llm-playground\"");
                    refuse(resp, 401, "This server needs its API key: send 'Authorization: Bearer <key>' with the "
                            + "value of playground.api-key (env PLAYGROUND_API_KEY).");
                    return;
                }
                resp.setHeader("Content-Security-Policy", CSP);
                resp.setHeader("X-Frame-Options", "SAMEORIGIN");
                resp.setHeader("X-Content-Type-Options", "nosniff");
                resp.setHeader("Referrer-Policy", "no-referrer");
                chain.doFilter(req, resp);
            }
        };
    }

    private boolean authorized(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(header.substring(7).trim().getBytes(StandardCharsets.UTF_8), apiKey);
    }

    /**
     * The host of a Host header, lower case, without port or IPv6 brackets: "LocalHost:8080" → "localhost",
     * "[::1]:8080" → "::1"; null when there is none or it is malformed.
     */
    static String hostName(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String h = header.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? null : h.substring(1, end);
        }
        int colon = h.indexOf(':');
        if (colon >= 0 && h.indexOf(':', colon + 1) >= 0) {
            return null; // a bare IPv6 address must be bracketed in a Host header
        }
        return colon < 0 ? h : h.substring(0, colon);
    }

    private static String normalise(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    private static boolean isLoopbackName(String host) {
        String h = normalise(host);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1");
    }

    /** The API's JSON error ({@link JsonErrorHandler#body}) as the whole answer. */
    static void refuse(HttpServletResponse resp, int status, String message) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json;charset=utf-8");
        resp.getWriter().write(JsonErrorHandler.body(status, message));
    }

    /** A JSON string's content: quotes, backslashes and control characters escaped. */
    static String json(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
