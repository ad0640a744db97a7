package org.llmplayground.core.ui;

import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.html.Div;

/**
 * The explanation panel every lab has: what the concept is, the formula, what to try. The content is HTML written
 * by us (never user input), shown in a collapsible box that starts open.
 */
public class Explainer extends Details {
    public Explainer(String title, String html) {
        super(title);
        Div body = new Div();
        body.addClassName("pg-explainer-body");
        body.getElement().setProperty("innerHTML", html);
        add(body);
        addClassName("pg-explainer");
        setOpened(true);
        setWidthFull();
    }
}
