package org.llmplayground.bench;

import io.micronaut.context.ApplicationContext;
import org.llmplayground.generation.GenerationService;
import org.llmplayground.generation.GenerationSettings;
import org.llmplayground.model.ModelService;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Memory over 1,000 generations: the process's resident set (VmRSS, which includes libtorch's native memory) and the
 * Java heap after a GC, printed every 100 generations. Each generation is 100 sampled tokens from the bundled
 * Shakespeare model with a new seed (every 10th is a beam search of width 4), through {@link GenerationService}.
 * <pre>./mvnw -q -Pbench test-compile exec:exec -Dbench=GenerationMemoryBench</pre>
 */
public final class GenerationMemoryBench {
    private GenerationMemoryBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Object> props = Map.of("playground.home", Files.createTempDirectory("memory-bench").toString(), "playground.port", "0");
        try (ApplicationContext ctx = ApplicationContext.run(props)) {
            GenerationService service = ctx.getBean(GenerationService.class);
            GenerationSettings sample = GenerationSettings.defaults().withSampling(0.8, 40, 0.95, 0).withMaxNewTokens(100);
            GenerationSettings beam = GenerationSettings.defaults().withStrategy(GenerationSettings.Strategy.BEAM).withBeam(4, 1, true, 1)
                    .withMaxNewTokens(40);
            System.out.println("| generations | resident set (MB) | Java heap after GC (MB) |");
            System.out.println("|---:|---:|---:|");
            long start = System.nanoTime();
            for (int i = 1; i <= 1000; i++) {
                service.generate(service.prepare(ModelService.SHAKESPEARE_MODEL, "ROMEO:\n", i % 10 == 0 ? beam : sample.withSeed((long) i)), e -> {
                }, () -> false);
                if (i == 1 || i % 100 == 0) {
                    System.gc();
                    Runtime rt = Runtime.getRuntime();
                    System.out.printf("| %,d | %.1f | %.1f |%n", i, rssMb(), (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
                }
            }
            System.out.printf("%n1,000 generations in %.1f s%n", (System.nanoTime() - start) / 1e9);
        }
    }

    static double rssMb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return -1;
    }
}
