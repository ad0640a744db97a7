package org.llmplayground.preference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.llmplayground.model.nn.NativeArrays;
import org.llmplayground.model.nn.NoGrad;
import org.llmplayground.model.nn.Transformer;
import org.llmplayground.training.Checkpoints;
import org.llmplayground.training.PreparedRun;
import org.llmplayground.training.TestRuns;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The Bradley–Terry loss against the formula by hand, and the reward read at each row's last real token. */
class RewardModelTest {
    @Test
    void bradleyTerryIsMinusLogSigmoidOfTheRewardGap() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray chosen = m.create(new float[]{1.0f, 0.5f});
            NDArray rejected = m.create(new float[]{0.2f, 0.9f});
            // (−log σ(0.8) − log σ(−0.4)) / 2 = (0.371101 + 0.913015) / 2
            assertThat(RewardModel.bradleyTerry(chosen, rejected, 0).getFloat()).isCloseTo(0.6420580f, within(1e-6f));
            // a margin of 0.5 asks for a wider gap: (−log σ(0.3) − log σ(−0.9)) / 2
            assertThat(RewardModel.bradleyTerry(chosen, rejected, 0.5).getFloat()).isCloseTo(0.8977546f, within(1e-6f));
        }
    }

    @Test
    void theRewardIsTheHeadAtTheLastRealTokenWhateverThePadding() throws Exception {
        Path base = Path.of("models/shakespeare-char");
        try (PreparedRun run = TestRuns.prepare(TestRuns.parse(Checkpoints.readMeta(base).configYaml()), Files.createTempDirectory("reward"))) {
            run.load(Checkpoints.readModel(base));
            Transformer network = (Transformer) run.network();
            NDManager manager = network.getParameters().get(0).getValue().getArray().getManager();
            ParameterStore ps = new ParameterStore(manager, false);
            RewardModel reward = new RewardModel(128, 0, manager, 7);
            int[] ids = run.tokenizer().encode("User: Reverse the word: king\nAssistant: gnik");
            int n = ids.length;
            long[] rows = new long[2 * (n + 3)];
            float[] padding = new float[rows.length];
            for (int i = 0; i < n; i++) {
                rows[i] = ids[i];              // row 0: the text, then 3 padding positions
                rows[n + 3 + i] = ids[i];      // row 1: the same text cut one token short
                padding[i] = 1;
                padding[n + 3 + i] = i < n - 1 ? 1 : 0;
            }
            float[] r = NoGrad.run(() -> reward.rewards(network, ps, NativeArrays.longs(manager, rows, new Shape(2, n + 3), manager.getDevice()),
                    NativeArrays.floats(manager, padding, new Shape(2, n + 3), manager.getDevice()), new int[]{n, n - 1}, false).toFloatArray());
            float[] alone = NoGrad.run(() -> {
                NDArray x = NativeArrays.longs(manager, java.util.Arrays.stream(ids).asLongStream().toArray(), new Shape(1, n), manager.getDevice());
                float[] h = network.hiddenStates(ps, x, null, false).toFloatArray();           // (1, n, 128)
                float[] w = reward.parameters().get(0).getValue().getArray().toFloatArray();
                float[] out = new float[2];
                for (int k = 0; k < 2; k++) {
                    int t = n - 1 - k;
                    for (int j = 0; j < 128; j++) {
                        out[k] += w[j] * h[t * 128 + j];
                    }
                }
                return out;
            });
            assertThat(r[0]).isCloseTo(alone[0], within(1e-4f)); // padding after the text changes nothing
            assertThat(r[1]).isCloseTo(alone[1], within(1e-4f)); // and the last real token is the one read
            assertThat(r[0]).isNotCloseTo(r[1], within(1e-4f));
        }
    }
}
