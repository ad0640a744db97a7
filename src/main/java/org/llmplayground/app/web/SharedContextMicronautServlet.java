package org.llmplayground.app.web;

import io.micronaut.context.ApplicationContext;
import io.micronaut.servlet.engine.DefaultMicronautServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Micronaut's servlet bound to the already running ApplicationContext (it neither owns nor stops it).
 * <p>
 * Workaround: micronaut-servlet 4.11 publishes its request-terminated event after {@code AsyncContext.complete()},
 * when Jetty 12 has already recycled the request, so reading an attribute then fails inside Jetty. The wrapper keeps
 * the attributes Micronaut sets in a local map and tolerates the recycled request.
 */
final class SharedContextMicronautServlet extends DefaultMicronautServlet {
    SharedContextMicronautServlet(ApplicationContext ctx) {
        super(ctx);
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) {
        super.service(new RecycleSafeRequest(req), resp);
    }

    static final class RecycleSafeRequest extends HttpServletRequestWrapper {
        private final Map<String, Object> local = new ConcurrentHashMap<>();

        RecycleSafeRequest(HttpServletRequest request) {
            super(request);
        }

        @Override
        public Object getAttribute(String name) {
            Object v = local.get(name);
            if (v != null) {
                return v;
            }
            try {
                return super.getAttribute(name);
            } catch (RuntimeException recycled) {
                return null;
            }
        }

        @Override
        public void setAttribute(String name, Object o) {
            if (o == null) {
                removeAttribute(name);
                return;
            }
            local.put(name, o);
            try {
                super.setAttribute(name, o);
            } catch (RuntimeException recycled) {
                // the request is gone; the local copy is all that matters now
            }
        }

        @Override
        public void removeAttribute(String name) {
            local.remove(name);
            try {
                super.removeAttribute(name);
            } catch (RuntimeException recycled) {
                // as above
            }
        }
    }
}
