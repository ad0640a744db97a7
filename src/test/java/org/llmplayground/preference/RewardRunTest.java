package org.llmplayground.preference;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.support.TestApp;
import org.llmplayground.training.Checkpoints;
import org.llmplayground.training.TrainingChecks;
import org.llmplayground.training.TrainingQueries;
import org.llmplayground.training.TrainingRun;
import org.llmplayground.training.TrainingService;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A reward-model run is a training run: configs/reward-demo.yaml runs as a job, its checkpoints hold the scalar head
 * next to the network, a resumed run continues from them (the head restored, so its rewards go on from where they
 * were), and bad settings are refused before it starts.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RewardRunTest implements TestPropertyProvider {
    @Inject
    TrainingService service;
    @Inject
    TrainingChecks checks;
    @Inject
    TrainingQueries queries;
    @Inject
    RewardScores scores;

    @Override
    public Map<String, String> getProperties() {
        return TestApp.freshWorkspace("reward-runs");
    }

    static String shortDemo(int steps) throws Exception {
        return org.llmplayground.training.TestRuns.shortened("configs/reward-demo.yaml", steps, 2);
    }

    @Test
    void theHeadIsCheckpointedAndRestoredOnResume() throws Exception {
        TrainingRun run = org.llmplayground.training.TestRuns.await(queries, service.start(checks.resolve(null, shortDemo(20), "rm")).id(),
                r -> !r.state().isActive());
        assertThat(run.state()).as(run.message()).isEqualTo(TrainingRun.State.FINISHED);
        List<Checkpoints.Saved> saved = queries.checkpoints(run.id());
        var weights = Checkpoints.readModel(Path.of(saved.get(saved.size() - 1).path()));
        assertThat(weights.get("reward_head.weight").shape()).containsExactly(1, 128);
        assertThat(weights.get("reward_head.bias").shape()).containsExactly(1);
        // each sampling step: the rewards of three held-out pairs
        assertThat(queries.history(run.id(), 100).samples().get(0).text().lines().toList()).hasSize(3)
                .allMatch(l -> l.matches(".*: r\\(chosen\\) -?[0-9.]+, r\\(rejected\\) -?[0-9.]+ [✓✗]"));
        double before = scores.score(run.id(), "Reverse the word: doubt", "tbuod").reward();
        // resumed from step 20 to 20 more steps: a head at random would score the same text far off; this one continues
        TrainingRun more = org.llmplayground.training.TestRuns.await(queries, service.resumeFrom(run.id(), 20, 21).id(), r -> !r.state().isActive());
        assertThat(more.state()).as(more.message()).isEqualTo(TrainingRun.State.FINISHED);
        RewardScores.Score after = scores.score(more.id(), "Reverse the word: doubt", "tbuod");
        assertThat(after.step()).isEqualTo(21);
        assertThat(after.reward()).isCloseTo(before, org.assertj.core.data.Offset.offset(0.5));
    }

    /**
     * Scoring reads texts exactly as training does: on the 200 validation pairs (25 evaluation batches of 8, each pair
     * once) the share ranked right by the scoring path equals the training loop's own evaluation.
     */
    @Test
    void scoringRanksTheValidationPairsAsTheTrainingEvaluationDid() throws Exception {
        String yaml = shortDemo(10).replace("batch_size: 16", "batch_size: 8").replace("eval_batches: 4", "eval_batches: 25");
        TrainingRun run = org.llmplayground.training.TestRuns.await(queries, service.start(checks.resolve(null, yaml, "rm-val")).id(),
                r -> !r.state().isActive());
        assertThat(run.state()).as(run.message()).isEqualTo(TrainingRun.State.FINISHED);
        var evals = queries.history(run.id(), 100).evals();
        double trained = evals.get(evals.size() - 1).valAccuracy();
        RewardScores.Check check = scores.check(run.id(), null, "val", 5);
        assertThat(check.pairs()).isEqualTo(200);
        assertThat(check.accuracy()).isEqualTo(trained);
        assertThat(trained).isGreaterThan(0.5);
    }

    @Test
    void badRewardSettingsAreRefused() throws Exception {
        assertThatThrownBy(() -> service.start(checks.resolve(null, shortDemo(5).replace("margin: 0.0", "margin: -1"), "m")))
                .hasMessageContaining("reward.margin must be between 0 and 100 (got -1.0); 0 is plain Bradley–Terry.");
        assertThatThrownBy(() -> service.start(checks.resolve(null, shortDemo(5).replace("method: lora", "method: qlora"), "q")))
                .hasMessageContaining("reward trains the head with LoRA adapters or all weights; set finetune.method to lora or full (got qlora).");
        assertThatThrownBy(() -> service.start(checks.resolve(null, shortDemo(5) + "dpo:\n  beta: 0.1\n", "both")))
                .hasMessageContaining("A config trains either a reward model (reward) or a policy (dpo), not both: remove one section.");
        assertThatThrownBy(() -> scores.score("nope", "a", "b")).hasMessageContaining("nope");
    }
}
