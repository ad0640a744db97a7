package org.llmplayground.corpus;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Workspace;
import org.llmplayground.support.TestApp;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CorpusStoreTest implements TestPropertyProvider {
    @Inject
    CorpusStore store;
    @Inject
    Workspace workspace;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(TestApp.freshWorkspace("corpora"));
        p.put("playground.upload.max-bytes", "1000");
        return p;
    }

    @Test
    void uploadIsStoredUnderAGeneratedNameInsideTheWorkspace() throws Exception {
        CorpusInfo info = store.upload("../../evil name.txt", new ByteArrayInputStream("to be or not to be".getBytes(StandardCharsets.UTF_8)));
        assertThat(info.name()).isEqualTo("evil name.txt");
        assertThat(info.id()).matches("upload-[0-9a-f]{8}");
        assertThat(Files.readString(workspace.home().resolve("corpora").resolve(info.id() + ".txt"))).isEqualTo("to be or not to be");
        assertThat(store.read(info.id())).isEqualTo("to be or not to be");
        assertThat(store.list()).extracting(CorpusInfo::id).contains("tinyshakespeare", info.id());
    }

    @Test
    void refusalsWriteNothing() throws Exception {
        long before = Files.list(workspace.home().resolve("corpora")).count();
        assertThatThrownBy(() -> store.upload("big.txt", new ByteArrayInputStream(new byte[1001])))
                .isInstanceOf(BadInputException.class).hasMessage("The file 'big.txt' is larger than the upload limit of 1000 B.");
        assertThatThrownBy(() -> store.upload("latin1.txt", new ByteArrayInputStream(new byte[]{'c', 'a', 'f', (byte) 0xE9})))
                .hasMessage("The file 'latin1.txt' is not UTF-8 text: invalid byte 0xE9 at offset 3. Save it as UTF-8 and try again.");
        assertThatThrownBy(() -> store.upload("empty.txt", new ByteArrayInputStream(new byte[0]))).hasMessage("The file 'empty.txt' is empty.");
        assertThat(Files.list(workspace.home().resolve("corpora")).count()).isEqualTo(before);
    }

    @Test
    void bundledShakespeareIsThereWithProvenance() {
        assertThat(store.read(CorpusStore.SHAKESPEARE)).startsWith("First Citizen:\nBefore we proceed any further, hear me speak.");
        assertThat(store.info(CorpusStore.SHAKESPEARE).provenance()).contains("sha256: 86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed");
    }

    @Test
    void bundledWikitextIsThereWithItsChecksum() throws Exception {
        String text = store.read(CorpusStore.WIKITEXT);
        assertThat(text).contains(" = Homarus gammarus = ");
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(store.info(CorpusStore.WIKITEXT).provenance()).contains("sha256: " + sha)
                .contains("CC BY-SA 3.0");
    }
}
