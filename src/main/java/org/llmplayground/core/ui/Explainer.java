package org.llmplayground.core.ui;

import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.html.Div;

/**
 * The explanation panel every lab has: what the concept is, the formula, what to try. The content is HTML written
 * by us (never user input), shown in a collapsible box.
 * <p>
 * It is open on the first visit; after that it is closed (so the lab's controls are above the fold), unless the
 * learner opened or closed it themselves, which the browser remembers per panel (localStorage).
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
        getElement().setAttribute("data-explainer", title);
        getElement().executeJs("""
                const el = this, key = 'pg-explainer:' + $0;
                let v = null;
                try { v = localStorage.getItem(key); } catch (e) { }
                if (v === null) {
                  try { localStorage.setItem(key, 'seen'); } catch (e) { }
                } else {
                  el.opened = v === 'open';
                }
                el.addEventListener('click', ev => {
                  if (ev.composedPath().some(n => n.getAttribute && n.getAttribute('slot') === 'summary')) {
                    setTimeout(() => { try { localStorage.setItem(key, el.opened ? 'open' : 'closed'); } catch (e) { } }, 0);
                  }
                });""", title);
    }
}
