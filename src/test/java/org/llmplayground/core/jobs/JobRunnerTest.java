package org.llmplayground.core.jobs;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.core.BadInputException;
import org.llmplayground.support.TestApp;

import org.llmplayground.core.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobRunnerTest implements TestPropertyProvider {
    @Inject
    Workspace workspace;
    @Inject
    JobRunner runner;
    @Inject
    JobRepository repository;

    @Override
    public Map<String, String> getProperties() {
        return TestApp.freshWorkspace("jobs");
    }

    @Test
    void runsAJobReportsProgressAndStoresTheOutcome() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        JobRecord job = runner.submit("test", "counting", "a", ctx -> {
            go.await(10, TimeUnit.SECONDS);
            for (int i = 1; i <= 4; i++) {
                ctx.progress(i / 4.0, "step " + i);
                ctx.publish("payload " + i);
            }
            return "result-42";
        });
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Subscription s = runner.subscribe(job.id(), e -> seen.add(e.payload() != null ? (String) e.payload()
                : e.job().state() + " " + e.job().progress()))) {
            go.countDown();
            JobRecord done = runner.await(job.id(), Duration.ofSeconds(10));
            assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(done.result()).isEqualTo("result-42");
            assertThat(done.message()).isEqualTo("step 4");
        }
        assertThat(seen).contains("payload 1", "payload 4", "SUCCEEDED 1.0");
        assertThat(seen.indexOf("payload 1")).isLessThan(seen.indexOf("payload 4"));
        JobRecord stored = repository.findById(job.id()).orElseThrow();
        assertThat(stored.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(stored.finishedAt()).isNotNull();
    }

    @Test
    void jobsOfOneLaneRunOneAtATimeAndAQueuedOneCanBeCancelled() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        JobRecord first = runner.submit("test", "blocker", "b", ctx -> {
            release.await(10, TimeUnit.SECONDS);
            return "first";
        });
        JobRecord second = runner.submit("test", "queued", "b", ctx -> "second");
        assertThat(runner.get(second.id()).state()).isEqualTo(JobState.QUEUED);
        assertThat(runner.cancel(second.id())).isTrue();
        release.countDown();
        assertThat(runner.await(first.id(), Duration.ofSeconds(10)).state()).isEqualTo(JobState.SUCCEEDED);
        JobRecord cancelled = runner.await(second.id(), Duration.ofSeconds(10));
        assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
        assertThat(cancelled.message()).isEqualTo("Cancelled before it started");
        assertThat(cancelled.result()).isNull();
    }

    @Test
    void aRunningJobStopsAtItsNextCheck() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        JobRecord job = runner.submit("test", "endless", "c", ctx -> {
            started.countDown();
            while (true) {
                ctx.checkCancelled();
                Thread.sleep(5);
            }
        });
        started.await(10, TimeUnit.SECONDS);
        runner.cancel(job.id());
        assertThat(runner.await(job.id(), Duration.ofSeconds(10)).state()).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void failuresAreRecordedWithTheirMessage() throws Exception {
        JobRecord bad = runner.submit("test", "bad input", "d", ctx -> {
            throw new BadInputException("The corpus is empty.");
        });
        JobRecord broken = runner.submit("test", "bug", "d", ctx -> {
            throw new IllegalStateException("boom");
        });
        assertThat(runner.await(bad.id(), Duration.ofSeconds(10)).message()).isEqualTo("The corpus is empty.");
        JobRecord failed = runner.await(broken.id(), Duration.ofSeconds(10));
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.message()).isEqualTo("Failed: java.lang.IllegalStateException: boom");
    }

    @Test
    void jobsLeftRunningByAStoppedServerAreMarkedInterruptedAtStart() {
        Instant t = Instant.now();
        repository.save(new JobRecord("stale-1", "test", "was running", JobState.RUNNING, 0.4, "step 2", null, t, t, null));
        repository.save(new JobRecord("stale-2", "test", "was queued", JobState.QUEUED, 0, "Queued", null, t, null, null));
        Path home = workspace.home();
        try {
            // a crash left a half-written output: the next start removes it and the interrupted job says so
            Files.write(Files.createDirectories(home.resolve("corpora")).resolve("clean-1" + Workspace.UNFINISHED), new byte[1 << 20]);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        new JobRunner(repository, new Workspace(home.toString())).markInterrupted(); // what the next start does
        JobRecord running = repository.findById("stale-1").orElseThrow();
        assertThat(running.state()).isEqualTo(JobState.INTERRUPTED);
        assertThat(running.message()).isEqualTo("Interrupted: the server stopped while this job was running; "
                + "removed 1 half-written file (1.0 MB) at startup");
        assertThat(running.progress()).isEqualTo(0.4);
        assertThat(repository.findById("stale-2").orElseThrow().state()).isEqualTo(JobState.INTERRUPTED);
    }

    @io.micronaut.serde.annotation.Serdeable
    record Echo(String text, int times) {
    }

    @Test
    void anInterruptedOrFailedJobRunsAgainFromItsStoredRequest() throws Exception {
        List<Echo> started = new CopyOnWriteArrayList<>();
        java.util.function.Function<Echo, JobRecord> start = e -> {
            if (e.times() < 1) {
                throw new BadInputException("times must be at least 1");
            }
            started.add(e);
            return runner.submit("echo", "Echo " + e.text(), "echo", "echo", e, ctx -> e.text().repeat(e.times()));
        };
        runner.rerunnable("echo", Echo.class, start);
        // a job the server was running when it stopped: its record and request are in H2, the next start marks it
        Instant t = Instant.now();
        repository.save(new JobRecord("echo-1", "echo", "Echo ab", JobState.RUNNING, 0.5, "halfway", null, t, t, null));
        repository.saveRequest("echo-1", "echo", "{\"text\":\"ab\",\"times\":3}");
        new JobRunner(repository, workspace).markInterrupted();
        JobRecord interrupted = runner.get("echo-1");
        assertThat(interrupted.state()).isEqualTo(JobState.INTERRUPTED);
        assertThat(runner.canRerun(interrupted)).isTrue();
        JobRecord again = runner.rerun("echo-1");
        assertThat(again.id()).isNotEqualTo("echo-1");
        assertThat(runner.await(again.id(), Duration.ofSeconds(10)).result()).isEqualTo("ababab");
        assertThat(started).containsExactly(new Echo("ab", 3));
        assertThat(runner.get("echo-1").state()).isEqualTo(JobState.INTERRUPTED); // the old record stays as history
        // a success is not run again; a job without a stored request says where to start it
        assertThatThrownBy(() -> runner.rerun(again.id())).isInstanceOf(BadInputException.class)
                .hasMessage("Job " + again.id() + " succeeded; its result is kept. Start a new one to run it again.");
        JobRecord plain = runner.submit("test", "no request", "d", ctx -> {
            throw new IllegalStateException("boom");
        });
        runner.await(plain.id(), Duration.ofSeconds(10));
        assertThat(runner.canRerun(runner.get(plain.id()))).isFalse();
        assertThatThrownBy(() -> runner.rerun(plain.id())).isInstanceOf(BadInputException.class)
                .hasMessage("Job " + plain.id() + " (test) did not keep its settings, so it cannot be run again from here; start it from its lab.");
        // the stored request is checked like a first start
        repository.save(new JobRecord("echo-2", "echo", "Echo zero", JobState.INTERRUPTED, 0, "Interrupted", null, t, t, t));
        repository.saveRequest("echo-2", "echo", "{\"text\":\"x\",\"times\":0}");
        assertThatThrownBy(() -> runner.rerun("echo-2")).isInstanceOf(BadInputException.class).hasMessage("times must be at least 1");
    }

    @Test
    void unknownJobIsAClearError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> runner.get("nope"))
                .isInstanceOf(BadInputException.class).hasMessage("No job with id 'nope'.");
    }
}
