package org.llmplayground.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import org.llmplayground.tokenizer.bpe.BpeTokenizer;
import org.llmplayground.tokenizer.bpe.Gpt2Files;
import org.llmplayground.tokenizer.bpe.HfTokenizerJson;
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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * Encode throughput on tinyshakespeare (1.1 MB, 338,025 GPT-2 tokens), one encode of the whole text per operation,
 * for our GPT-2 BPE and the two references, in the same run. Run from the repository root:
 * <pre>./mvnw -q -Pbench test-compile exec:exec -Dbench=TokenizerEncodeBench</pre>
 * {@link #main} prints the tokens/second table recorded in docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dai.djl.offline=true"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
public class TokenizerEncodeBench {
    static final Path CORPUS = Path.of("data/tinyshakespeare/input.txt");
    static final int TOKENS = 338_025;

    String text;
    BpeTokenizer ours;
    Encoding r50k;
    HuggingFaceTokenizer hf;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        text = Files.readString(CORPUS, StandardCharsets.UTF_8);
        Path dir = Path.of("data/gpt2-tokenizer");
        ours = Gpt2Files.load(Files.readString(dir.resolve("encoder.json")), Files.readString(dir.resolve("vocab.bpe")));
        r50k = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
        Path json = Files.createTempFile("gpt2", ".json");
        Files.writeString(json, HfTokenizerJson.write(ours));
        hf = HuggingFaceTokenizer.builder().optTokenizerPath(json).optAddSpecialTokens(false)
                .optTruncation(false).optPadding(false).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        hf.close();
    }

    /** Ours as the app runs it: the chunk cache is warm after the first pass. */
    @Benchmark
    public int oursGpt2() {
        return ours.encode(text, false).length;
    }

    /** Ours with an empty chunk cache at every operation: every distinct chunk goes through the merge loop once. */
    @Benchmark
    public int oursGpt2ColdCache() {
        ours.clearCache();
        return ours.encode(text, false).length;
    }

    @Benchmark
    public int jtokkitR50k() {
        return r50k.encodeOrdinary(text).size();
    }

    @Benchmark
    public int hfTokenizers() {
        return hf.encode(text).getIds().length;
    }

    public static void main(String[] args) throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(TokenizerEncodeBench.class.getSimpleName()).build()).run();
        double best = 0;
        for (RunResult r : results) {
            if (!r.getPrimaryResult().getLabel().startsWith("ours")) {
                best = Math.max(best, r.getPrimaryResult().getScore());
            }
        }
        System.out.println("| tokenizer | encodes/s | tokens/s | vs fastest reference |");
        System.out.println("|---|---:|---:|---:|");
        for (RunResult r : results) {
            double ops = r.getPrimaryResult().getScore();
            System.out.printf("| %s | %.2f ± %.2f | %,.0f | %.2f× |%n", r.getPrimaryResult().getLabel(), ops,
                    r.getPrimaryResult().getScoreError(), ops * TOKENS, ops / best);
        }
    }
}
