package org.llmplayground.tokenizer.ui;

import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.tabs.Tab;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.micronaut.context.annotation.Prototype;
import org.llmplayground.app.ui.MainLayout;
import org.llmplayground.core.BackgroundExecutor;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.core.ui.Explainer;
import org.llmplayground.corpus.CorpusStore;
import org.llmplayground.tokenizer.TokenizerInfo;
import org.llmplayground.tokenizer.TokenizerService;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lab 1: the Tokenizer. One text at the top; tabs to inspect it with one tokenizer, compare 2–4 tokenizers on it,
 * train a vocabulary, and measure a tokenizer's coverage of a corpus.
 */
@Route(value = "tokenizer", layout = MainLayout.class)
@PageTitle("Tokenizer · LLM Playground")
@Prototype
public class TokenizerView extends VerticalLayout {
    static final Map<String, String> EXAMPLES = new LinkedHashMap<>();

    static {
        EXAMPLES.put("English", "The quick brown fox jumps over the lazy dog. Tokenizers turn text into numbers; "
                + "a language model only ever sees those numbers.");
        EXAMPLES.put("Shakespeare", "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.");
        EXAMPLES.put("Code", "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n");
        EXAMPLES.put("Numbers", "In 2024, 1234567 people paid $3.14 each: 3,876,543.96 in total.");
        EXAMPLES.put("Unicode and emoji", "naïve café, Straße, Привет, こんにちは, 안녕하세요 👋🏽 👨‍👩‍👧");
        EXAMPLES.put("Special token", "End of one document.<|endoftext|>Start of the next.");
        EXAMPLES.put("HTML (try pre-cleaning)", "<p>Hello&nbsp;<b>world</b>!</p>\n\n\n\n<script>track()</script>  Ｆｕｌｌｗｉｄｔｈ ﬁ");
    }

    static final String EXPLANATION = "<p><b>Byte-pair encoding (BPE)</b> builds a vocabulary from text. Start with the "
            + "256 possible byte values as tokens, then repeat: count every pair of adjacent tokens, and make the most frequent "
            + "pair a new token. After <i>k</i> merges the vocabulary has 256 + <i>k</i> tokens. Example: "
            + "<code>aaabdaaabac</code> → merge (a,a)→256, (256,a)→257, (257,b)→258 → <code>[258, 100, 258, 97, 99]</code>.</p>"
            + "<p><b>Why bytes?</b> Every text is a sequence of UTF-8 bytes, so a byte-level tokenizer never meets an unknown "
            + "character: an emoji it has no token for is simply a few byte tokens (chips such as <code>‹F0 9F›</code> show raw bytes).</p>"
            + "<p><b>Why a regex split?</b> Before BPE, GPT-2 cuts text with a regular expression into words, numbers, "
            + "punctuation and spaces (chip colours = these chunks), so merges never glue a word to the punctuation after it. "
            + "GPT-4's pattern also caps numbers at three digits.</p>"
            + "<p><b>Compression</b> = bytes per token. More bytes per token means more text fits in the model's context and "
            + "each request costs less: cost = tokens ÷ 1000 × price per 1K.</p>"
            + "<p><b>Try:</b> compare <i>gpt2</i> with <i>cl100k_base</i> on code (whitespace) and numbers; type a word with and "
            + "without a leading space; train a 512-token vocabulary on Shakespeare and watch common words appear as merges; "
            + "measure its coverage against GPT-2's.</p>";

    private final TokenizerService service;
    private final TextArea text = new TextArea("Text");
    private final InspectorPanel inspector;
    private final ComparePanel compare;
    private final TrainPanel train;
    private final CoveragePanel coverage;
    private final TabSheet tabs = new TabSheet();
    private final Tab compareTab;

    public TokenizerView(TokenizerService service, CorpusStore corpora, JobRunner jobs, BackgroundExecutor executor) {
        this.service = service;
        setWidthFull();
        add(new H1("1. Tokenizer"), new Explainer("How tokenization works", EXPLANATION));
        configureText();
        inspector = new InspectorPanel(service, executor, text::getValue);
        compare = new ComparePanel(service, executor, text::getValue);
        train = new TrainPanel(service, corpora, jobs, this::refreshTokenizers, this::useInInspector);
        coverage = new CoveragePanel(service, corpora, executor, text::getValue);
        tabs.add(tab("Inspector", "tab-inspector"), inspector);
        compareTab = tabs.add(tab("Compare", "tab-compare"), compare);
        tabs.add(tab("Train a vocabulary", "tab-train"), train);
        tabs.add(tab("Coverage", "tab-coverage"), coverage);
        tabs.setWidthFull();
        tabs.addSelectedChangeListener(e -> {
            if (e.getSelectedTab() == compareTab) {
                compare.refresh();
            }
        });
        add(tabs);
        refreshTokenizers();
        inspector.refresh();
    }

    private static Tab tab(String label, String id) {
        Tab tab = new Tab(label);
        tab.setId(id);
        return tab;
    }

    private void configureText() {
        text.setId("tok-text");
        text.setWidthFull();
        text.setMinHeight("7em");
        text.setMaxHeight("16em");
        text.setValueChangeMode(ValueChangeMode.LAZY);
        text.setValueChangeTimeout(300);
        text.setValue(EXAMPLES.get("English"));
        text.addValueChangeListener(e -> {
            inspector.refresh();
            if (tabs.getSelectedTab() == compareTab) {
                compare.refresh();
            }
        });
        ComboBox<String> examples = new ComboBox<>("Try an example");
        examples.setId("tok-examples");
        examples.setItems(EXAMPLES.keySet());
        examples.addValueChangeListener(e -> {
            if (e.getValue() != null) {
                text.setValue(EXAMPLES.get(e.getValue()));
            }
        });
        HorizontalLayout row = new HorizontalLayout(text, examples);
        row.setWidthFull();
        row.setAlignItems(FlexComponent.Alignment.START);
        row.expand(text);
        add(row);
    }

    private void refreshTokenizers() {
        List<TokenizerInfo> all = service.tokenizers();
        inspector.setTokenizers(all);
        compare.setTokenizers(all);
        train.setTokenizers(all);
        coverage.setTokenizers(all);
    }

    private void useInInspector(String tokenizerId) {
        refreshTokenizers();
        inspector.select(tokenizerId);
        tabs.setSelectedIndex(0);
    }
}
