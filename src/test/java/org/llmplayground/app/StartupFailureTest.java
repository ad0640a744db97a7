package org.llmplayground.app;

import io.micronaut.context.exceptions.BeanInstantiationException;
import org.junit.jupiter.api.Test;
import org.llmplayground.core.Workspace;

import static org.assertj.core.api.Assertions.assertThat;

/** A start that fails for a reason the user can fix prints that reason as one line, not Micronaut's stack trace. */
class StartupFailureTest {
    @Test
    void anUnusableWorkspaceDeepInsideMicronautsErrorIsReportedAsItsOneLine() {
        Workspace.Unusable cause = new Workspace.Unusable("The workspace /ro cannot be written (AccessDeniedException: /ro). Make it "
                + "writable, or point playground.home (env PLAYGROUND_HOME) at a folder that is.");
        RuntimeException wrapped = new RuntimeException("Error instantiating bean", new BeanInstantiationException("Workspace", cause));
        assertThat(Application.startupFailure(wrapped)).isEqualTo(cause.getMessage());
        assertThat(Application.startupFailure(new IllegalStateException("port in use"))).isNull();
    }
}
