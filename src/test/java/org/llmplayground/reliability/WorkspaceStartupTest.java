package org.llmplayground.reliability;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmplayground.core.Workspace;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A workspace the app cannot write is named at startup in one line; what a crash half-wrote is removed then. */
class WorkspaceStartupTest {
    @Test
    void aWorkspaceThatCannotBeWrittenIsRefusedWithOneLineThatSaysWhatToDo(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x"); // as root, chmod cannot make a folder read-only
        Path home = file.resolve("workspace");
        assertThatThrownBy(() -> new Workspace(home.toString())).isInstanceOfSatisfying(Workspace.Unusable.class, e -> {
            assertThat(e.getMessage()).startsWith("The workspace " + home + " cannot be written (")
                    .endsWith("). Make it writable, or point playground.home (env PLAYGROUND_HOME) at a folder that is.")
                    .doesNotContain("\n");
        });
    }

    @Test
    void halfWrittenFilesOfInterruptedJobsAreRemovedAtStartupAndResumableDownloadsKept(@TempDir Path home) throws Exception {
        Path corpora = Files.createDirectories(home.resolve("corpora"));
        Files.write(corpora.resolve("wiki-clean123" + Workspace.UNFINISHED), new byte[3 << 20]);
        Files.writeString(corpora.resolve("wiki.txt"), "kept");
        Path hub = Files.createDirectories(home.resolve("datasets/hub"));
        Files.writeString(hub.resolve("train.parquet.part"), "resumed later");
        Workspace w = new Workspace(home.toString());
        assertThat(w.cleanedAtStartup()).isEqualTo("removed 1 half-written file (3.0 MB) at startup");
        assertThat(corpora.resolve("wiki-clean123" + Workspace.UNFINISHED)).doesNotExist();
        assertThat(corpora.resolve("wiki.txt")).exists();
        assertThat(hub.resolve("train.parquet.part")).exists();
        assertThat(new Workspace(home.toString()).cleanedAtStartup()).isEmpty();
    }
}
