package org.llmplayground.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.llmplayground.model.ModelPresets;
import org.llmplayground.model.nn.CausalLm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.Collection;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * GPT-2 small forward pass (batch 1, 128 tokens, random weights) in our DJL transformer, then the same model in
 * PyTorch (src/test/python/bench/forward_gpt2.py, Debian's torch with OpenBLAS, 2 threads) in the same session.
 * <pre>./mvnw -q -Pbench test-compile exec:exec -Dbench=ModelForwardBench</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dai.djl.offline=true"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
public class ModelForwardBench {
    NDManager manager;
    CausalLm gpt2;
    ParameterStore ps;
    long[] ids;

    @Setup(Level.Trial)
    public void setUp() {
        manager = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed(0);
        gpt2 = CausalLm.of(ModelPresets.get("gpt2-small").config());
        gpt2.initialize(manager, DataType.FLOAT32, new Shape(1, 128));
        ps = new ParameterStore(manager, false);
        ids = new Random(0).longs(128, 0, 50257).toArray();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    @Benchmark
    public float djlGpt2SmallForward() {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray logits = gpt2.logits(ps, manager.create(ids, new Shape(1, 128)), null, false, null);
            return logits.get(new NDIndex("0, 127, 0")).getFloat();
        }
    }

    public static void main(String[] args) throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder().include(ModelForwardBench.class.getSimpleName()).build()).run();
        double djl = results.iterator().next().getPrimaryResult().getScore();
        double djlError = results.iterator().next().getPrimaryResult().getScoreError();
        Process python = new ProcessBuilder("/usr/bin/python3", "src/test/python/bench/forward_gpt2.py").redirectErrorStream(true).start();
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(python.getInputStream()))) {
            for (String line; (line = r.readLine()) != null; ) {
                last = line;
            }
        }
        python.waitFor();
        double torch = Double.parseDouble(last.trim());
        System.out.println("| implementation | ms per forward (GPT-2 small, 1 × 128) | vs PyTorch |");
        System.out.println("|---|---:|---:|");
        System.out.printf("| DJL 0.35.1 / libtorch 2.7.1 (ours) | %.1f ± %.1f | %.2f× the time |%n", djl, djlError, djl / torch);
        System.out.printf("| PyTorch 1.13.1 (Debian, OpenBLAS) | %.1f (median of 20) | 1.00× |%n", torch);
    }
}
