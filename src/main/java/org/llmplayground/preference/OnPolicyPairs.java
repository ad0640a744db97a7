package org.llmplayground.preference;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.llmplayground.finetune.ExactMatch;
import org.llmplayground.finetune.PeftAdapters;
import org.llmplayground.finetune.SftEncoder;
import org.llmplayground.finetune.SftExample;
import org.llmplayground.generation.chat.ChatTemplate;
import org.llmplayground.model.CharVocabulary;
import org.llmplayground.model.nn.Transformer;
import org.llmplayground.training.Checkpoints;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The preference demo's on-policy training pairs: each training instruction with its right answer as chosen and, where
 * the SFT demo model (shakespeare-char + sft-demo-lora) answers it wrong when greedy, that wrong answer as rejected —
 * the model's own mistakes, which DPO can push down — else the synthetic mistake of train.jsonl. The synthetic
 * mistakes are too easy for the SFT model (it ranks 99.5 % of the test pairs right already); its own are not.
 * Greedy decoding makes the file the same on every machine:
 * {@code ./mvnw -q compile exec:java -Dexec.mainClass=org.llmplayground.preference.OnPolicyPairs -Dexec.args=data/preference-demo}.
 */
public final class OnPolicyPairs {
    private OnPolicyPairs() {
    }

    /** The SFT demo model's greedy answers to {@code asked}, read from models/ (the files the app bundles). */
    public static List<String> sftAnswers(Path models, List<SftExample> asked) throws IOException {
        Path base = models.resolve("shakespeare-char");
        try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Checkpoints.Meta meta = Checkpoints.readMeta(base);
            var weights = Checkpoints.readModel(base);
            Transformer network = new Transformer(meta.model().toBuilder().dropout(0).build());
            network.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
            for (var p : network.getParameters()) {
                p.getValue().getArray().set(weights.get(p.getKey()).data());
            }
            PeftAdapters.load(models.resolve(DpoRuns.BUNDLED_SFT), network);
            network.mergeLora();
            CharVocabulary tok = new CharVocabulary(meta.tokenizer().chars());
            SftEncoder enc = new SftEncoder(ChatTemplate.PLAIN, tok::encode, null, meta.model().contextLength(), false);
            ExactMatch.Result own = ExactMatch.evaluate(network, new ParameterStore(manager, false), manager, enc, tok::encode, tok::decode,
                    asked, null, 32);
            return own.answers().stream().map(ExactMatch.Answer::answer).toList();
        }
    }

    /** train.jsonl's pairs with the SFT model's wrong answers as the rejected ones; as TRL lines with the task. */
    public static String jsonl(List<DemoPreferences.Pair> train, List<String> answers) {
        ObjectMapper json = new ObjectMapper();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < train.size(); i++) {
            DemoPreferences.Pair p = train.get(i);
            String own = answers.get(i).strip();
            boolean mistake = !own.isEmpty() && !own.equals(p.chosen());
            ObjectNode o = json.createObjectNode();
            o.put("task", p.task());
            o.put("prompt", p.prompt());
            o.put("chosen", p.chosen());
            o.put("rejected", mistake ? own : p.rejected());
            o.put("source", mistake ? "sft-demo" : "synthetic");
            b.append(o).append('\n');
        }
        return b.toString();
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "data/preference-demo");
        List<DemoPreferences.Pair> train = DemoPreferences.splits().get(0);
        List<SftExample> asked = new ArrayList<>();
        for (DemoPreferences.Pair p : train) {
            asked.add(new SftExample(null, List.of(new org.llmplayground.generation.chat.ChatMessage("user", p.prompt())), "", p.chosen(), p.task()));
        }
        long t0 = System.nanoTime();
        String text = jsonl(train, sftAnswers(Path.of("models"), asked));
        Files.writeString(dir.resolve("train-onpolicy.jsonl"), text);
        System.out.printf("%d of %d pairs have the SFT model's own mistake as rejected (%.0f s)%n",
                text.lines().filter(l -> l.contains("\"source\":\"sft-demo\"")).count(), train.size(), (System.nanoTime() - t0) / 1e9);
    }
}
