package org.llmplayground.app.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ErrorHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.HttpStatus;

import java.io.IOException;

/**
 * Errors that Jetty answers itself (a request past the async timeout, a malformed URI, a body over the limit, an
 * exception no servlet caught) in the app's JSON error shape instead of Jetty's HTML page, with a message that says
 * what to do. No stack trace or server detail is ever written.
 */
final class JsonErrorHandler extends ErrorHandler {
    @Override
    protected void generateAcceptableResponse(ServletContextRequest baseRequest, HttpServletRequest request, HttpServletResponse response,
                                              int code, String message) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        RequestGuard.refuse(response, code, message(code, message, request.getRequestURI()));
    }

    static String message(int code, String jettyMessage, String path) {
        String m = jettyMessage == null ? "" : jettyMessage;
        if (m.contains("AsyncContext timeout")) {
            return "The request took longer than the server waits for an answer (30 s). Its work may still be running: look "
                    + "at its list (e.g. /api/v1/transformer/models) before sending it again.";
        }
        return switch (code) {
            case 400 -> "The request is malformed" + (m.isEmpty() ? "" : ": " + m) + ". Send HTTP/1.1 with a Host header and a "
                    + "well-formed, percent-encoded path.";
            case 404 -> "Nothing at " + path + ". The REST API lives under /api/v1 (see /api/v1/openapi.yml) and /v1.";
            case 405 -> "This path does not take that method; see /api/v1/openapi.yml for the methods of each path.";
            case 413 -> "The request body is larger than the server accepts.";
            case 414, 431 -> "The request's URI or headers are too large.";
            default -> code >= 500 ? "The server failed to answer this request; the log has the details. Try again, and report it "
                    + "if it happens again." : (m.isEmpty() ? reason(code) : m);
        };
    }

    /** The JSON error body, as the API writes it. */
    static String body(int code, String message) {
        return "{\"status\":" + code + ",\"error\":\"" + RequestGuard.json(reason(code)) + "\",\"message\":\"" + RequestGuard.json(message)
                + "\",\"details\":[]}";
    }

    /**
     * The same for errors Jetty meets before any context (a request without a Host header, a URI it cannot parse):
     * those go to the server's own handler, not the web app's.
     */
    static final class ForServer extends org.eclipse.jetty.server.handler.ErrorHandler {
        @Override
        protected void generateResponse(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response, int code,
                                        String message, Throwable cause, org.eclipse.jetty.util.Callback callback) {
            response.getHeaders().put(org.eclipse.jetty.http.HttpHeader.CONTENT_TYPE, "application/json;charset=utf-8");
            String json = body(code, JsonErrorHandler.message(code, message, request.getHttpURI().getPath()));
            response.write(true, java.nio.ByteBuffer.wrap(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)), callback);
        }

        @Override
        public java.nio.ByteBuffer badMessageError(int status, String reason, org.eclipse.jetty.http.HttpFields.Mutable fields) {
            fields.put(org.eclipse.jetty.http.HttpHeader.CONTENT_TYPE, "application/json;charset=utf-8");
            return java.nio.ByteBuffer.wrap(body(status, JsonErrorHandler.message(status, reason, "")).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private static String reason(int code) {
        String r = HttpStatus.getMessage(code);
        return r == null ? "Error" : r;
    }
}
