package org.llmplayground.training;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class TrainerTest {
    static final String QUICK = """
              batch_size: 8
              block_size: 32
              learning_rate: 3.0e-3
              warmup_steps: 5
              max_steps: 40
              eval_interval: 20
              eval_batches: 2
              save_interval: 20
            """;

    @Test
    void lossFallsAndEverythingIsReported(@TempDir Path dir) throws Exception {
        TrainingConfig c = TestRuns.defaultWith(QUICK);
        try (PreparedRun run = TestRuns.prepare(c, dir)) {
            TestRuns.Recorder r = new TestRuns.Recorder();
            Trainer.Outcome o = run.trainer(r, r).run(0, null);
            assertThat(o.failed()).isFalse();
            assertThat(o.lastStep()).isEqualTo(40);
            assertThat(r.steps).hasSize(40);
            double[] loss = r.losses();
            assertThat(loss[0]).isBetween(3.9, 4.5); // ≈ ln 65 = 4.17: uniform over 65 characters
            assertThat(loss[39]).isLessThan(loss[0] - 0.8);
            assertThat(r.evals).extracting(Trainer.EvalMetrics::step).containsExactly(20, 40);
            assertThat(r.evals.get(1).valPerplexity()).isEqualTo(Math.exp(r.evals.get(1).valLoss()));
            assertThat(r.samples).hasSize(1);
            assertThat(r.samples.get(0).text().codePointCount(0, r.samples.get(0).text().length())).isEqualTo(200);
            assertThat(r.checkpoints).extracting(Checkpoints.Saved::step).containsExactly(20, 40);
            assertThat(Files.list(run.checkpoints().dir()).map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("step-0000020", "step-0000040");
        }
    }
}
