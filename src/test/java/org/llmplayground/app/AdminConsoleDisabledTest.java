package org.llmplayground.app;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.app.web.JettyServer;
import org.llmplayground.support.TestApp;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Without a configured password the console does not start, and the path says how to enable it. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminConsoleDisabledTest implements TestPropertyProvider {
    @Inject
    JettyServer jetty;

    @Override
    public Map<String, String> getProperties() {
        return TestApp.freshWorkspace("noadmin");
    }

    @Test
    void consoleIsOffWithoutAPassword() throws Exception {
        HttpResponse<String> r = TestApp.get(jetty.baseUrl() + "/admin/h2/");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).isEqualTo("The admin console is disabled because no password is set. Set playground.admin.password "
                + "(or the environment variable PLAYGROUND_ADMIN_PASSWORD) and restart.\n");
    }
}
