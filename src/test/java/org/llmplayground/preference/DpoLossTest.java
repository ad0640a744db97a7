package org.llmplayground.preference;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.llmplayground.model.nn.Lora;
import org.llmplayground.model.nn.NativeArrays;
import org.llmplayground.model.nn.NoGrad;
import org.llmplayground.model.nn.Transformer;
import org.llmplayground.training.Checkpoints;
import org.llmplayground.training.PreparedRun;
import org.llmplayground.training.TestRuns;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * DPO's loss where policy = reference (B = 0 at the start): every variant's value at z = 0 (sigmoid log 2, hinge 1,
 * IPO 1/(2β)²), and RPO adds exactly α times the chosen answers' NLL per token.
 */
class DpoLossTest {
    @Test
    void atTheStartEachVariantIsItsValueAtZeroAndRpoAddsTheChosenNll() throws Exception {
        Path base = Path.of("models/shakespeare-char");
        try (PreparedRun run = TestRuns.prepare(TestRuns.parse(Checkpoints.readMeta(base).configYaml()), Files.createTempDirectory("dpo-loss"))) {
            run.load(Checkpoints.readModel(base));
            Transformer network = (Transformer) run.network();
            Lora lora = run.attachLora(new Lora.Spec(4, 8, 0, Set.of("qkv"), Set.of())); // B = 0: the policy is the reference
            NDManager manager = network.getParameters().get(0).getValue().getArray().getManager();
            ParameterStore ps = new ParameterStore(manager, false);
            int[] prompt = run.tokenizer().encode("User: Reverse the word: king\nAssistant:");
            int[] good = run.tokenizer().encode(" gnik\n");
            int[] bad = run.tokenizer().encode(" king\n");
            int width = prompt.length + good.length - 1;
            long[] x = new long[2 * width];
            long[] y = new long[2 * width];
            int answerTokens = 0;
            for (int row = 0; row < 2; row++) {
                int[] answer = row == 0 ? good : bad;
                for (int t = 0; t < width; t++) {
                    int id = t < prompt.length ? prompt[t] : answer[t - prompt.length];
                    int next = t + 1 < prompt.length ? prompt[t + 1] : answer[t + 1 - prompt.length];
                    x[row * width + t] = id;
                    y[row * width + t] = t + 1 >= prompt.length ? next : -1;  // targets on the answer tokens only
                    answerTokens += row == 0 && t + 1 >= prompt.length ? 1 : 0;
                }
            }
            var ids = NativeArrays.longs(manager, x, new Shape(2, width), manager.getDevice());
            double sigmoid = NoGrad.run(() -> new DpoLoss(DpoLoss.Type.SIGMOID, 0.1, lora).loss(network, ps, ids, y, null, manager, false).getFloat());
            double hinge = NoGrad.run(() -> new DpoLoss(DpoLoss.Type.HINGE, 0.1, lora).loss(network, ps, ids, y, null, manager, false).getFloat());
            double ipo = NoGrad.run(() -> new DpoLoss(DpoLoss.Type.IPO, 0.1, lora).loss(network, ps, ids, y, null, manager, false).getFloat());
            assertThat(sigmoid).isCloseTo(Math.log(2), within(1e-6));
            assertThat(hinge).isCloseTo(1.0, within(1e-6));
            assertThat(ipo).isCloseTo(25.0, within(1e-4)); // (0 − 1/(2·0.1))²
            double rpo = NoGrad.run(() -> new DpoLoss(DpoLoss.Type.SIGMOID, 0.1, lora, 0.5).loss(network, ps, ids, y, null, manager, false).getFloat());
            float[] logps = PreferenceEval.logps(network, ps, manager, x, y, null, 2, width);
            assertThat(rpo - sigmoid).isCloseTo(0.5 * -logps[0] / answerTokens, within(1e-5));
        }
    }
}
