package org.llmplayground.docs.ui;

import com.vaadin.flow.component.Html;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.micronaut.context.annotation.Prototype;
import org.llmplayground.app.ui.MainLayout;
import org.llmplayground.core.BadInputException;
import org.llmplayground.docs.Docs;

/** The Docs page: the documentation's pages in reading order, search, and the page rendered from its Markdown. */
@Route(value = "docs/:page*", layout = MainLayout.class)
@PageTitle("Docs · LLM Playground")
@Prototype
public class DocsView extends HorizontalLayout implements BeforeEnterObserver {
    private final Docs docs;
    private final Div content = new Div();
    private final VerticalLayout results = new VerticalLayout();

    public DocsView(Docs docs) {
        this.docs = docs;
        setWidthFull();
        VerticalLayout nav = new VerticalLayout();
        nav.setId("docs-nav");
        nav.setWidth("16em");
        nav.setPadding(false);
        TextField search = new TextField("Search the docs");
        search.setId("docs-search");
        search.setValueChangeMode(ValueChangeMode.LAZY);
        search.addValueChangeListener(e -> search(e.getValue()));
        results.setId("docs-results");
        results.setPadding(false);
        nav.add(search, results);
        for (Docs.Page p : docs.pages()) {
            Anchor a = new Anchor("docs/" + p.name(), p.title());
            a.setId("docs-link-" + p.name().replace('/', '-')); // ids without "/": CSS selectors stay plain
            nav.add(a);
        }
        content.setId("docs-content");
        content.addClassName("pg-docs");
        content.getStyle().set("max-width", "52em").set("flex", "1");
        add(nav, content);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        String name = event.getRouteParameters().get("page").orElse("index");
        try {
            content.removeAll();
            content.add(new Html("<div>" + docs.page(name).html() + "</div>"));
        } catch (BadInputException e) {
            content.removeAll();
            Span error = new Span(e.getMessage());
            error.addClassName("pg-error");
            content.add(error);
        }
    }

    private void search(String q) {
        results.removeAll();
        if (q == null || q.strip().length() < 2) {
            return;
        }
        var hits = docs.search(q);
        if (hits.isEmpty()) {
            results.add(new Span("Nothing found for '" + q.strip() + "'."));
        }
        for (Docs.Hit h : hits) {
            Anchor a = new Anchor("docs/" + h.page(), h.title() + ": " + h.snippet());
            results.add(a);
        }
    }
}
