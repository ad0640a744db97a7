package org.llmplayground.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.hub.HubClient.HubFile;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a Hub model download fetches, where it goes, and the checks made before any weight is fetched. */
class HubModelsTest {
    static HubFile f(String path) {
        return new HubFile(path, 10, null);
    }

    @Test
    void shardsTheirIndexAndTokenizerFilesAreFetchedConfigFirst() {
        List<HubFile> listed = List.of(f("README.md"), f("model-00002-of-00002.safetensors"), f("model-00001-of-00002.safetensors"),
                f("model.safetensors.index.json"), f("tokenizer.json"), f("config.json"), f("pytorch_model.bin"), f("onnx/model.safetensors"),
                f("merges.txt"), f("vocab.json"));
        assertThat(HubModels.needed("a/b", listed).stream().map(HubFile::path)).containsExactly("config.json", "merges.txt",
                "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model.safetensors.index.json", "tokenizer.json", "vocab.json");
    }

    @Test
    void reposWithoutConfigOrSafetensorsAreRefusedBeforeDownloading() {
        assertThatThrownBy(() -> HubModels.needed("a/b", List.of(f("model.safetensors"))))
                .hasMessage("a/b has no config.json at its top level, so it is not a transformers model the importer can read.");
        assertThatThrownBy(() -> HubModels.needed("a/b", List.of(f("config.json"), f("README.md"))))
                .hasMessage("a/b has no .safetensors weights.");
    }

    @Test
    void foldersNameTheRepoAndARevisionOtherThanMain() {
        assertThat(HubModels.folder("openai-community/gpt2", "main")).isEqualTo("hub-openai-community--gpt2");
        assertThat(HubModels.folder("gpt2", "v1.0")).isEqualTo("hub-gpt2@v1.0");
    }

    @Test
    void aDownloadLargerThanTheFreeSpaceIsRefusedWithBothFigures(@TempDir Path dir) {
        HubModels.checkSpace(dir.resolve("not/yet"), 1000); // a small one fits
        assertThatThrownBy(() -> HubModels.checkSpace(dir.resolve("not/yet"), Long.MAX_VALUE / 4))
                .isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("Not enough disk space: the download needs ")
                .hasMessageEndingWith(" are free. Delete models or runs (Models page) and try again.");
    }
}
