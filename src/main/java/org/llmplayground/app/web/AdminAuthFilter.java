package org.llmplayground.app.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/** Loopback-only HTTP Basic authentication ({@code admin} + the configured password) in front of the admin console. */
final class AdminAuthFilter extends HttpFilter {
    static final String USER = "admin";
    private final byte[] expected;

    AdminAuthFilter(String password) {
        this.expected = (USER + ":" + password).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        if (!isLoopback(req.getRemoteAddr())) {
            resp.sendError(HttpServletResponse.SC_FORBIDDEN, "The admin console only answers on this machine (loopback).");
            return;
        }
        if (!authorized(req.getHeader("Authorization"))) {
            resp.setHeader("WWW-Authenticate", "Basic realm=\"LLM Playground admin\", charset=\"UTF-8\"");
            resp.sendError(HttpServletResponse.SC_UNAUTHORIZED, "Admin credentials required.");
            return;
        }
        chain.doFilter(req, resp);
    }

    private boolean authorized(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(header.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(given, expected); // constant time: no timing hints about the password
    }

    static boolean isLoopback(String address) {
        try {
            return address != null && InetAddress.getByName(address).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }
}
