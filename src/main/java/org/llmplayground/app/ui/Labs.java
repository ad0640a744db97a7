package org.llmplayground.app.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.icon.VaadinIcon;
import org.llmplayground.data.ui.DataView;
import org.llmplayground.generation.ui.GenerationView;
import org.llmplayground.model.ui.ArchitectureView;
import org.llmplayground.tokenizer.ui.TokenizerView;
import org.llmplayground.training.ui.TrainingView;

import java.util.List;

/**
 * The labs that exist, in learning-path order. The side navigation and the home page are built from this list, so
 * a lab appears in both as soon as it is added here, and nothing links to a lab that does not exist yet.
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
                    DataView.class, VaadinIcon.FILTER));

    private Labs() {
    }
}
