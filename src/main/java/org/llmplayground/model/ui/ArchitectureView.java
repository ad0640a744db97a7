package org.llmplayground.model.ui;

import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.tabs.Tab;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.micronaut.context.annotation.Prototype;
import org.llmplayground.app.ui.MainLayout;
import org.llmplayground.core.BackgroundExecutor;
import org.llmplayground.core.ui.Explainer;
import org.llmplayground.model.ArchitectureService;
import org.llmplayground.model.ModelService;
import org.llmplayground.tokenizer.TokenizerService;

/** Lab 2: the Transformer. Configure one and see where its parameters live; look inside a loaded model. */
@Route(value = "architecture", layout = MainLayout.class)
@PageTitle("Transformer · LLM Playground")
@Prototype
public class ArchitectureView extends VerticalLayout implements BeforeEnterObserver {
    static final String EXPLANATION = "<p><b>Attention</b> lets each position gather information from earlier ones. Every token "
            + "makes a query q, a key k and a value v (three linear maps of its vector). Position i scores every position j ≤ i by "
            + "q<sub>i</sub>·k<sub>j</sub>, and the output is the score-weighted mix of values:"
            + "<br><code>Attention(Q, K, V) = softmax(QKᵀ / √d<sub>head</sub> + mask) · V</code><br>"
            + "The mask is −∞ above the diagonal, so a token never sees the future; √d keeps scores from growing with the head "
            + "size. Several heads do this in parallel in smaller subspaces; the heatmaps show each head's softmax rows.</p>"
            + "<p><b>Why positions need encoding.</b> Attention compares vectors, not places: shuffle the tokens and each one "
            + "gets the same mix. <i>Learned</i> positions (GPT-2) add a trained vector per position, but stop at the table's "
            + "end. <i>Sinusoidal</i> ones add sin/cos waves of geometric wavelengths, fixed and extendable. <i>RoPE</i> (Llama) "
            + "rotates q and k by an angle proportional to the position, so q·k depends only on the distance between tokens.</p>"
            + "<p><b>Pre- vs post-norm.</b> The original Transformer normalised after the residual add: norm(x + f(x)). GPT-2 "
            + "and Llama normalise before: x + f(norm(x)). The residual path then stays a clean identity from input to output, "
            + "which keeps gradients healthy in deep stacks; a final norm before the head finishes the job.</p>"
            + "<p><b>Where the parameters live.</b> Per block: attention 4·d² (q, k, v, o) and the feed-forward network 8·d² "
            + "(d → 4d → d), so about 12·d² per layer. The embedding is V·d (38.6M of GPT-2 small's 124.4M), shared with the "
            + "output head when tied. Training needs far more memory than the weights: gradients and AdamW's two moments add "
            + "three more copies, plus activations.</p>"
            + "<p><b>Try:</b> untie GPT-2's head and watch 38.6M parameters appear; switch to SwiGLU; give Llama-2-7B grouped-"
            + "query attention (8 key/value heads) and see attention shrink; build baby-gpt and look at its (random) attention; "
            + "in the sort model, see how the last layer's heads point at the digit to copy.</p>";

    private final TabSheet tabs = new TabSheet();
    private final LookInsidePanel lookInside;

    public ArchitectureView(ArchitectureService architecture, ModelService models, TokenizerService tokenizers,
                            BackgroundExecutor executor) {
        setWidthFull();
        add(new H1("2. Transformer"), new Explainer("How a transformer is built", EXPLANATION));
        lookInside = new LookInsidePanel(models, executor);
        ConfiguratorPanel configurator = new ConfiguratorPanel(architecture, models, tokenizers, executor, this::inspect);
        Tab configure = new Tab("Configure");
        configure.setId("tab-configure");
        Tab inside = new Tab("Look inside");
        inside.setId("tab-inside");
        tabs.add(configure, configurator);
        tabs.add(inside, lookInside);
        tabs.setWidthFull();
        add(tabs);
    }

    /** {@code ?model=<id>} (e.g. from the Training lab's "open" on a checkpoint) opens Look inside on that model. */
    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        event.getLocation().getQueryParameters().getSingleParameter("model").ifPresent(this::inspect);
    }

    private void inspect(String modelId) {
        tabs.setSelectedIndex(1);
        lookInside.refreshModels(modelId);
    }
}
