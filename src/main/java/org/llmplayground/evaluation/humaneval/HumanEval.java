package org.llmplayground.evaluation.humaneval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Resources;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * OpenAI's HumanEval (data/humaneval/HumanEval.jsonl.gz, 164 problems) as lm-evaluation-harness 0.4's
 * {@code humaneval} task runs it: the prompt (a signature and docstring) is the model's input, generation stops at
 * {@link #STOPS}, and the program run is human-eval's {@code check_program}:
 * <pre>
 *   prompt + completion + "\n" + test + "\n" + "check(" + entry_point + ")"
 * </pre>
 * which passes when it exits without an exception. pass@k is the unbiased estimator of Chen et al. (2021).
 */
public final class HumanEval {
    /** lm-eval's humaneval.yaml generation_kwargs.until. */
    public static final List<String> STOPS = List.of("\nclass", "\ndef", "\n#", "\nif", "\nprint");
    /** lm-eval's task version of humaneval. */
    public static final String VERSION = "humaneval 1.0 (lm-eval 0.4)";
    private static volatile List<Problem> problems;

    /** One problem of the file. */
    public record Problem(int index, String taskId, String prompt, String canonicalSolution, String test, String entryPoint) {
        /** human-eval's check_program for a completion. */
        public String program(String completion) {
            return prompt + completion + "\n" + test + "\n" + "check(" + entryPoint + ")";
        }
    }

    private HumanEval() {
    }

    /** The 164 problems, read once. */
    public static List<Problem> problems() {
        List<Problem> p = problems;
        if (p == null) {
            p = read(Resources.bytes("bundled/data/humaneval/HumanEval.jsonl.gz"));
            problems = p;
        }
        return p;
    }

    static List<Problem> read(byte[] gz) {
        ObjectMapper json = new ObjectMapper();
        List<Problem> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(new ByteArrayInputStream(gz)), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    JsonNode n = json.readTree(line);
                    out.add(new Problem(out.size(), n.get("task_id").asText(), n.get("prompt").asText(), n.get("canonical_solution").asText(),
                            n.get("test").asText(), n.get("entry_point").asText()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(out);
    }

    /**
     * The completion cut at the first stop sequence (lm-eval cuts at each of {@link #STOPS}; the generator takes at
     * most four, so the text is cut here again with all five). Example: "    return x\n\ndef f():" → "    return x\n".
     */
    public static String cut(String completion) {
        return cut(completion, STOPS);
    }

    /** The text before the first of {@code stops} (the whole text when none occurs). */
    public static String cut(String completion, List<String> stops) {
        int end = completion.length();
        for (String s : stops) {
            int at = completion.indexOf(s);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        return completion.substring(0, end);
    }

    /**
     * Unbiased pass@k from n samples of which c passed: 1 − C(n−c, k) / C(n, k), computed as human-eval does, as
     * 1 − Π_{i=n−c+1}^{n} (1 − k/i) (exact, no overflow). Example: n = 5, c = 1, k = 1 → 0.2; n = 5, c = 1, k = 5 → 1.
     */
    public static double passAtK(int n, int c, int k) {
        if (k < 1 || n < 1) {
            throw new BadInputException("pass@k needs k ≥ 1 and n ≥ 1 samples (got n = " + n + ", k = " + k + ").");
        }
        if (k > n) {
            throw new BadInputException("pass@" + k + " needs at least " + k + " samples per problem; there are " + n + ".");
        }
        if (c < 0 || c > n) {
            throw new BadInputException("The passing samples (" + c + ") must be between 0 and n (" + n + ").");
        }
        if (n - c < k) {
            return 1.0;
        }
        double prod = 1.0;
        for (int i = n - c + 1; i <= n; i++) {
            prod *= 1.0 - (double) k / i;
        }
        return 1.0 - prod;
    }

    /** The same estimator with exact binomials (for tests): 1 − C(n−c, k) / C(n, k). */
    static double passAtKExact(int n, int c, int k) {
        return 1.0 - new java.math.BigDecimal(binomial(n - c, k)).divide(new java.math.BigDecimal(binomial(n, k)), java.math.MathContext.DECIMAL128)
                .doubleValue();
    }

    private static BigInteger binomial(int n, int k) {
        if (k < 0 || k > n) {
            return BigInteger.ZERO;
        }
        BigInteger r = BigInteger.ONE;
        for (int i = 0; i < k; i++) {
            r = r.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
        }
        return r;
    }
}
