package org.llmplayground.data;

import org.llmplayground.corpus.CorpusStore;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.llmplayground.core.Workspace;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.core.jobs.JobRecord;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.core.jobs.JobState;
import org.llmplayground.data.clean.NormalizeStage;
import org.llmplayground.data.clean.QualityFilter;
import org.llmplayground.data.clean.StageReport;
import org.llmplayground.support.TestApp;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Cleaning the bundled WikiText-2 as a job; the result is a corpus the other labs can use. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DataServiceTest implements TestPropertyProvider {
    @Inject
    DataService data;
    @Inject
    CorpusStore corpora;
    @Inject
    JobRunner jobs;
    @Inject
    DatasetFiles files;
    @Inject
    org.llmplayground.core.Workspace workspace;

    @Override
    public Map<String, String> getProperties() {
        return TestApp.freshWorkspace("data-service");
    }

    @Test
    void wikitextIsCleanedAsAJobIntoANewCorpus() throws Exception {
        QualityFilter q = new QualityFilter(20, 100_000, 3, 10, 0.1, 0.8, 0.9, 0.3, 0, 0.3, 0.2);
        DataService.Stages stages = new DataService.Stages(NormalizeStage.Options.ALL, Set.of("eng"), 0, "US", q, true,
                DataService.NearDedupSettings.DEFAULTS);
        DataService.CleanRequest r = new DataService.CleanRequest(DataSource.corpus(CorpusStore.WIKITEXT), "wikitext clean", stages, null);
        JobRecord job = data.startClean(r);
        JobRecord done = jobs.await(job.id(), Duration.ofMinutes(2));
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        String id = done.result();
        String cleaned = corpora.read(id);
        assertThat(corpora.info(id).name()).isEqualTo("wikitext clean.txt");
        assertThat(cleaned).contains("Homarus gammarus").doesNotContain(" = = ");  // short heading paragraphs removed
        assertThat(cleaned.length()).isLessThan(corpora.read(CorpusStore.WIKITEXT).length());
    }

    @Test
    void reportsSayWhatEachStageDid() {
        DataService.Stages stages = new DataService.Stages(NormalizeStage.Options.ALL, null, 0, null, QualityFilter.gopher(), true, null);
        DataService.CleanRequest r = new DataService.CleanRequest(DataSource.corpus(CorpusStore.WIKITEXT), "wiki-2", stages, null);
        DataService.CleanResult res = data.clean(r, new org.llmplayground.core.jobs.JobContext() {
            @Override
            public String jobId() {
                return "test";
            }

            @Override
            public boolean isCancelled() {
                return false;
            }

            @Override
            public void progress(double fraction, String message) {
            }

            @Override
            public void publish(Object payload) {
            }
        });
        assertThat(res.stages()).extracting(StageReport.Summary::stage).containsExactly("normalize", "quality", "exact dedup");
        StageReport.Summary quality = res.stages().get(1);
        assertThat(quality.reasons()).containsKey("too few words");
        assertThat(res.documentsOut()).isEqualTo(res.stages().get(2).documentsOut());
        assertThat(res.documentsIn()).isGreaterThan(res.documentsOut());
    }

    @Test
    void badRequestsAreRefused() {
        DataService.Stages all = DataService.Stages.all();
        assertThatThrownBy(() -> data.startClean(new DataService.CleanRequest(DataSource.corpus("nope"), "x", all, null)))
                .hasMessageStartingWith("Unknown corpus 'nope'.");
        assertThatThrownBy(() -> data.startClean(new DataService.CleanRequest(DataSource.corpus(CorpusStore.WIKITEXT), "../x", all, null)))
                .hasMessage("Name the cleaned dataset with 1 to 80 letters, digits, spaces, '_', '.' or '-'.");
        assertThatThrownBy(() -> DataService.stages(new DataService.Stages(null, null, 0, null, null, false, null)))
                .hasMessage("Choose at least one cleaning stage.");
    }

    @Test
    void aCancelledCleaningLeavesNoCorpusAndNoPartialFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path big = files.dir().resolve("big.jsonl");
        new org.llmplayground.bench.SyntheticCorpus(3).write(big, 40L << 20);
        int before = corpora.list().size();
        JobRecord job = data.startClean(new DataService.CleanRequest(DataSource.file("big.jsonl", "text"), "never", DataService.Stages.all(), null));
        // wait until it is really reading, then cancel
        for (int i = 0; i < 200 && jobs.get(job.id()).progress() == 0; i++) {
            Thread.sleep(50);
        }
        data.cancel(job.id());
        JobRecord done = jobs.await(job.id(), Duration.ofMinutes(2));
        assertThat(done.state()).isEqualTo(JobState.CANCELLED);
        assertThat(corpora.list()).hasSize(before);
        try (var left = java.nio.file.Files.list(workspace.dir("corpora"))) {
            assertThat(left.filter(p -> p.toString().endsWith(Workspace.UNFINISHED)).toList()).isEmpty();
        }
        assertThat(java.nio.file.Files.size(big)).isGreaterThan(40L << 20 - 1); // the source is untouched
    }
}
