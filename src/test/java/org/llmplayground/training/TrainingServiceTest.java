package org.llmplayground.training;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Workspace;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.corpus.CorpusStore;
import org.llmplayground.model.MemoryBudget;
import org.llmplayground.model.ModelService;
import org.llmplayground.support.TestApp;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The training service in the running app: runs as jobs, H2 records, queueing, pause/resume/stop, restarts. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainingServiceTest implements TestPropertyProvider {
    /** 40 steps of a 2-layer model: about 2 seconds. */
    static final String SHORT = """
            name: short
            seed: 3
            model: {num_layers: 2, hidden_size: 32, num_heads: 2, context_length: 32, dropout: 0.1}
            training: {batch_size: 8, block_size: 32, learning_rate: 0.003, warmup_steps: 5, max_steps: 40, eval_interval: 10,
                       eval_batches: 2, save_interval: 10, keep_best: 10}
            sampling: {interval: 20, length: 30}
            """;

    @Inject
    TrainingService service;
    @Inject
    TrainingQueries queries;
    @Inject
    TrainingChecks checks;
    @Inject
    TrainingConfigs configs;
    @Inject
    TrainingStore store;
    @Inject
    TrainingData data;
    @Inject
    JobRunner jobs;
    @Inject
    ModelService models;
    @Inject
    MemoryBudget budget;
    @Inject
    CorpusStore corpora;
    @Inject
    Workspace workspace;

    @Override
    public Map<String, String> getProperties() {
        return TestApp.freshWorkspace("training-service");
    }

    private TrainingRun startShort(String name) {
        return service.start(checks.resolve(null, SHORT, name));
    }

    private TrainingRun await(String id, Predicate<TrainingRun> condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        TrainingRun r = queries.run(id);
        while (!condition.test(r) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            r = queries.run(id);
        }
        assertThat(condition.test(r)).as("run %s: %s %s", r.name(), r.state(), r.message()).isTrue();
        return r;
    }

    private TrainingRun awaitDone(String id) throws InterruptedException {
        return await(id, r -> !r.state().isActive());
    }

    private static double[] losses(List<Trainer.StepMetrics> m) {
        return m.stream().mapToDouble(Trainer.StepMetrics::loss).toArray();
    }

    @Test
    void aRunWhoseCheckpointFailedSaysSoUntilOneIsWrittenAgain() throws Exception {
        TrainingRun started = await(startShort("checkpoint failure").id(), r -> !r.state().isActive());
        {
            // a live record of the run (no other writer now), as the trainer reports to it: a failed write at step 20,
            // then a good one at 40
            LiveRun l = new LiveRun(store.get(started.id()), store, jobs, () -> { });
            l.checkpointFailed(20, "The checkpoint at step 20 could not be written (No space left on device); "
                    + "no earlier checkpoint exists. Training goes on.");
            assertThat(store.get(started.id()).message()).startsWith("The checkpoint at step 20 could not be written");
            l.checkpointed(new Checkpoints.Saved(40, "/tmp/none", null));
            assertThat(store.get(started.id()).message())
                    .isEqualTo("Training; the checkpoint at step 40 was written (the one at step 20 had failed)");
        }
    }

    @Test
    void aRunIsRecordedWithEverythingNeededToRepeatIt() throws Exception {
        TrainingRun started = startShort("recorded");
        assertThat(started.state()).isIn(TrainingRun.State.QUEUED, TrainingRun.State.RUNNING);
        TrainingRun done = awaitDone(started.id());
        assertThat(done.state()).as(done.message()).isEqualTo(TrainingRun.State.FINISHED);
        assertThat(done.message()).isEqualTo("Reached max_steps (40)");
        assertThat(done.step()).isEqualTo(40);
        assertThat(done.seed()).isEqualTo(3);
        assertThat(done.dataHash()).isEqualTo(TrainingData.sha256(corpora.read("tinyshakespeare")));
        assertThat(done.vocabSize()).isEqualTo(65);
        assertThat(TrainingConfigs.parse(done.configYaml()).withDefaults()).isEqualTo(checks.resolve(null, SHORT, "recorded").withDefaults());
        List<Trainer.StepMetrics> metrics = queries.metrics(done.id(), 0, 1000);
        assertThat(metrics).extracting(Trainer.StepMetrics::step).containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 40).boxed().toList());
        assertThat(metrics).allSatisfy(m -> assertThat(m.memoryMb()).isPositive());
        TrainingQueries.History h = queries.history(done.id(), 0);
        assertThat(h.evals()).extracting(Trainer.EvalMetrics::step).containsExactly(10, 20, 30, 40);
        assertThat(h.samples()).extracting(Trainer.Sample::step).containsExactly(20, 40);
        assertThat(done.bestValLoss()).isEqualTo(h.evals().stream().mapToDouble(Trainer.EvalMetrics::valLoss).min().orElseThrow());
        assertThat(queries.checkpoints(done.id())).extracting(Checkpoints.Saved::step).containsExactly(10, 20, 30, 40);
        assertThat(queries.status(done.id()).progress()).isEqualTo(1.0);
        assertThat(queries.history(done.id(), 10).steps()).hasSizeLessThanOrEqualTo(11).last()
                .extracting(Trainer.StepMetrics::step).isEqualTo(40);
        // the same config again: the same losses, from the cached dataset
        TrainingRun again = awaitDone(startShort("again").id());
        assertThat(losses(queries.metrics(again.id(), 0, 1000))).containsExactly(losses(metrics));
        assertThat(Files.list(workspace.dir("cache").resolve("datasets")).map(p -> p.getFileName().toString()))
                .containsOnlyOnce(done.dataHash().substring(0, 16) + "-char");
        assertThat(data.prepare("tinyshakespeare", "char").cached()).isTrue();
    }

    @Test
    void aSecondRunQueuesBehindTheFirstAndPauseResumeStopWork() throws Exception {
        TrainingRun straight = awaitDone(startShort("straight").id());
        TrainingRun first = service.start(checks.resolve(null, SHORT.replace("max_steps: 40", "max_steps: 100000"), "long"));
        TrainingRun second = startShort("queued");
        await(first.id(), r -> r.state() == TrainingRun.State.RUNNING && r.step() > 0 || queries.status(r.id()).latest() != null);
        assertThat(queries.run(second.id()).state()).isEqualTo(TrainingRun.State.QUEUED);
        assertThat(queries.run(second.id()).message()).isEqualTo("Queued behind 1 training run");

        service.pause(first.id());
        TrainingRun paused = await(first.id(), r -> r.state() == TrainingRun.State.PAUSED);
        assertThat(paused.message()).startsWith("Paused at step ");
        int pausedAt = queries.status(first.id()).latest().step();
        Thread.sleep(300);
        assertThat(queries.status(first.id()).latest().step()).isEqualTo(pausedAt); // no steps while paused
        assertThatThrownBy(() -> service.pause(first.id())).hasMessage("Only a running run can be paused; 'long' is paused.");

        service.resume(first.id());
        await(first.id(), r -> r.state() == TrainingRun.State.RUNNING && queries.status(r.id()).latest().step() > pausedAt);
        service.stop(first.id());
        TrainingRun stopped = awaitDone(first.id());
        assertThat(stopped.state()).isEqualTo(TrainingRun.State.STOPPED);
        assertThat(stopped.message()).startsWith("Stopped at step ").endsWith("; resume continues from its checkpoint");
        int stopStep = stopped.step();
        assertThat(queries.checkpoints(first.id())).extracting(Checkpoints.Saved::step).contains(stopStep); // saved on stop

        // the queued run went next, then stop → resume of a queued one is refused
        TrainingRun queuedDone = awaitDone(second.id());
        assertThat(queuedDone.state()).isEqualTo(TrainingRun.State.FINISHED);
        assertThat(losses(queries.metrics(queuedDone.id(), 0, 1000))).containsExactly(losses(queries.metrics(straight.id(), 0, 1000)));
        assertThatThrownBy(() -> service.resume(straight.id())).hasMessageContaining("finished");
        assertThatThrownBy(() -> service.stop(straight.id())).hasMessage("'straight' is not running (it is finished).");
    }

    /**
     * A server restart in the middle of a run: the run row says RUNNING at step 25 and its newest checkpoint is step
     * 20. A new service (as after a restart) shows it as interrupted, and resuming it recomputes steps 21 to 40
     * exactly as the uninterrupted run did.
     */
    @Test
    void aRunInterruptedByARestartIsShownAndResumesFromItsLastCheckpoint() throws Exception {
        TrainingRun straight = awaitDone(startShort("uninterrupted").id());
        String id = java.util.UUID.randomUUID().toString();
        Path source = workspace.dir("runs").resolve(straight.id()).resolve("checkpoints").resolve("step-0000020");
        Path target = workspace.dir("runs").resolve(id).resolve("checkpoints").resolve("step-0000020");
        Files.createDirectories(target);
        for (String f : List.of("model.safetensors", "optimizer.safetensors", "checkpoint.json")) {
            Files.copy(source.resolve(f), target.resolve(f));
        }
        TrainingRun crashed = new TrainingRun(id, "crashed", null, straight.configYaml(), straight.seed(), straight.corpus(),
                straight.tokenizer(), straight.dataHash(), straight.vocabSize(), straight.parameters(), straight.device(),
                TrainingRun.State.RUNNING, "Training", 25, 40, null, null, null, java.time.Instant.now(), java.time.Instant.now(), null);
        store.insert(crashed);
        store.addMetrics(id, queries.metrics(straight.id(), 0, 25)); // what it had recorded before the crash

        // a new process: its own live runs, recovered from H2
        LiveRuns live = new LiveRuns(store, jobs, workspace);
        TrainingQueries afterRestartQueries = new TrainingQueries(store, live, models);
        TrainingChecks afterRestartChecks = new TrainingChecks(configs, data, corpora, models, store, afterRestartQueries, workspace);
        TrainingService afterRestart = new TrainingService(afterRestartChecks, afterRestartQueries, store, jobs, models, budget, live,
                new RunExecution(data, store, models, live, java.util.List.of()));
        TrainingRun shown = afterRestartQueries.run(id);
        assertThat(shown.state()).isEqualTo(TrainingRun.State.INTERRUPTED);
        assertThat(shown.message()).isEqualTo("The server stopped while this run was running at step 25. "
                + "Resume continues from the checkpoint at step 20.");
        afterRestart.resume(id);
        TrainingRun resumed = awaitDoneOn(afterRestartQueries, id);
        assertThat(resumed.state()).as(resumed.message()).isEqualTo(TrainingRun.State.FINISHED);
        assertThat(losses(afterRestartQueries.metrics(id, 0, 1000))).containsExactly(losses(queries.metrics(straight.id(), 0, 1000)));
        assertThat(afterRestartQueries.history(id, 0).evals()).containsExactlyElementsOf(queries.history(straight.id(), 0).evals().subList(2, 4));
    }

    private static TrainingRun awaitDoneOn(TrainingQueries s, String id) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        TrainingRun r = s.run(id);
        while (r.state().isActive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            r = s.run(id);
        }
        return r;
    }

    @Test
    void resumeFromHereStartsANewRunFromACheckpointAndCheckpointsOpenAsModels() throws Exception {
        TrainingRun done = awaitDone(startShort("parent").id());
        TrainingRun child = service.resumeFrom(done.id(), 20, 60);
        assertThat(child.parentRun()).isEqualTo(done.id());
        assertThat(child.parentStep()).isEqualTo(20);
        assertThat(child.name()).isEqualTo("parent from step 20");
        TrainingRun childDone = awaitDone(child.id());
        assertThat(childDone.state()).as(childDone.message()).isEqualTo(TrainingRun.State.FINISHED);
        assertThat(childDone.step()).isEqualTo(60);
        assertThat(queries.metrics(child.id(), 0, 1000)).first().extracting(Trainer.StepMetrics::step).isEqualTo(21);
        assertThatThrownBy(() -> service.resumeFrom(done.id(), 15, null))
                .hasMessage("Run '" + done.id() + "' has no checkpoint at step 15. It has: [10, 20, 30, 40].");

        var info = queries.openAsModel(done.id(), 40);
        assertThat(info.id()).isEqualTo("run-" + done.id().substring(0, 8) + "-40");
        assertThat(info.name()).isEqualTo("parent @ step 40");
        assertThat(models.get(info.id()).codec().encode("To be")).hasSize(5); // reads characters, as trained
    }

    @Test
    void aBpeTokenizerFromTheTokenizerLabWorksToo() throws Exception {
        TrainingRun run = awaitDone(service.start(checks.resolve(null, SHORT.replace("max_steps: 40", "max_steps: 6")
                + "data: {tokenizer: gpt2}\n", "bpe")).id());
        assertThat(run.state()).as(run.message()).isEqualTo(TrainingRun.State.FINISHED);
        assertThat(run.vocabSize()).isEqualTo(50257);
        double first = queries.metrics(run.id(), 0, 1).get(0).loss();
        assertThat(first).isCloseTo(Math.log(50257), org.assertj.core.api.Assertions.within(0.3)); // ≈ uniform over 50,257 tokens
        TrainingData.Prepared p = data.prepare("tinyshakespeare", "gpt2");
        assertThat(p.tokenCount()).isEqualTo(338_025); // GPT-2 tokens of Tiny Shakespeare (as in the Tokenizer lab)
        assertThat(p.tokens().getFileName().toString()).isEqualTo("tokens.u16");
        assertThat(queries.history(run.id(), 0).samples().get(0).text()).isNotEmpty(); // decoded through GPT-2's tokenizer
    }

    @Test
    void badInputIsRefusedWithTheFieldNamed() throws Exception {
        assertThatThrownBy(() -> service.start(checks.resolve(null, SHORT.replace("learning_rate: 0.003", "learning_rate: 0"), null)))
                .hasMessageStartingWith("Invalid training config: training.learning_rate must be greater than 0");
        assertThatThrownBy(() -> service.start(checks.resolve(null, SHORT.replace("batch_size: 8", "batch_size: 0"), null)))
                .hasMessageContaining("training.batch_size must be between 1 and 65,536 (got 0).");
        assertThatThrownBy(() -> service.start(checks.resolve(null, SHORT.replace("block_size: 32", "block_size: 64"), null)))
                .hasMessageContaining("training.block_size (64) is larger than the model's context (model.context_length = 32).");
        assertThatThrownBy(() -> service.start(checks.resolve(null, SHORT.replace("training: {", "training: {precision: bf16, "), null)))
                .hasMessage("training.precision bf16 needs a CUDA GPU; this machine trains on the CPU, where DJL's PyTorch engine "
                        + "crashes on bf16 matrix products. Use precision: fp32.");
        assertThatThrownBy(() -> service.start(checks.resolve(null, SHORT + "data: {corpus: nothing}\n", null)))
                .isInstanceOf(BadInputException.class).hasMessageStartingWith("data.corpus 'nothing' does not exist. Known: tinyshakespeare");
        assertThatThrownBy(() -> checks.resolve(null, "training: {learning_rat: 1}", null))
                .hasMessageStartingWith("Unknown key 'learning_rat' in training.");
        assertThatThrownBy(() -> checks.resolve("nope", null, null)).hasMessageStartingWith("No config named 'nope'.");

        // a corpus smaller than two blocks: the run fails with the reason, and nothing else is lost
        var tiny = corpora.upload("tiny.txt", new ByteArrayInputStream("To be or not".getBytes(StandardCharsets.UTF_8)));
        TrainingRun failed = awaitDone(service.start(checks.resolve(null, SHORT + "data: {corpus: " + tiny.id() + "}\n", "tiny")).id());
        assertThat(failed.state()).isEqualTo(TrainingRun.State.FAILED);
        assertThat(failed.message()).isEqualTo("The corpus has 12 tokens; training needs at least 2 × (block_size + 1) = 66 "
                + "(one block for training and one for validation). Use a larger corpus or a smaller block_size.");
    }

    @Test
    void aValidationCorpusReplacesTheHeldOutPart() throws Exception {
        String text = java.nio.file.Files.readString(java.nio.file.Path.of("data/tinyshakespeare/input.txt"));
        var train = corpora.upload("plays-train.txt", new ByteArrayInputStream(text.substring(0, 900_000).getBytes(StandardCharsets.UTF_8)));
        var val = corpora.upload("plays-val.txt", new ByteArrayInputStream(text.substring(900_000).getBytes(StandardCharsets.UTF_8)));
        String yaml = SHORT.replace("max_steps: 40", "max_steps: 10") + "data: {tokenizer: gpt2, corpus: " + train.id() + ", val_corpus: " + val.id() + "}\n";
        TrainingRun run = awaitDone(service.start(checks.resolve(null, yaml, "with-val")).id());
        assertThat(run.state()).as(run.message()).isEqualTo(TrainingRun.State.FINISHED);
        assertThat(queries.history(run.id(), 0).evals()).isNotEmpty();
        // the run's data is the pair of texts
        assertThat(run.dataHash()).isNotEqualTo(data.prepare(train.id(), "gpt2").dataHash()).hasSize(64);
        assertThat(TrainingConfigs.parse(run.configYaml()).data().valCorpus()).isEqualTo(val.id());

        assertThatThrownBy(() -> service.start(checks.resolve(null, SHORT + "data: {val_corpus: " + val.id() + "}\n", null)))
                .hasMessageContaining("data.val_corpus needs a Tokenizer lab tokenizer such as gpt2");
        assertThatThrownBy(() -> service.start(checks.resolve(null, SHORT + "data: {tokenizer: gpt2, val_corpus: nope}\n", null)))
                .hasMessageStartingWith("data.val_corpus 'nope' does not exist.");
    }

    @Test
    void runNamesAreUniqueAndANameFromTheConfigIsMadeFree() throws Exception {
        TrainingRun first = awaitDone(startShort("unique").id());
        assertThatThrownBy(() -> startShort("unique")).isInstanceOf(BadInputException.class)
                .hasMessage("A run named 'unique' exists already; choose another name (e.g. 'unique 2') or delete the old run.");
        assertThat(checks.freeName("unique")).isEqualTo("unique 2");
        // without a name the config's own is used, made free
        String name = checks.resolve(null, SHORT.replace("name: short", "name: unique"), null).name();
        assertThat(name).isEqualTo("unique 2");
        assertThat(queries.runs()).extracting(TrainingRun::name).containsOnlyOnce("unique");
        assertThat(first.state()).isEqualTo(TrainingRun.State.FINISHED);
    }

    /**
     * One event path: a run's steps, evaluations and state changes reach a subscriber as payloads of its job's events,
     * ending with the final record; a queued run that is stopped says so to its listeners and cannot be "resumed".
     */
    @Test
    void listenersHearTheRunThroughItsJobAndAStoppedQueuedRunIsNotResumable() throws Exception {
        TrainingRun blocker = service.start(checks.resolve(null, SHORT.replace("max_steps: 40", "max_steps: 100000"), "blocker"));
        TrainingRun queued = startShort("waiting");
        List<TrainingEvent> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (var sub = service.subscribe(queued.id(), heard::add)) {
            assertThat(heard.get(0).type()).isEqualTo("run");
            assertThat(heard.get(0).run().state()).isEqualTo(TrainingRun.State.QUEUED);
            service.stop(queued.id());
            assertThat(heard.get(heard.size() - 1).run().state()).isEqualTo(TrainingRun.State.STOPPED);
        }
        TrainingRun stopped = queries.run(queued.id());
        assertThat(stopped.message()).isEqualTo("Stopped before it started");
        assertThat(service.resumable(stopped)).isFalse();
        assertThatThrownBy(() -> service.resume(queued.id())).hasMessage("'waiting' never trained a step, so there is nothing to "
                + "resume; start a new run with its settings instead.");
        assertThat(jobs.get(stopped.jobId()).state()).isEqualTo(org.llmplayground.core.jobs.JobState.CANCELLED);

        List<TrainingEvent> live = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (var sub = service.subscribe(blocker.id(), live::add)) {
            await(blocker.id(), r -> live.stream().filter(e -> e.type().equals("step")).count() >= 3);
            service.stop(blocker.id());
            TrainingRun done = awaitDone(blocker.id());
            await(blocker.id(), r -> live.stream().anyMatch(e -> e.type().equals("run") && e.run().state() == TrainingRun.State.STOPPED));
            assertThat(done.state()).isEqualTo(TrainingRun.State.STOPPED);
            assertThat(service.resumable(done)).isTrue();
            // the job's progress counts steps: the JobProgress line shows "n of 100,000 steps"
            assertThat(jobs.get(done.jobId()).total()).isEqualTo(100_000);
            assertThat(jobs.get(done.jobId()).done()).isPositive();
        }
    }
}
