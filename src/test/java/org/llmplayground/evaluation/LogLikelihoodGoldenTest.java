package org.llmplayground.evaluation;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.model.io.ImportedWeights;
import org.llmplayground.model.io.WeightFormats;
import org.llmplayground.model.nn.Transformer;
import org.llmplayground.tokenizer.bpe.BpeTokenizer;
import org.llmplayground.tokenizer.bpe.Gpt2Files;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * lm-evaluation-harness 0.4.13's own per-item numbers for gpt2-mini (src/test/resources/golden/lm-eval, README beside
 * them): the continuation token ids exactly, each choice's log-likelihood within 1e-3, is_greedy, and the per-item
 * acc / acc_norm / mc2 decisions (exact, except items whose best two choices are closer than the tolerance); the
 * rolling log-likelihood of the perplexity texts within max(1e-3, 2e-6·|ll|), per token within 1e-4.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogLikelihoodGoldenTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/lm-eval");
    static final ObjectMapper JSON = new ObjectMapper();
    NDManager manager;
    Transformer network;
    LogLikelihood ll;

    @BeforeAll
    void load() throws Exception {
        ImportedWeights w = WeightFormats.read(Path.of("models/gpt2-mini"));
        manager = NDManager.newBaseManager(ai.djl.Device.cpu());
        network = new Transformer(w.config());
        network.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
        for (var p : network.getParameters()) {
            p.getValue().getArray().set(w.tensors().get(p.getKey()).data());
        }
        BpeTokenizer tok = Gpt2Files.load(Files.readString(Path.of("data/gpt2-tokenizer/encoder.json")),
                Files.readString(Path.of("data/gpt2-tokenizer/vocab.bpe")));
        ll = new LogLikelihood(network, new ParameterStore(manager, false), manager, t -> tok.encode(t, false), 50256,
                w.config().contextLength());
    }

    @AfterAll
    void close() {
        manager.close();
    }

    static List<JsonNode> items(String file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(GOLDEN.resolve(file))) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    /** Scores every choice of every item; checks ids, log-likelihoods and greediness; returns the scores per item. */
    List<double[]> check(String file) throws Exception {
        List<double[]> out = new ArrayList<>();
        for (JsonNode item : items(file)) {
            String context = item.get("context").asText();
            JsonNode conts = item.get("continuations");
            double[] scores = new double[conts.size()];
            List<String> continuations = new ArrayList<>();
            conts.forEach(c -> continuations.add(c.asText()));
            // what the runs use: one pass (single tokens) or the shared-prefix KV-cache batch, same numbers as lm-eval's pass per choice
            List<LogLikelihood.Result> together = ll.scoreChoices(context, continuations);
            for (int c = 0; c < conts.size(); c++) {
                String what = file + " doc " + item.get("doc_id").asInt() + " choice " + c;
                LogLikelihood.Encoded e = ll.encodePair(context, conts.get(c).asText());
                assertThat(e.context()).as(what + " context tokens").hasSize(item.get("context_token_count").asInt());
                int[] want = JSON.convertValue(item.get("continuation_token_ids").get(c), int[].class);
                assertThat(e.continuation()).as(what + " continuation ids").containsExactly(want);
                LogLikelihood.Result r = together.get(c);
                assertThat(r.continuationIds()).as(what + " scored ids").containsExactly(want);
                assertThat(r.loglikelihood()).as(what).isCloseTo(item.get("loglikelihoods").get(c).asDouble(), org.assertj.core.data.Offset.offset(1e-3));
                assertThat(r.greedy()).as(what + " is_greedy").isEqualTo(item.get("is_greedy").get(c).asBoolean());
                scores[c] = r.loglikelihood();
            }
            out.add(scores);
        }
        return out;
    }

    void checkAcc(String file, List<double[]> scores) throws Exception {
        List<JsonNode> items = items(file);
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            if (item.get("top2_gap").asDouble() < 1e-3) {
                continue; // closer than the log-likelihood tolerance: either decision is faithful
            }
            int acc = EvaluationService.argmax(scores.get(i)) == item.get("gold").asInt() ? 1 : 0;
            assertThat(acc).as(file + " doc " + item.get("doc_id") + " acc").isEqualTo((int) item.get("acc").asDouble());
        }
    }

    @Test
    void mmluZeroAndFiveShot() throws Exception {
        for (String f : List.of("mmlu_abstract_algebra_0shot.jsonl", "mmlu_abstract_algebra_5shot.jsonl")) {
            checkAcc(f, check(f));
        }
    }

    @Test
    void hellaswagAccAndAccNorm() throws Exception {
        String f = "hellaswag_0-199.jsonl";
        List<double[]> scores = check(f);
        checkAcc(f, scores);
        List<JsonNode> items = items(f);
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            if (item.get("top2_gap_norm").asDouble() < 1e-3) {
                continue;
            }
            double[] norm = scores.get(i).clone();
            for (int c = 0; c < norm.length; c++) {
                norm[c] /= item.get("choice_char_lengths").get(c).asInt();
            }
            assertThat(EvaluationService.argmax(norm) == item.get("gold").asInt() ? 1.0 : 0.0).as("acc_norm doc " + i).isEqualTo(item.get("acc_norm").asDouble());
        }
    }

    @Test
    void truthfulQaMc1AndMc2() throws Exception {
        checkAcc("truthfulqa_mc1_0-79.jsonl", check("truthfulqa_mc1_0-79.jsonl"));
        String f = "truthfulqa_mc2_0-79.jsonl";
        List<double[]> scores = check(f);
        List<JsonNode> items = items(f);
        for (int i = 0; i < items.size(); i++) {
            JsonNode labels = items.get(i).get("labels");
            double right = 0;
            double all = 0;
            for (int c = 0; c < scores.get(i).length; c++) {
                double p = Math.exp(scores.get(i)[c]);
                all += p;
                right += labels.get(c).asInt() == 1 ? p : 0;
            }
            assertThat(right / all).as("mc2 doc " + i).isCloseTo(items.get(i).get("mc2").asDouble(), org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    @Test
    void rollingLogLikelihoodIsPerplexity() throws Exception {
        for (JsonNode t : items("perplexity.jsonl")) {
            LogLikelihood.Rolling r = ll.rolling(t.get("text").asText());
            assertThat(r.tokens()).isEqualTo(t.get("token_count").asInt());
            double want = t.get("loglik_with_bos").asDouble();
            assertThat(r.loglikelihood()).as(t.get("id").asText()).isCloseTo(want, org.assertj.core.data.Offset.offset(Math.max(1e-3, 2e-6 * Math.abs(want))));
            for (int i = 0; i < r.tokens(); i++) {
                assertThat(r.tokenLogprobs()[i]).isCloseTo(t.get("token_logprobs_with_bos").get(i).asDouble(), org.assertj.core.data.Offset.offset(1e-4));
            }
            assertThat(r.perplexity()).isCloseTo(t.get("ppl_with_bos").asDouble(), org.assertj.core.data.Offset.offset(t.get("ppl_with_bos").asDouble() * 1e-3));
        }
    }

    /**
     * Sliding windows with a stride, on a window of 8 tokens: every token is predicted once, from exactly the tokens
     * its window reads (the end-of-text token and the text before it in the first window; the max_length tokens
     * before the window's end after that), checked token by token against single-token scoring of that context;
     * stride = max_length is the rolling log-likelihood itself.
     */
    @Test
    void slidingWindowsWithAStride() throws Exception {
        BpeTokenizer tok = Gpt2Files.load(Files.readString(Path.of("data/gpt2-tokenizer/encoder.json")),
                Files.readString(Path.of("data/gpt2-tokenizer/vocab.bpe")));
        int window = 8;
        LogLikelihood small = new LogLikelihood(network, new ParameterStore(manager, false), manager, t -> tok.encode(t, false), 50256, window);
        String text = "It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness.";
        int[] ids = tok.encode(text, false);
        for (int stride : new int[]{1, 3, 8}) {
            LogLikelihood.Rolling r = small.rolling(text, stride);
            assertThat(r.tokens()).isEqualTo(ids.length);
            assertThat(r.tokenLogprobs()).hasSize(ids.length);
            int predicted = Math.min(window, ids.length);
            for (int i = 0; i < predicted; i++) { // the first window: end-of-text, then the text so far
                int[] ctx = new int[i + 1];
                ctx[0] = 50256;
                System.arraycopy(ids, 0, ctx, 1, i);
                assertThat(r.tokenLogprobs()[i]).as("stride " + stride + " token " + i).isCloseTo(small.score(ctx, new int[]{ids[i]}).loglikelihood(),
                        org.assertj.core.data.Offset.offset(1e-4));
            }
            while (predicted < ids.length) {
                int end = Math.min(ids.length, predicted + stride);
                for (int i = predicted; i < end; i++) { // reads the tokens from end − 1 − window up to i
                    int[] ctx = java.util.Arrays.copyOfRange(ids, Math.max(0, end - 1 - window), i);
                    assertThat(r.tokenLogprobs()[i]).as("stride " + stride + " token " + i).isCloseTo(small.score(ctx, new int[]{ids[i]}).loglikelihood(),
                            org.assertj.core.data.Offset.offset(1e-4));
                }
                predicted = end;
            }
        }
        assertThat(small.rolling(text, window).loglikelihood()).isEqualTo(small.rolling(text).loglikelihood());
        assertThatThrownBy(() -> small.rolling(text, 9)).hasMessage("stride must be between 1 and the model's context, 8 (got 9).");
    }
}
