package org.llmplayground.app.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.icon.VaadinIcon;
import io.micronaut.core.annotation.Nullable;
import org.llmplayground.data.ui.DataView;
import org.llmplayground.generation.ui.ChatView;
import org.llmplayground.generation.ui.GenerationView;
import org.llmplayground.model.ui.ArchitectureView;
import org.llmplayground.tokenizer.ui.TokenizerView;
import org.llmplayground.training.ui.TrainingView;

import java.util.List;

/**
 * The labs that exist, in learning-path order, the tools beside them, and the learning path. The side navigation and
 * the home page are built from these lists, so a lab appears in both as soon as it is added here, and nothing links
 * to a lab that does not exist yet: a step of the path whose lab is not built is shown as coming.
 */
public final class Labs {
    /** One lab: its place on the path, its view, and a sentence on what the learner does there. */
    public record Lab(int number, String title, String summary, Class<? extends Component> view, VaadinIcon icon) {
    }

    public static final List<Lab> ALL = List.of(
            new Lab(1, "Tokenizer", "Turn text into token ids: byte-pair encoding from scratch, GPT-2's real tokenizer, "
                    + "tiktoken and Hugging Face side by side; train your own vocabulary.", TokenizerView.class, VaadinIcon.SPLIT),
            new Lab(2, "Transformer", "Design a transformer and see where its parameters and memory go; build it in DJL; "
                    + "look inside real models: attention heatmaps per head, the residual stream, the next-token distribution.",
                    ArchitectureView.class, VaadinIcon.CLUSTER),
            new Lab(3, "Training", "Pre-train a GPT from scratch and watch it learn: live loss curves, learning rate, gradient "
                    + "norm and samples that turn from noise into Shakespeare; pause, resume, compare runs, keep checkpoints.",
                    TrainingView.class, VaadinIcon.TRENDING_UP),
            new Lab(4, "Generation", "See how a model picks each next token: greedy, sampling with temperature, top-k, top-p and "
                    + "min-p, penalties, beam search with its tree; tokens coloured by probability; strategies side by side.",
                    GenerationView.class, VaadinIcon.TEXT_INPUT),
            new Lab(5, "Data", "Turn raw text into a clean training corpus: HTML and Unicode cleanup, language and quality filters, "
                    + "PII removal, exact and MinHash near-duplicate removal, statistics, a split ready for training.",
                    DataView.class, VaadinIcon.FILTER),
            new Lab(6, "Fine-tuning", "Teach a pre-trained model to follow instructions: supervised fine-tuning with the loss on the "
                    + "answers only, LoRA's low-rank adapters or every weight, live loss, then base vs fine-tuned on held-out questions.",
                    org.llmplayground.finetune.ui.FineTuneView.class, VaadinIcon.SLIDERS),
            new Lab(7, "Preferences", "Judge pairs of answers, train a reward model on the judgments, then align the fine-tuned model "
                    + "with DPO while its rewards separate and its KL to the reference stays small.",
                    org.llmplayground.preference.ui.PreferencesView.class, VaadinIcon.SCALE),
            new Lab(8, "Evaluation", "Measure a model with numbers that match the reference tools: MMLU, HellaSwag and TruthfulQA scored "
                    + "as lm-evaluation-harness does, BLEU, chrF, ROUGE and METEOR as sacreBLEU, rouge-score and NLTK compute them; a "
                    + "leaderboard, people and judge models.",
                    org.llmplayground.evaluation.ui.EvaluationView.class, VaadinIcon.CHART));

    /** A page beside the labs (the chat playground): in the navigation's tools section. */
    public record Tool(String title, String id, Class<? extends Component> view, VaadinIcon icon) {
    }

    public static final List<Tool> TOOLS = List.of(new Tool("Chat playground", "chat", ChatView.class, VaadinIcon.CHAT),
            new Tool("Models", "models", org.llmplayground.registry.ui.ModelsView.class, VaadinIcon.CUBES),
            new Tool("Experiments", "experiments", org.llmplayground.tracking.ui.ExperimentsView.class, VaadinIcon.FLASK),
            new Tool("Docs", "docs", org.llmplayground.docs.ui.DocsView.class, VaadinIcon.BOOK));

    /**
     * One step of the learning path: what the learner does, the pages where they do it (empty while the lab is not
     * built yet), and for such a step what is coming.
     */
    public record Step(String title, String text, List<Class<? extends Component>> views, @Nullable String coming) {
        public boolean built() {
            return !views.isEmpty();
        }
    }

    public static final List<Step> PATH = List.of(
            new Step("Tokenize", "A model never sees characters, only token ids. Learn how byte-pair encoding builds a vocabulary "
                    + "and why the same sentence costs different numbers of tokens in different tokenizers.", List.of(TokenizerView.class), null),
            new Step("Design the transformer", "Embeddings, attention, feed-forward blocks: where the parameters live and what "
                    + "attention looks at.", List.of(ArchitectureView.class), null),
            new Step("Pre-train", "Train a small GPT on Shakespeare and watch the loss fall and the samples turn from noise into "
                    + "verse.", List.of(TrainingView.class), null),
            new Step("Generate and chat", "Greedy, beam search, temperature, top-k, top-p: how a model picks the next token; then "
                    + "talk to it with a chat template.", List.of(GenerationView.class, ChatView.class), null),
            new Step("Prepare data", "Clean, filter and deduplicate a corpus, because the model learns whatever is in it.",
                    List.of(DataView.class), null),
            new Step("Fine-tune", "Supervised fine-tuning with LoRA or QLoRA: the model learns to answer instructions, measured on "
                    + "held-out ones; then preferences: judge answers, train a reward model, align with DPO.",
                    List.of(org.llmplayground.finetune.ui.FineTuneView.class, org.llmplayground.preference.ui.PreferencesView.class), null),
            new Step("Evaluate", "Metrics and benchmarks that match the reference implementations; a leaderboard, radar, "
                    + "history and paired tests to read them; human evaluation with agreement, and LLM-as-judge.",
                    List.of(org.llmplayground.evaluation.ui.EvaluationView.class, org.llmplayground.evaluation.ui.DashboardView.class,
                            org.llmplayground.evaluation.ui.HumanEvaluationView.class), null),
            new Step("Track models and experiments", "A model registry with the Hub, quantization, cards and export; experiment "
                    + "tracking with H2, Weights & Biases and MLflow.", List.of(org.llmplayground.registry.ui.ModelsView.class,
                    org.llmplayground.tracking.ui.ExperimentsView.class), null));

    private Labs() {
    }
}
