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
    LogLikelihood ll;

    @BeforeAll
    void load() throws Exception {
        ImportedWeights w = WeightFormats.read(Path.of("models/gpt2-mini"));
        manager = NDManager.newBaseManager(ai.djl.Device.cpu());
        Transformer network = new Transformer(w.config());
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
}
