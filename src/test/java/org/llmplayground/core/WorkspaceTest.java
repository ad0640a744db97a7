package org.llmplayground.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkspaceTest {
    @Test
    void pathsStayInsideTheirFolder(@TempDir Path home) {
        Workspace ws = new Workspace(home.toString());
        Path uploads = ws.dir("uploads");
        assertThat(Workspace.resolveInside(uploads, "a.txt")).isEqualTo(uploads.resolve("a.txt"));
        for (String evil : new String[]{"../a.txt", "../../etc/passwd", "/etc/passwd", "x/../../y", "", "."}) {
            assertThatThrownBy(() -> Workspace.resolveInside(uploads, evil)).as(evil).isInstanceOf(BadInputException.class)
                    .hasMessage("The path '" + evil + "' is not allowed: it must name something inside the workspace.");
        }
    }

    @Test
    void relativeH2PathsBecomeAbsolute() {
        String cwd = Path.of("").toAbsolutePath().toString();
        assertThat(DatabaseLocation.absolute("jdbc:h2:file:ws/db/p")).isEqualTo("jdbc:h2:file:" + cwd + "/ws/db/p");
        assertThat(DatabaseLocation.absolute("jdbc:h2:file:./ws/db/p;MODE=x")).isEqualTo("jdbc:h2:file:" + cwd + "/ws/db/p;MODE=x");
        assertThat(DatabaseLocation.absolute("jdbc:h2:file:/abs/p")).isEqualTo("jdbc:h2:file:/abs/p");
        assertThat(DatabaseLocation.absolute("jdbc:h2:mem:x")).isEqualTo("jdbc:h2:mem:x");
    }
}
