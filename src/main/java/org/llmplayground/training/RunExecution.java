package org.llmplayground.training;

import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.jobs.JobContext;
import org.llmplayground.model.ModelService;
import org.llmplayground.model.ParameterCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * The body of a training job: tokenize (or find the cached tokens), build or restore the network, train until
 * max_steps, a stop or a failure, and record how it ended. The config arrives parsed: the run's YAML is read once,
 * when the run is started or resumed.
 */
@Singleton
class RunExecution {
    private static final Logger LOG = LoggerFactory.getLogger(RunExecution.class);
    private final TrainingData data;
    private final TrainingStore store;
    private final ModelService models;
    private final LiveRuns live;
    private final java.util.List<RunPlugin> plugins;

    RunExecution(TrainingData data, TrainingStore store, ModelService models, LiveRuns live, java.util.List<RunPlugin> plugins) {
        this.plugins = plugins;
        this.data = data;
        this.store = store;
        this.models = models;
        this.live = live;
    }

    /** Runs {@code l}'s run as job {@code ctx}; {@code restoreFrom} continues a checkpoint, {@code initWeights} seeds the weights. */
    String execute(JobContext ctx, LiveRun l, TrainingConfig config, @Nullable Path restoreFrom, @Nullable Path initWeights) {
        synchronized (l) { // the submitter writes the run's job id first
            l.ctx = ctx;
        }
        try {
            if (l.stop) {
                l.finish(store.get(l.runId).with(TrainingRun.State.STOPPED, "Stopped before it started"));
                return l.runId;
            }
            TrainingRun run = store.get(l.runId);
            l.save(run.with(TrainingRun.State.RUNNING, "Preparing the data"));
            ctx.progress(0, "Tokenizing " + run.corpus() + " with " + run.tokenizer());
            String base = config.training().initFrom();
            // the model the run starts from stays while the run trains: deleting it now is refused, not a surprise
            try (ModelService.Lease lease = base == null || models.models().stream().noneMatch(i -> i.id().equals(base)) ? null
                    : models.use(base, "training run '" + run.name() + "'")) {
                train(ctx, l, config, restoreFrom, initWeights);
            }
        } catch (BadInputException e) {
            l.flush();
            l.finish(store.get(l.runId).with(TrainingRun.State.FAILED, e.getMessage()));
        } catch (Exception | Error e) {
            LOG.error("Training run {} failed", l.runId, e);
            l.flush();
            l.finish(store.get(l.runId).with(TrainingRun.State.FAILED, "Failed: " + e));
        }
        return l.runId;
    }

    private void train(JobContext ctx, LiveRun l, TrainingConfig config, @Nullable Path restoreFrom, @Nullable Path initWeights)
            throws Exception {
        TrainingRun run = l.run;
        TrainingData.Prepared prepared = data.prepare(run.corpus(), run.tokenizer());
        String valCorpus = config.data().valCorpus();
        TrainingData.Prepared val = valCorpus == null ? null : data.prepare(valCorpus, run.tokenizer());
        // the run's data is both texts: the hash names the pair
        String dataHash = val == null ? prepared.dataHash() : TrainingData.sha256(prepared.dataHash() + "+" + val.dataHash());
        try (PreparedRun pr = PreparedRun.create(config, prepared.tokenizer(), prepared.tokens(), val == null ? null : val.tokens(), dataHash,
                run.id(), live.runsDir().resolve(run.id()), models.device())) {
            RunPlugin plugin = plugins.stream().filter(p -> p.handles(config)).findFirst().orElse(null);
            if (config.finetune() != null && plugin == null) {
                throw new BadInputException("This app has no fine-tuning engine to run the config's finetune section.");
            }
            RunPlugin.Session session = null;
            if (plugin != null) { // the base weights, then the plugin's changes, then the checkpoint on top of both
                if (initWeights != null) {
                    pr.load(Checkpoints.readWeights(initWeights));
                }
                session = plugin.prepare(config, pr, ctx);
                if (restoreFrom != null) {
                    pr.restore(restoreFrom);
                }
            } else if (restoreFrom != null) {
                pr.restore(restoreFrom);
            } else if (initWeights != null) {
                pr.load(Checkpoints.readWeights(initWeights));
            }
            store.truncateAfter(run.id(), pr.startStep()); // a resumed run recomputes what came after its checkpoint
            l.step = pr.startStep();
            l.best = pr.bestValLoss();
            ctx.progress(pr.startStep(), config.training().maxSteps(), "Training");
            l.save(l.run.withData(dataHash, prepared.tokenizer().vocabSize(), ParameterCounter.count(pr.modelConfig()).total())
                    .withProgress(pr.startStep(), pr.bestValLoss())
                    .with(TrainingRun.State.RUNNING, pr.startStep() == 0 ? "Training" : "Training from step " + pr.startStep()));
            Trainer trainer = pr.trainer(l, l);
            Trainer.Outcome outcome = (session == null ? trainer : session.apply(trainer)).run(pr.startStep(), pr.bestValLoss());
            l.flush();
            if (session != null && !outcome.failed()) {
                session.ended(pr, live.runsDir().resolve(run.id()));
            }
            TrainingRun last = l.run.withProgress(outcome.lastStep(), outcome.bestValLoss());
            if (outcome.failed()) {
                l.finish(last.with(TrainingRun.State.FAILED, outcome.reason()));
            } else if (l.stop && outcome.lastStep() < config.training().maxSteps() && !outcome.reason().startsWith("Early")) {
                l.finish(last.with(TrainingRun.State.STOPPED, outcome.reason() + "; resume continues from its checkpoint"));
            } else {
                l.finish(last.with(TrainingRun.State.FINISHED, outcome.reason()));
            }
        }
    }
}
