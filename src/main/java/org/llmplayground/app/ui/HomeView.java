package org.llmplayground.app.ui;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;

/** The home page: what the app is and the learning path through the labs. */
@Route(value = "", layout = MainLayout.class)
@PageTitle("LLM Playground")
public class HomeView extends VerticalLayout {
    static final String PATH = "<ol class='pg-path'>"
            + "<li><b>Tokenize.</b> A model never sees characters, only token ids. Learn how byte-pair encoding builds a "
            + "vocabulary and why the same sentence costs different numbers of tokens in different tokenizers.</li>"
            + "<li><b>Design the transformer.</b> Embeddings, attention, feed-forward blocks: where the parameters live "
            + "and what attention looks at.</li>"
            + "<li><b>Pre-train.</b> Train a small GPT on Shakespeare and watch the loss fall and the samples turn from "
            + "noise into verse.</li>"
            + "<li><b>Generate and chat.</b> Greedy, beam search, temperature, top-k, top-p: how a model picks the next token.</li>"
            + "<li><b>Prepare data.</b> Clean, filter and deduplicate a corpus, because the model learns whatever is in it.</li>"
            + "<li><b>Fine-tune and evaluate.</b> LoRA, preference tuning, benchmarks, experiment tracking.</li>"
            + "</ol>";

    public HomeView() {
        setMaxWidth("960px");
        add(new H1("Learn how large language models work by building one"));
        add(new Paragraph("LLM Playground is a workbench: every lab explains one idea and then lets you use a real "
                + "implementation of it, on real data, on this machine. Nothing here is simulated: the tokenizers produce "
                + "the same ids as OpenAI's and Hugging Face's, and later labs train and run real models."));
        Div path = new Div();
        path.getElement().setProperty("innerHTML", PATH);
        add(new H3("The learning path"), path);
        add(new H3("Labs"));
        for (Labs.Lab lab : Labs.ALL) {
            add(card(lab));
        }
        add(new Paragraph("Each lab has a matching REST API (see REST API in the menu), so what you try in the browser "
                + "you can script."));
    }

    private Div card(Labs.Lab lab) {
        Div card = new Div();
        card.addClassName("pg-card");
        RouterLink link = new RouterLink(lab.number() + ". " + lab.title(), lab.view());
        link.setId("home-lab-" + lab.number());
        card.add(new H3(link), new Paragraph(lab.summary()));
        return card;
    }
}
