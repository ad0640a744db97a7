package org.llmplayground.preference;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.core.Workspace;
import org.llmplayground.finetune.FineTuneRuns;
import org.llmplayground.finetune.PeftAdapters;
import org.llmplayground.support.TestApp;
import org.llmplayground.training.Trainer;
import org.llmplayground.training.TrainingChecks;
import org.llmplayground.training.TrainingQueries;
import org.llmplayground.training.TrainingRun;
import org.llmplayground.training.TrainingService;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A DPO run is a training run like the others: configs/dpo-demo.yaml (the SFT demo model, the preference demo) runs
 * as a job, evaluates its DPO loss and the share of held-out pairs ranked right, samples answers, checkpoints, resumes,
 * and leaves its adapters in PEFT's layout; bad settings are refused before it starts.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DpoRunTest implements TestPropertyProvider {
    @Inject
    TrainingService service;
    @Inject
    TrainingChecks checks;
    @Inject
    TrainingQueries queries;
    @Inject
    Workspace workspace;
    @Inject
    DpoRuns dpoRuns;

    @Override
    public Map<String, String> getProperties() {
        return TestApp.freshWorkspace("dpo-runs");
    }

    static String shortDemo(int steps) throws Exception {
        return org.llmplayground.training.TestRuns.shortened("configs/dpo-demo.yaml", steps, 2);
    }

    TrainingRun await(String id, Predicate<TrainingRun> done) throws InterruptedException {
        return org.llmplayground.training.TestRuns.await(queries, id, done);
    }

    @Test
    void aDpoRunOnTheSftDemoModelTrainsEvaluatesAndResumes() throws Exception {
        // plain DPO (no RPO term), so the loss starts at log 2
        TrainingRun run = await(service.start(checks.resolve(null, shortDemo(20).replace("rpo_alpha: 1.0", "rpo_alpha: 0.0"), "dpo demo")).id(),
                r -> !r.state().isActive());
        assertThat(run.state()).as(run.message()).isEqualTo(TrainingRun.State.FINISHED);
        var history = queries.history(run.id(), 1000);
        assertThat(history.evals()).extracting(Trainer.EvalMetrics::step).contains(10, 20);
        // at step 0 policy = reference: every reward is 0 and the DPO loss is log 2; after 20 steps it is below
        assertThat(history.evals().get(history.evals().size() - 1).valLoss()).isLessThan(Math.log(2));
        String[] sample = history.samples().get(0).text().split("\n");
        assertThat(sample).hasSize(FineTuneRuns.SAMPLE_PROMPTS + 1); // the answers, then the KL estimate
        assertThat(sample[FineTuneRuns.SAMPLE_PROMPTS]).matches("KL\\(π ‖ π_ref\\) ≈ [0-9.]+ nats per answer.*");
        assertThat(DpoRuns.klLine(33.46)).isEqualTo("KL(π ‖ π_ref) ≈ 33.460 nats per answer ⚠ above 5: the policy is running away "
                + "from its reference; lower the learning rate or raise β");
        Path adapter = workspace.dir("runs").resolve(run.id()).resolve(FineTuneRuns.ADAPTER_DIR);
        assertThat(Files.readString(adapter.resolve(PeftAdapters.CONFIG))).contains("\"r\" : 8");
        assertThat(Files.readString(adapter.resolve(FineTuneRuns.ABOUT))).contains("\"objective\" : \"dpo\"", "\"sft_adapter\" : \"sft-demo-lora\"");
        TrainingRun more = await(service.resumeFrom(run.id(), 10, 30).id(), r -> !r.state().isActive());
        assertThat(more.state()).as(more.message()).isEqualTo(TrainingRun.State.FINISHED);
        assertThat(more.step()).isEqualTo(30);
    }

    /** A frozen copy as the reference gives the numbers of the adapters switched off (for a LoRA policy they are one model). */
    @Test
    void aFrozenCopyReferenceMatchesTheAdaptersOff() throws Exception {
        String yaml = shortDemo(10);
        TrainingRun off = await(service.start(checks.resolve(null, yaml, "ref off")).id(), r -> !r.state().isActive());
        TrainingRun copy = await(service.start(checks.resolve(null, yaml.replace("rpo_alpha: 1.0", "rpo_alpha: 1.0\n  reference: copy"),
                "ref copy")).id(), r -> !r.state().isActive());
        assertThat(copy.state()).as(copy.message()).isEqualTo(TrainingRun.State.FINISHED);
        var a = queries.measures(off.id(), 0, 100);
        var b = queries.measures(copy.id(), 0, 100);
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
            for (String k : List.of("rewards/chosen", "rewards/rejected", "logps/chosen")) {
                assertThat(b.get(i).values().get(k)).as(k + " at step " + a.get(i).step()).isCloseTo(a.get(i).values().get(k),
                        org.assertj.core.data.Offset.offset(1e-4));
            }
        }
        assertThat(queries.history(copy.id(), 10).evals().get(0).valLoss())
                .isCloseTo(queries.history(off.id(), 10).evals().get(0).valLoss(), org.assertj.core.data.Offset.offset(1e-5));
        assertThatThrownBy(() -> service.start(checks.resolve(null, yaml.replace("rpo_alpha: 1.0", "rpo_alpha: 1.0\n  reference: twin"), "x")))
                .hasMessageContaining("dpo.reference must be adapters-off (the same network, adapters switched off) or copy (a frozen copy) (got 'twin').");
    }

    @Test
    void badDpoSettingsAreRefusedBeforeTheRunStarts() throws Exception {
        assertThatThrownBy(() -> service.start(checks.resolve(null, shortDemo(5).replace("beta: 0.1", "beta: 0"), "beta 0")))
                .hasMessageContaining("dpo.beta must be above 0 and at most 100 (got 0.0); 0.1 is usual.");
        assertThatThrownBy(() -> service.start(checks.resolve(null, shortDemo(5).replace("loss: sigmoid", "loss: kto"), "kto")))
                .hasMessageContaining("dpo.loss must be sigmoid, hinge or ipo (got 'kto').");
        assertThatThrownBy(() -> service.start(checks.resolve(null, shortDemo(5).replace("method: lora", "method: full"), "full")))
                .hasMessageContaining("dpo trains LoRA adapters: the reference is the same model with them switched off; "
                        + "set finetune.method to lora (got full).");
        // an SFT adapter of another base: its vocabulary is not the run's (LoRA leaves the embeddings alone, so shapes alone would pass)
        assertThatThrownBy(() -> dpoRuns.mergeSft(DpoRuns.BUNDLED_SFT, "stories260k", null))
                .hasMessage("The SFT adapter 'sft-demo-lora' was trained on 'shakespeare-char', but this run starts from 'stories260k': the "
                        + "reference, the SFT model and the policy must be one network with one vocabulary. Choose an adapter trained on "
                        + "'stories260k', or set training.init_from to 'shakespeare-char'.");
        TrainingRun missing = await(service.start(checks.resolve(null, shortDemo(5).replace("dataset: preference-demo-onpolicy", "dataset: nope.jsonl"),
                "missing")).id(), r -> !r.state().isActive());
        assertThat(missing.state()).isEqualTo(TrainingRun.State.FAILED);
        assertThat(missing.message()).isEqualTo("No preference set 'nope.jsonl': use preference-demo, dpo_en_demo or a file of the datasets folder.");
    }
}
